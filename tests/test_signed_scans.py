"""Scans of signed papers (issue 12 item 5): the team uploads the signed scan of a consent form or a letter to the
generated document it was printed from. The type is decided by the content (never the name or the browser's
Content-Type), images are re-encoded without their metadata (GPS!), bad input is refused with a message and
stores nothing, only the head and the case's team upload, downloads follow the document's own need-to-know check,
and both are audited without a file name. Every test builds its own files and runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from admin_app.documents import scans as scan_service
from admin_app.documents.archive import generate_document
from admin_app.extensions import db
from admin_app.models import (
    AssignmentLetter,
    AuditEvent,
    ConsentPurpose,
    DocumentStatus,
    GeneratedDocument,
    InformedConsent,
    LetterStatus,
    Role,
    RoleCode,
    SignedScan,
    User,
)
from admin_app.sop.requirements import missing_inputs
from admin_app.sop.steps import step
from tests.helpers import csrf_token, login, page_messages
from tests.reading import problems_in, visible_text

# A file name as staff's phones and scanners name files: it carries the victim's name. It must go nowhere.
VICTIM_FILENAME = "Persetujuan_Siti_Aminah_korban.pdf"


# ---------------------------------------------------------------- files made here


def pdf_bytes(pages: int = 2, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def gps_exif(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotate 90 degrees when shown
    exif[0x010F] = "KameraPonsel"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 37.0, 12.0)}  # GPS: Kota Tangerang
    return exif.tobytes()


def photo(kind: str) -> bytes:
    """A 60x30 phone photo with GPS EXIF, orientation 6, and text metadata naming the victim."""
    image = Image.new("RGB", (60, 30), (180, 20, 20))
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", exif=gps_exif(), comment=b"Siti Aminah", quality=95)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Siti Aminah")
        image.save(out, "PNG", exif=gps_exif(), pnginfo=info)
    return out.getvalue()


def noisy_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A few hundred bytes whose header promises 900 million pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + _chunk(b"IEND", b""))


# ---------------------------------------------------------------- helpers


def upload(client, document, data: bytes | None, filename: str = "pindaian.pdf", content_type: str = "application/pdf",
           note: str = "", token: str | None = None):
    token = token or csrf_token(client, "/admin/")
    form = {"csrf_token": token, "catatan": note}
    if data is not None:
        form["berkas"] = (io.BytesIO(data), filename, content_type)
    return client.post(f"/admin/pindaian/unggah/{document.id}", data=form, content_type="multipart/form-data")


def scans(document=None) -> list[SignedScan]:
    db.session.expire_all()
    query = sa.select(SignedScan).order_by(SignedScan.id)
    if document is not None:
        query = query.where(SignedScan.generated_document_id == document.id)
    return list(db.session.execute(query).scalars())


def events(action: str, object_type: str = "signed_scans") -> list[AuditEvent]:
    return list(db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_type == object_type)
        .order_by(AuditEvent.id)
    ).scalars())


def case_page(client, case) -> str:
    response = client.get(f"/admin/cases/details/?id={case.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def documents_section(html: str) -> str:
    match = re.search(r'(?s)<table class="table table-sm table-bordered" id="official-documents">.*?</table>', html)
    assert match, "no documents table"
    return match.group(0)


def logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})


def issued_assignment(case) -> AssignmentLetter:
    return db.session.execute(
        sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id, AssignmentLetter.status == LetterStatus.ISSUED)
    ).scalar_one()


@pytest.fixture
def letter_doc(builder, team):
    """A case at step 3 (team: petugas1) and its generated Surat Tugas."""
    case = builder.walk(builder.register(), 3)
    document = generate_document(db.session, case=case, doc_type="surat_tugas", letter=issued_assignment(case),
                                 user=team.kepala)
    db.session.commit()
    return case, document


@pytest.fixture
def step4_docs(builder, team):
    """A case at step 4 (visible to administration) with its Surat Tugas and consent form generated."""
    case = builder.walk(builder.register(), 4)
    letter = generate_document(db.session, case=case, doc_type="surat_tugas", letter=issued_assignment(case),
                               user=team.kepala)
    consent = generate_document(db.session, case=case, doc_type="formulir_persetujuan", letter=None, user=team.kepala)
    db.session.commit()
    return case, letter, consent


# ---------------------------------------------------------------- what is stored


def test_a_signed_pdf_is_stored_with_its_hash_and_page_count(client, letter_doc, team):
    case, document = letter_doc
    login(client, "petugas1")
    data = pdf_bytes(2)
    response = upload(client, document, data, note="ditandatangani Kepala")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/cases/details/?id={case.id}#dokumen-resmi")
    html = case_page(client, case)
    assert "Pindaian bertanda tangan Surat Tugas Penjangkauan Korban (versi 1) tersimpan" in html
    (scan,) = scans(document)
    assert scan.content == data and scan.sha256 == hashlib.sha256(data).hexdigest() and scan.size_bytes == len(data)
    assert (scan.mime_type, scan.page_count, scan.scan_no) == ("application/pdf", 2, 1)
    assert scan.case_id == case.id and scan.uploaded_by_id == team.officers[0].id and scan.note == "ditandatangani Kepala"

    # A rescan adds one; the first stays as it was.
    assert upload(client, document, pdf_bytes(3)).status_code == 302
    first, second = scans(document)
    assert (first.scan_no, first.content, second.scan_no, second.page_count) == (1, data, 2, 3)

    download = client.get(f"/admin/pindaian/{first.id}/unduh")
    assert download.status_code == 200 and download.get_data() == data and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="surat_tugas-{case.case_number}-v1-pindaian-1.pdf"')
    assert download.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_photos_are_stored_re_encoded_upright_and_without_metadata(client, letter_doc, kind):
    case, document = letter_doc
    login(client, "petugas1")
    original = photo(kind)
    assert b"Siti Aminah" in original and Image.open(io.BytesIO(original)).getexif().get(0x8825)
    mime = "image/jpeg" if kind == "JPEG" else "image/png"
    assert upload(client, document, original, filename="IMG_0001.jpg", content_type=mime).status_code == 302
    (scan,) = scans(document)
    assert scan.mime_type == mime and scan.page_count is None
    assert scan.content != original and scan.sha256 == hashlib.sha256(scan.content).hexdigest()
    assert scan.size_bytes == len(scan.content)
    stored = Image.open(io.BytesIO(scan.content))
    assert stored.format == kind
    assert stored.size == (30, 60)  # the EXIF orientation was applied before it was dropped
    assert not dict(stored.getexif())
    for marker in (b"Exif", b"eXIf", b"Siti Aminah", b"KameraPonsel", b"iCCP", b"tEXt", b"iTXt", b"zTXt"):
        assert marker not in scan.content, marker
    assert not {"exif", "icc_profile", "comment", "xmp", "Author"} & set(stored.info)
    name = client.get(f"/admin/pindaian/{scan.id}/unduh").headers["Content-Disposition"]
    assert name.endswith(f'-pindaian-1.{"jpg" if kind == "JPEG" else "png"}"')


def test_a_png_named_pdf_is_stored_as_the_png_it_is(client, letter_doc):
    """Decided by the content: a PNG sent as "scan.pdf" with the PDF Content-Type is a PNG, stored and named so."""
    case, document = letter_doc
    login(client, "petugas1")
    assert upload(client, document, photo("PNG"), filename="scan.pdf", content_type="application/pdf").status_code == 302
    (scan,) = scans(document)
    assert scan.mime_type == "image/png" and Image.open(io.BytesIO(scan.content)).format == "PNG"
    response = client.get(f"/admin/pindaian/{scan.id}/unduh")
    assert response.mimetype == "image/png" and response.headers["Content-Disposition"].endswith('.png"')


def _truncated_png() -> bytes:
    data = photo("PNG")
    return data[: len(data) - 40]


def _corrupted_png() -> bytes:
    """One flipped bit in the picture data: the file is whole, its checksum says it is damaged."""
    data = bytearray(photo("PNG"))
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4:idat])[0]
    data[idat + 4 + length // 2] ^= 0x01
    return bytes(data)


BAD_UPLOADS = {
    "no_file": (lambda: None, "Pilih berkas pindaian"),
    "empty_file": (lambda: b"", "Berkas kosong"),
    "text_named_pdf": (lambda: "Surat ini ditandatangani.\n".encode() * 20, "bukan PDF, JPG atau PNG"),
    "exe_named_pdf": (lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 500 + b"This program cannot be run", "bukan PDF, JPG atau PNG"),
    "truncated_png": (_truncated_png, "Gambar rusak atau tidak lengkap"),
    "truncated_jpeg": (lambda: noisy_jpeg()[:3000], "Gambar rusak atau tidak lengkap"),
    "corrupted_png": (_corrupted_png, "Gambar rusak atau tidak lengkap"),
    "broken_pdf": (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, "PDF rusak atau tidak dapat dibaca"),
    "encrypted_pdf": (lambda: pdf_bytes(1, password="rahasia"), "dikunci dengan kata sandi"),
    "decompression_bomb": (png_bomb, "Gambar terlalu besar"),
    "over_the_limit": (lambda: pdf_bytes(1) + b"%" + b"0" * 40_000, "Berkas terlalu besar: batas ukuran pindaian 20 KB"),
}


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_bad_uploads_are_refused_with_a_message_and_store_nothing(app, client, letter_doc, kind):
    case, document = letter_doc
    make, expected = BAD_UPLOADS[kind]
    app.config["SCAN_MAX_BYTES"] = 20 * 1024
    login(client, "petugas1")
    response = upload(client, document, make(), filename="scan.pdf")
    assert response.status_code == 302
    messages = " ".join(page_messages(client.get(response.headers["Location"])))
    assert expected in messages and "Pindaian tidak disimpan." in messages, messages
    assert scans() == []
    (refused,) = [e for e in events("create") if e.outcome == "refused"]
    assert refused.case_id == case.id and refused.detail["dokumen"] == document.id
    assert "scan.pdf" not in str(refused.detail)


def test_a_request_over_the_servers_limit_gets_the_same_message_not_a_413_page(app, client, letter_doc):
    case, document = letter_doc
    app.config.update(SCAN_MAX_BYTES=32 * 1024, MAX_CONTENT_LENGTH=64 * 1024)
    login(client, "petugas1")
    token = csrf_token(client, "/admin/")
    response = upload(client, document, pdf_bytes(1) + b"%" + b"0" * 100_000, token=token)
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith(f"/admin/cases/details/?id={case.id}#dokumen-resmi")
    messages = " ".join(page_messages(client.get(response.headers["Location"])))
    assert "Berkas terlalu besar: batas ukuran pindaian 32 KB" in messages, messages
    assert scans() == []


def test_the_same_scan_twice_is_stored_once(client, letter_doc):
    case, document = letter_doc
    login(client, "petugas1")
    data = pdf_bytes(1)
    upload(client, document, data)
    response = upload(client, document, data)
    assert "sama persis dengan pindaian 1" in " ".join(page_messages(client.get(response.headers["Location"])))
    assert len(scans(document)) == 1


def test_a_post_without_csrf_token_stores_nothing(client, letter_doc):
    case, document = letter_doc
    login(client, "petugas1")
    response = client.post(f"/admin/pindaian/unggah/{document.id}", content_type="multipart/form-data",
                           data={"berkas": (io.BytesIO(pdf_bytes(1)), "scan.pdf")})
    assert response.status_code == 400
    assert scans() == []


def test_the_database_refuses_to_change_or_delete_a_scan(client, letter_doc):
    case, document = letter_doc
    login(client, "petugas1")
    upload(client, document, pdf_bytes(1))
    (scan,) = scans()
    for statement in (sa.update(SignedScan).where(SignedScan.id == scan.id).values(content=b"palsu"),
                      sa.delete(SignedScan).where(SignedScan.id == scan.id)):
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
    assert scans()[0].sha256 == scan.sha256


def test_documents_that_are_not_signed_on_paper_take_no_scan(client, step4_docs, team):
    case, _letter, _consent = step4_docs
    complaint = generate_document(db.session, case=case, doc_type="formulir_pengaduan", letter=None, user=team.kepala)
    db.session.commit()
    login(client, "kepala")
    assert upload(client, complaint, pdf_bytes(1)).status_code == 404
    assert f"/admin/pindaian/unggah/{complaint.id}" not in case_page(client, case)
    with pytest.raises(scan_service.ScanRejected):
        scan_service.store_signed_scan(db.session, complaint, pdf_bytes(1), user=team.kepala)
    assert scans() == []


# ---------------------------------------------------------------- who


def test_an_officer_outside_the_team_can_neither_upload_nor_download(client, letter_doc, make_user):
    case, document = letter_doc
    login(client, "petugas1")
    upload(client, document, pdf_bytes(1))
    (scan,) = scans()
    logout(client)

    login(client, "petugas2")  # an officer, not on this case's Surat Tugas
    assert upload(client, document, pdf_bytes(2)).status_code == 404
    assert client.get(f"/admin/pindaian/{scan.id}/unduh").status_code == 404
    assert len(scans()) == 1
    assert not [e for e in events("download") if e.username == "petugas2"]
    refused = [e for e in db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "refused")).scalars()
               if e.username == "petugas2"]
    assert {(e.object_type, e.object_id) for e in refused} >= {("generated_documents", str(document.id))}
    logout(client)

    make_user("admin1", "sysadmin")
    login(client, "admin1")
    assert upload(client, document, pdf_bytes(2)).status_code == 403
    assert client.get(f"/admin/pindaian/{scan.id}/unduh").status_code == 403
    assert len(scans()) == 1


def test_an_officer_who_sees_the_case_but_is_not_on_its_team_cannot_upload(client, builder, team):
    """Seeing a case is not acting on it: an officer who is also administration sees the case at step 4 without
    being on its team, and may download its letters but not upload their scans (403)."""
    case = builder.walk(builder.register(), 4)
    document = generate_document(db.session, case=case, doc_type="surat_tugas", letter=issued_assignment(case),
                                 user=team.kepala)
    officer = db.session.execute(sa.select(User).where(User.username == "petugas2")).scalar_one()
    officer.roles.append(db.session.execute(sa.select(Role).where(Role.code == RoleCode.ADMINISTRASI.value)).scalar_one())
    db.session.commit()
    login(client, "petugas2")
    assert client.get(f"/admin/cases/details/?id={case.id}").status_code == 200
    assert upload(client, document, pdf_bytes(1)).status_code == 403
    assert scans() == []
    assert [e.outcome for e in db.session.execute(sa.select(AuditEvent).where(
        AuditEvent.action == "refused", AuditEvent.object_type == "signed_scans")).scalars()] == ["refused"]


def test_the_head_uploads_to_any_case(client, letter_doc, team):
    case, document = letter_doc
    login(client, "kepala")
    assert upload(client, document, pdf_bytes(1)).status_code == 302
    assert [s.uploaded_by_id for s in scans()] == [team.kepala.id]


def test_administration_downloads_the_letters_scans_but_uploads_none(client, step4_docs):
    case, letter, consent = step4_docs
    login(client, "petugas1")
    upload(client, letter, pdf_bytes(1))
    upload(client, consent, pdf_bytes(2))
    letter_scan, consent_scan = scans()
    logout(client)

    login(client, "administrasi")
    html = case_page(client, case)
    assert f"/admin/pindaian/{letter_scan.id}/unduh" in html
    assert f"/admin/pindaian/{consent_scan.id}/unduh" not in html  # the consent form is not theirs to read
    assert "Unggah pindaian" not in html and "/admin/pindaian/unggah/" not in html
    assert client.get(f"/admin/pindaian/{letter_scan.id}/unduh").status_code == 200
    assert client.get(f"/admin/pindaian/{consent_scan.id}/unduh").status_code == 404
    assert upload(client, letter, pdf_bytes(3)).status_code == 403
    assert upload(client, consent, pdf_bytes(3)).status_code == 404
    assert len(scans()) == 2


# ---------------------------------------------------------------- audit


def test_upload_and_download_are_audited_without_the_file_name(client, letter_doc):
    case, document = letter_doc
    login(client, "petugas1")
    data = pdf_bytes(1)
    upload(client, document, data, filename=VICTIM_FILENAME)
    (scan,) = scans()
    client.get(f"/admin/pindaian/{scan.id}/unduh")
    (created,) = events("create")
    assert created.outcome == "ok" and created.case_id == case.id and created.object_id == str(scan.id)
    assert created.detail == {"jenis": "surat_tugas", "dokumen": document.id, "versi": 1, "pindaian": 1,
                              "jenis_berkas": "application/pdf", "sha256": scan.sha256, "ukuran": len(data),
                              "halaman": 1}
    (downloaded,) = events("download")
    assert downloaded.case_id == case.id and downloaded.detail["sha256"] == scan.sha256
    assert downloaded.detail["dokumen"] == document.id and downloaded.detail["ukuran"] == len(data)
    every_entry = " ".join(str(e.detail) for e in db.session.execute(sa.select(AuditEvent)).scalars())
    row = db.session.execute(sa.text("SELECT * FROM signed_scans")).mappings().one()
    for needle in ("Siti", "Aminah", "Persetujuan_"):
        assert needle not in every_entry
        assert not any(isinstance(v, str) and needle in v for v in row.values()), row


# ---------------------------------------------------------------- screens


def test_the_case_page_lists_the_scans_in_indonesian(client, letter_doc, team, clock):
    case, document = letter_doc
    login(client, "petugas1")
    html = case_page(client, case)
    section = documents_section(html)
    form = re.search(r'(?s)<form[^>]*id="scan-upload-%d".*?</form>' % document.id, section).group(0)
    assert 'enctype="multipart/form-data"' in form and 'accept=".pdf,.jpg,.jpeg,.png"' in form
    assert 'name="csrf_token"' in form and "Unggah pindaian" in form and "paling besar 10 MB" in form
    assert "belum ada pindaian" in section

    upload(client, document, photo("JPEG"), filename="IMG_2001.jpg", content_type="image/jpeg")
    upload(client, document, pdf_bytes(2))
    first, second = scans(document)
    section = documents_section(case_page(client, case))
    assert "Pindaian bertanda tangan: 2 pindaian" in section
    local = first.uploaded_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d-%m-%Y %H:%M")
    assert local in section  # the office's local time, as the rest of the page
    assert team.officers[0].full_name in section
    assert "JPG" in section and "PDF, 2 halaman" in section
    for scan in (first, second):
        assert f"/admin/pindaian/{scan.id}/unduh" in section
    assert "IMG_2001" not in section and "image/jpeg" not in section
    assert not problems_in(visible_text(section)), problems_in(visible_text(section))


def test_a_consent_counts_by_its_recorded_decision_and_shows_its_scan_as_evidence(client, builder, team):
    case = builder.walk(builder.register(child=False), 3)
    builder.fill_field_documents(case, team.officers[0])
    consent = db.session.execute(sa.select(InformedConsent).where(
        InformedConsent.case_id == case.id, InformedConsent.purpose == ConsentPurpose.SERVICE)).scalars().first()
    consent.decision = None  # the paper may be signed; the form does not say what was decided
    consent.status = DocumentStatus.DRAFT
    document = generate_document(db.session, case=case, doc_type="formulir_persetujuan", letter=None, user=team.kepala)
    db.session.commit()
    field_work = step(case.current_step)
    before = missing_inputs(db.session, case, field_work)
    assert any("ersetujuan" in m for m in before), before

    login(client, "petugas1")
    page = client.get(f"/admin/consent/edit/?id={consent.id}").get_data(as_text=True)
    assert "Bukti bertanda tangan" in page and "Belum ada pindaian formulir persetujuan" in page
    assert upload(client, document, pdf_bytes(1)).status_code == 302
    (scan,) = scans()
    db.session.expire_all()
    assert missing_inputs(db.session, case, field_work) == before  # a scan is evidence, not the decision
    assert db.session.get(InformedConsent, consent.id).decision is None

    page = client.get(f"/admin/consent/edit/?id={consent.id}").get_data(as_text=True)
    evidence = re.search(r'(?s)<div class="card mb-3" id="consent-evidence">.*?</div></div>', page).group(0)
    assert f"/admin/pindaian/{scan.id}/unduh" in evidence and "Formulir Persetujuan versi 1" in evidence
    assert "tidak mengubah keputusan" in evidence
    assert not problems_in(visible_text(evidence))
    section = documents_section(case_page(client, case))
    assert "Pindaian bertanda tangan (bukti persetujuan): 1 pindaian" in section


# ---------------------------------------------------------------- the content checks alone


def test_check_scan_decides_by_content():
    pdf = pdf_bytes(4)
    assert scan_service.check_scan(pdf).page_count == 4
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 4
    assert scan_service.check_scan(photo("PNG")).mime_type == "image/png"
    assert scan_service.check_scan(photo("JPEG")).mime_type == "image/jpeg"
    small_bomb = png_bomb(3000, 3000)  # 9 million pixels promised: over a limit of 1 million
    with pytest.raises(scan_service.ScanRejected, match="terlalu besar"):
        scan_service.check_scan(small_bomb, max_pixels=1_000_000)
    with pytest.raises(scan_service.ScanRejected, match="terlalu besar"):
        scan_service.check_scan(b"%PDF-" + b"0" * 100, max_bytes=50)


def test_the_stored_document_is_the_one_uploaded_to(client, step4_docs):
    """A scan belongs to exactly the generated document (and its case) of the URL."""
    case, letter, consent = step4_docs
    login(client, "petugas1")
    upload(client, consent, pdf_bytes(1))
    (scan,) = scans()
    assert scan.generated_document_id == consent.id and scan.case_id == case.id
    assert db.session.get(GeneratedDocument, letter.id) is not None and scans(letter) == []
