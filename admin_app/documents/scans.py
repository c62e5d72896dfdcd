"""Scans of the papers signed from generated documents (consent forms, letters, the instruction), plain Python over
SQLAlchemy: the upload is checked by its CONTENT before anything is stored, images are re-encoded, and a scan is
a new row, never an overwrite (the table is append-only, migration 0009).

What is accepted: a PDF (pypdf reads it and counts its pages; encrypted ones are refused), a JPEG or a PNG (Pillow
verifies it, then decodes it whole). The name and the Content-Type the browser sends are ignored: a PNG named
`.pdf` is stored as the PNG it is. Images are saved afresh with their EXIF orientation applied and without EXIF,
GPS, XMP, ICC or text chunks: a phone photo of a signed form must not carry where it was taken. No file name is
ever stored: the names people give scans often carry the victim's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import logging

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from admin_app.documents.archive import FORM_RECORDS, _insert_numbered, safe_filename
from admin_app.documents.images import BrokenImage, TooManyPixels, image_kind, open_upright
from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.models import GeneratedDocument, InformedConsent, SignedScan, User, utcnow

log = logging.getLogger(__name__)

PDF_MIME, JPEG_MIME, PNG_MIME = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF_MIME: "pdf", JPEG_MIME: "jpg", PNG_MIME: "png"}
KIND_LABELS = {PDF_MIME: "PDF", JPEG_MIME: "JPG", PNG_MIME: "PNG"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# An A4 page scanned at 600 dpi is about 35 million pixels; more is not a scan but a (decompression) bomb.
MAX_PIXELS = 40_000_000
MAX_NOTE = 200
JPEG_QUALITY = 90

MSG_TYPE = "Berkas bukan PDF, JPG atau PNG. Unggah hasil pindaian dalam salah satu format tersebut."
MSG_EMPTY = "Berkas kosong. Pilih berkas hasil pindaian yang berisi."
MSG_BROKEN_IMAGE = "Gambar rusak atau tidak lengkap (misalnya terpotong saat dikirim); tidak dapat dibuka. Pindai atau ekspor ulang."
MSG_BROKEN_PDF = "PDF rusak atau tidak dapat dibaca. Simpan ulang dari aplikasi pemindai, lalu unggah lagi."
MSG_ENCRYPTED = "PDF dikunci dengan kata sandi (terenkripsi). Simpan ulang tanpa kata sandi, lalu unggah lagi."
MSG_NO_PAGES = "PDF tidak berisi halaman."
MSG_TOO_MANY_PIXELS = (
    f"Gambar terlalu besar (lebih dari {MAX_PIXELS // 1_000_000} juta piksel). Pindai ulang dengan resolusi lebih "
    "rendah (300 dpi sudah cukup)."
)


class ScanRejected(Exception):
    """An upload that is not stored; the message is for the user, in Bahasa Indonesia."""


def too_big_message(max_bytes: int) -> str:
    return f"Berkas terlalu besar: batas ukuran pindaian {size_text(max_bytes)}. Perkecil resolusi atau kualitas pindaian, lalu unggah lagi."


def size_text(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


@dataclasses.dataclass(frozen=True)
class CheckedScan:
    """What is stored: the bytes (re-encoded for images), their type as found in the content, pages of a PDF."""

    content: bytes
    mime_type: str
    page_count: int | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def check_scan(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = MAX_PIXELS) -> CheckedScan:
    """The scan as it will be stored, or ScanRejected saying why not. Decided by the bytes alone."""
    if not data:
        raise ScanRejected(MSG_EMPTY)
    if len(data) > max_bytes:
        raise ScanRejected(too_big_message(max_bytes))
    if data.startswith(b"%PDF-"):
        return _check_pdf(data)
    kind = image_kind(data)
    if kind is None:
        raise ScanRejected(MSG_TYPE)
    return _clean_image(data, kind, max_pixels)


def _check_pdf(data: bytes) -> CheckedScan:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ScanRejected(MSG_ENCRYPTED)
        pages = len(reader.pages)
    except ScanRejected:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file; each means "cannot be read"
        log.info("scan refused: PDF cannot be read", exc_info=True)
        raise ScanRejected(MSG_BROKEN_PDF) from None
    if pages < 1:
        raise ScanRejected(MSG_NO_PAGES)
    return CheckedScan(data, PDF_MIME, pages)


def _clean_image(data: bytes, kind: str, max_pixels: int) -> CheckedScan:
    try:
        upright, info = open_upright(data, kind, max_pixels)
    except TooManyPixels:
        raise ScanRejected(MSG_TOO_MANY_PIXELS) from None
    except BrokenImage:
        log.info("scan refused: image cannot be decoded", exc_info=True)
        raise ScanRejected(MSG_BROKEN_IMAGE) from None
    dpi, transparency = info.get("dpi"), info.get("transparency")
    # A fresh save with nothing of the original's metadata: Pillow copies ICC, EXIF, XMP and comments from
    # `info` when it is left in place.
    upright.info = {}
    options: dict = {}
    if _valid_dpi(dpi):
        options["dpi"] = tuple(round(float(v)) for v in dpi)
    out = io.BytesIO()
    if kind == "JPEG":
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"", **options)
        return CheckedScan(out.getvalue(), JPEG_MIME, None)
    if transparency is not None:
        options["transparency"] = transparency
    upright.save(out, "PNG", optimize=False, **options)
    return CheckedScan(out.getvalue(), PNG_MIME, None)


def _valid_dpi(dpi) -> bool:
    try:
        return len(dpi) == 2 and all(1 <= float(v) <= 10_000 for v in dpi)
    except (TypeError, ValueError):
        return False


def takes_signed_scans(doc_type: str) -> bool:
    doc = DOCUMENT_TYPES.get(doc_type)
    return doc is not None and doc.signed_on_paper


# The form that prints the informed consents: its signed scan is the consent's evidence. The consent itself counts
# only by the decision recorded in the form (sop/completeness.py); a scan never changes that.
CONSENT_DOC_TYPE = next(code for code, models in FORM_RECORDS.items() if InformedConsent in models)


def scan_heading(doc_type: str) -> str:
    if doc_type == CONSENT_DOC_TYPE:
        return "Pindaian bertanda tangan (bukti persetujuan)"
    return "Pindaian bertanda tangan"


def describe_scan(scan: SignedScan) -> str:
    """How a scan reads on screen, e.g. "PDF, 2 halaman, 120 KB"."""
    parts = [KIND_LABELS.get(scan.mime_type, "berkas")]
    if scan.page_count:
        parts.append(f"{scan.page_count} halaman")
    parts.append(size_text(scan.size_bytes))
    return ", ".join(parts)


def store_signed_scan(session: Session, document: GeneratedDocument, data: bytes, *, user: User, note: str | None = None,
                      max_bytes: int = DEFAULT_MAX_BYTES, now: dt.datetime | None = None) -> SignedScan:
    """Check `data` and store it as the next scan of `document`. ScanRejected (nothing stored) says why not.

    Who may do it is the caller's check (`sop.access.acts_on_case`); this is what any caller gets: the type, the
    size, the content, no duplicate of a scan already stored for the document."""
    if not takes_signed_scans(document.doc_type):
        raise ScanRejected("Dokumen ini tidak ditandatangani di atas kertas; pindaian tidak disimpan untuknya.")
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > MAX_NOTE:
        raise ScanRejected(f"Catatan terlalu panjang (maksimal {MAX_NOTE} karakter).")
    checked = check_scan(data, max_bytes=max_bytes)
    digest = checked.sha256
    same = session.execute(
        select(SignedScan.scan_no)
        .where(SignedScan.generated_document_id == document.id, SignedScan.sha256 == digest)
    ).scalars().first()
    if same is not None:
        raise ScanRejected(f"Berkas ini sama persis dengan pindaian {same} yang sudah tersimpan; tidak disimpan lagi.")
    moment = now or utcnow()
    return _insert_numbered(
        session,
        SignedScan.scan_no,
        [SignedScan.generated_document_id == document.id],
        lambda n: SignedScan(
            generated_document_id=document.id, case_id=document.case_id, scan_no=n, mime_type=checked.mime_type,
            content=checked.content, sha256=digest, size_bytes=len(checked.content), page_count=checked.page_count,
            note=note, uploaded_by_id=user.id, uploaded_at=moment,
        ),
    )


def scans_by_document(session: Session, document_ids) -> dict[int, list[SignedScan]]:
    """The scans of each generated document, in the order they were stored (content not loaded)."""
    ids = list(document_ids)
    found: dict[int, list[SignedScan]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.execute(
        select(SignedScan).where(SignedScan.generated_document_id.in_(ids))
        .options(selectinload(SignedScan.uploaded_by))
        .order_by(SignedScan.generated_document_id, SignedScan.scan_no)
    ).scalars()
    for scan in rows:
        found[scan.generated_document_id].append(scan)
    return found


def case_scans(session: Session, case_id: int, doc_type: str) -> list[tuple[GeneratedDocument, SignedScan]]:
    """Every scan of the documents of one type of a case (e.g. the consent form's): oldest first."""
    rows = session.execute(
        select(GeneratedDocument, SignedScan)
        .join(SignedScan, SignedScan.generated_document_id == GeneratedDocument.id)
        .where(GeneratedDocument.case_id == case_id, GeneratedDocument.doc_type == doc_type)
        .options(selectinload(SignedScan.uploaded_by))
        .order_by(SignedScan.uploaded_at, SignedScan.id)
    ).all()
    return [(document, scan) for document, scan in rows]


def download_name(scan: SignedScan, document: GeneratedDocument, case_number: str) -> str:
    """`surat_tugas-PJK-2026-0001-v1-pindaian-2.pdf`: made of codes only, never of anything a user typed."""
    extension = EXTENSIONS.get(scan.mime_type, "bin")
    return safe_filename(f"{document.doc_type}-{case_number}-v{document.version_no}-pindaian-{scan.scan_no}.{extension}")
