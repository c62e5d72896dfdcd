"""The emblem in the letterhead (kop surat) of every document.

The default templates carry a clearly marked placeholder picture (doc_templates/kop_logo.png). The unit's own
emblem is uploaded once on the template screen, checked and re-encoded here, and stored versioned beside the
templates (`document_template_versions`, type `kop_logo`); every document made afterwards prints it in place of the
placeholder. A template staff made with a picture of their own keeps it: only the placeholder's bytes are swapped.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from admin_app.documents.images import BrokenImage, TooManyPixels, image_kind, open_upright
from admin_app.documents.rendering import DEFAULT_TEMPLATE_DIR, file_sha256
from admin_app.models import DocumentTemplateVersion, User

LOGO_TYPE = "kop_logo"
PLACEHOLDER = (DEFAULT_TEMPLATE_DIR / "kop_logo.png").read_bytes()
PLACEHOLDER_SHA = hashlib.sha256(PLACEHOLDER).hexdigest()
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # larger is refused before it is decoded (a "decompression bomb")
MIN_SIDE = 60
OUT_BOX = (480, 560)  # the placeholder's proportions (240 x 280), twice: sharp in print at 2 cm wide


class LogoRejected(ValueError):
    """The upload is not a usable emblem; the message is for the user."""


def prepare_logo(data: bytes) -> bytes:
    """Check an uploaded PNG/JPEG by its content and re-encode it as a PNG in the placeholder's proportions (the
    picture's frame in the templates is fixed; a wider or taller emblem is centred on a transparent margin). The
    re-encoding drops every metadata block the camera or editor wrote (EXIF, GPS, comments)."""
    if not data:
        raise LogoRejected("Berkas logo kosong.")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRejected(f"Berkas logo terlalu besar (paling besar {MAX_LOGO_BYTES // (1024 * 1024)} MB).")
    kind = image_kind(data)
    if kind is None:
        raise LogoRejected("Logo harus berupa gambar PNG atau JPEG.")
    try:
        image, _ = open_upright(data, kind, MAX_PIXELS)
    except TooManyPixels:
        raise LogoRejected("Gambar logo terlalu besar ukurannya (piksel); perkecil dulu.") from None
    except BrokenImage:
        raise LogoRejected("Gambar logo rusak atau tidak dapat dibaca.") from None
    if min(image.size) < MIN_SIDE:
        raise LogoRejected(f"Gambar logo terlalu kecil (minimal {MIN_SIDE} x {MIN_SIDE} piksel).")
    image = image.convert("RGBA")
    image.thumbnail(OUT_BOX)
    ratio = OUT_BOX[0] / OUT_BOX[1]
    width = max(image.width, round(image.height * ratio))
    height = max(image.height, round(width / ratio))
    canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2), image)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def active_logo(session: Session) -> DocumentTemplateVersion | None:
    return session.execute(
        select(DocumentTemplateVersion)
        .where(DocumentTemplateVersion.doc_type == LOGO_TYPE, DocumentTemplateVersion.is_active.is_(True))
    ).scalar_one_or_none()


def store_logo(session: Session, data: bytes, *, user: User | None) -> DocumentTemplateVersion:
    """Check and store an uploaded emblem as the next version, active at once (the previous ones stay listed)."""
    png = prepare_logo(data)
    number = (session.execute(
        select(DocumentTemplateVersion.version_no).where(DocumentTemplateVersion.doc_type == LOGO_TYPE)
        .order_by(DocumentTemplateVersion.version_no.desc()).limit(1)
    ).scalar_one_or_none() or 0) + 1
    reset_logo(session)
    version = DocumentTemplateVersion(
        doc_type=LOGO_TYPE, version_no=number, filename=f"logo_kop_v{number}.png", content=png,
        sha256=file_sha256(png), size_bytes=len(png), is_active=True, note="Logo kop surat",
        uploaded_by_id=user.id if user else None,
    )
    session.add(version)
    session.flush()
    return version


def reset_logo(session: Session) -> None:
    """Back to the placeholder of the templates: no emblem version is active."""
    session.execute(
        update(DocumentTemplateVersion).where(DocumentTemplateVersion.doc_type == LOGO_TYPE)
        .values(is_active=False).execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, DocumentTemplateVersion) and obj.doc_type == LOGO_TYPE:
            session.expire(obj, ["is_active"])


def with_logo(docx: bytes, logo: bytes | None) -> bytes:
    """The rendered document with the unit's emblem wherever the placeholder picture is (unchanged without one)."""
    if not logo:
        return docx
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info) for info in infos}
    swapped = [name for name, data in parts.items()
               if name.startswith("word/media/") and hashlib.sha256(data).hexdigest() == PLACEHOLDER_SHA]
    if not swapped:
        return docx
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, logo if info.filename in swapped else parts[info.filename])
    return out.getvalue()
