"""The emblem in the letterhead: uploaded on the template screen by those who manage templates, checked by content,
re-encoded without metadata, printed in place of the templates' placeholder; bad files change nothing."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
import sqlalchemy as sa
from PIL import Image

from admin_app.documents.archive import generate_document
from admin_app.documents.kop import LOGO_TYPE, PLACEHOLDER, PLACEHOLDER_SHA
from admin_app.extensions import db
from admin_app.models import AuditEvent, DocumentTemplateVersion
from tests.helpers import csrf_token

INDEX = "/admin/templat/"


def jpeg_with_gps(size=(300, 200)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraPonsel"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.0)}  # GPSInfo: where the photo was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size=(240, 280)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 90, 160, 255)).save(out, format="PNG")
    return out.getvalue()


def upload(client, data: bytes, name="lambang.jpg"):
    return client.post(f"{INDEX}logo/unggah", data={"csrf_token": csrf_token(client, INDEX),
                                                    "logo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def logos() -> list[DocumentTemplateVersion]:
    db.session.expire_all()
    return list(db.session.execute(sa.select(DocumentTemplateVersion).where(
        DocumentTemplateVersion.doc_type == LOGO_TYPE).order_by(DocumentTemplateVersion.version_no)).scalars())


def media_of(docx: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]


def test_the_unit_uploads_its_emblem_and_every_document_prints_it(client, login_as, builder, team):
    case = builder.walk(builder.register(), 4)
    db.session.commit()
    login_as("adm2", "administrasi")
    page = client.get(INDEX).get_data(as_text=True)
    assert "gambar penanda tempat logo" in page
    assert client.get(f"{INDEX}logo.png").data == PLACEHOLDER
    before = generate_document(db.session, case=case, doc_type="formulir_pengaduan", letter=None, user=team.kepala)
    assert PLACEHOLDER in media_of(before.content)

    response = upload(client, jpeg_with_gps())
    assert response.status_code == 302
    (logo,) = logos()
    assert logo.is_active and logo.sha256 == hashlib.sha256(logo.content).hexdigest()
    stored = Image.open(io.BytesIO(logo.content))
    assert stored.format == "PNG" and not stored.getexif() and "exif" not in stored.info  # no camera, no GPS
    assert abs(stored.width / stored.height - 240 / 280) < 0.01  # the frame's proportions: not stretched
    assert "diunggah" in client.get(response.headers["Location"]).get_data(as_text=True)

    after = generate_document(db.session, case=case, doc_type="formulir_pengaduan", letter=None, user=team.kepala)
    media = media_of(after.content)
    assert logo.content in media and all(hashlib.sha256(m).hexdigest() != PLACEHOLDER_SHA for m in media)
    events = db.session.execute(sa.select(AuditEvent).where(AuditEvent.object_type == "document_template_versions",
                                                            AuditEvent.object_id == str(logo.id))).scalars().all()
    assert events and "lambang" not in str([e.detail for e in events])  # no filename in the trail

    assert client.post(f"{INDEX}logo/bawaan", data={"csrf_token": csrf_token(client, INDEX)}).status_code == 302
    assert not any(v.is_active for v in logos())
    again = generate_document(db.session, case=case, doc_type="formulir_pengaduan", letter=None, user=team.kepala)
    assert PLACEHOLDER in media_of(again.content)


TRUNCATED = png()[:200]
BAD = {
    "text renamed": (b"bukan gambar sama sekali", "Logo harus berupa gambar PNG atau JPEG"),
    "truncated png": (TRUNCATED, "rusak"),
    "tiny": (png((20, 20)), "terlalu kecil"),
    "too big": (b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024 + 10), "terlalu besar"),
    "empty": (b"", "Pilih berkas"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_emblem_is_refused_with_a_reason_and_changes_nothing(client, login_as, kind):
    data, expected = BAD[kind]
    login_as("adm2", "administrasi")
    upload(client, png())
    (kept,) = logos()
    response = upload(client, data, name="logo.png")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert expected in page and "Logo tidak diganti" in page
    assert [(v.id, v.is_active) for v in logos()] == [(kept.id, True)]


@pytest.mark.parametrize("role", ["petugas", "kepala"])
def test_case_roles_cannot_change_the_emblem(client, login_as, role):
    login_as("staf", role)
    response = client.post(f"{INDEX}logo/unggah", data={"csrf_token": csrf_token(client, "/admin/"),
                                                        "logo": (io.BytesIO(png()), "x.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert logos() == []
