"""Official documents through the screens: templates managed by sysadmin and administrasi (upload validated before
anything is stored, history, preview, activate and roll back), and the archive of generated documents on the case
page (the active template, a new version each time, never overwritten, downloads checked against need to know and
recorded). Everything goes through the test client with real CSRF tokens."""

from __future__ import annotations

import hashlib
import io
import random
import re
import threading
import zipfile

import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy.orm import Session

from admin_app.documents import archive as archive_service
from admin_app.documents import pdf
from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.documents.rendering import MAX_FILE_BYTES, default_template
from admin_app.extensions import db, write_intent
from admin_app.models import (
    AssignmentLetter,
    AuditEvent,
    Case,
    DocumentTemplateVersion,
    GeneratedDocument,
    Letter,
    LetterStatus,
    User,
)
from admin_app.seeding.templates import load_default_templates
from admin_app.views import documents as document_views
from tests.conftest import missing_service
from tests.helpers import csrf_token, login, page_messages

OLD_WORDING = "Demikian surat tugas ini dibuat untuk dilaksanakan dengan penuh tanggung jawab."
NEW_WORDING = "Demikian surat tugas ini dibuat untuk dilaksanakan dengan penuh amanah dan menjaga kerahasiaan korban."
TEMPLATES = "/admin/templat/"


# ---------------------------------------------------------------- helpers


def docx_text(data: bytes) -> str:
    body = Document(io.BytesIO(data)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def edit_document_xml(data: bytes, old: str, new: str) -> bytes:
    """What a staff member does in Word: change some text of the template (here inside word/document.xml)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert old in xml
    return rezip(data, replace={"word/document.xml": xml.replace(old, new).encode("utf-8")})


def versions_url(doc_type: str) -> str:
    return f"{TEMPLATES}jenis/{doc_type}/"


def versions(doc_type: str) -> list[DocumentTemplateVersion]:
    db.session.expire_all()
    return list(db.session.execute(
        sa.select(DocumentTemplateVersion).where(DocumentTemplateVersion.doc_type == doc_type)
        .order_by(DocumentTemplateVersion.version_no)
    ).scalars())


def template_state() -> list[tuple]:
    db.session.expire_all()
    return list(db.session.execute(
        sa.select(DocumentTemplateVersion.doc_type, DocumentTemplateVersion.version_no, DocumentTemplateVersion.is_active,
                  DocumentTemplateVersion.sha256)
        .order_by(DocumentTemplateVersion.doc_type, DocumentTemplateVersion.version_no)
    ).all())


def upload(client, doc_type: str, data: bytes, filename: str = "surat_tugas.docx", note: str = "", token: str | None = None):
    token = token or csrf_token(client, versions_url(doc_type))
    return client.post(
        f"{TEMPLATES}jenis/{doc_type}/unggah",
        data={"csrf_token": token, "catatan": note, "berkas": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def activate(client, version: DocumentTemplateVersion):
    token = csrf_token(client, versions_url(version.doc_type))
    return client.post(f"{TEMPLATES}versi/{version.id}/aktifkan", data={"csrf_token": token})


def case_page(client, case) -> str:
    response = client.get(f"/admin/cases/details/?id={case.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def generate(client, case, doc_type: str, letter=None):
    token = csrf_token(client, "/admin/")  # one token per session: any page's will do
    data = {"csrf_token": token}
    if letter is not None:
        data["letter_id"] = str(letter.id)
    return client.post(f"/admin/dokumen/buat/{case.id}/{doc_type}", data=data)


def archive(case, doc_type: str) -> list[GeneratedDocument]:
    db.session.expire_all()
    return list(db.session.execute(
        sa.select(GeneratedDocument).where(GeneratedDocument.case_id == case.id, GeneratedDocument.doc_type == doc_type)
        .order_by(GeneratedDocument.version_no)
    ).scalars())


def audit_events(action: str, object_type: str | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    return list(db.session.execute(query).scalars())


def assignment_letter(case) -> AssignmentLetter:
    return db.session.execute(
        sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id, AssignmentLetter.status == LetterStatus.ISSUED)
    ).scalar_one()


def assert_download_headers(response, suffix: str) -> None:
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="[A-Za-z0-9._-]+\.{suffix}"', disposition), disposition
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def at_step3(builder, team):
    """A case whose assignment letter the head has issued through the engine; team: petugas1 only."""
    case = builder.register()
    builder.walk(case, 3)
    db.session.commit()
    return case


@pytest.fixture
def at_step4(builder, team):
    """A case past the field work: every field form filled; visible to administration too."""
    case = builder.register()
    builder.walk(case, 4)
    db.session.commit()
    return case


# ---------------------------------------------------------------- seed


def test_every_database_starts_with_the_default_templates_active(app):
    rows = template_state()
    assert {r.doc_type for r in rows} == set(DOCUMENT_TYPES)
    for code in DOCUMENT_TYPES:
        (only,) = [r for r in rows if r.doc_type == code]
        assert only.version_no == 1 and only.is_active
        assert only.sha256 == hashlib.sha256(default_template(code)).hexdigest()
    assert load_default_templates(db.session) == 0  # idempotent


def test_flask_seed_loads_missing_templates_and_keeps_existing_ones(app, runner):
    db.session.execute(sa.delete(DocumentTemplateVersion).where(DocumentTemplateVersion.doc_type != "surat_tugas"))
    db.session.commit()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert f"templat dokumen {len(DOCUMENT_TYPES) - 1}" in result.output
    assert len(template_state()) == len(DOCUMENT_TYPES)
    result = runner.invoke(args=["seed"])
    assert "templat dokumen" not in result.output


def test_flask_seed_moves_an_untouched_earlier_default_to_the_current_one(app, runner, monkeypatch):
    """An installation still on a default an earlier release shipped (never changed by staff) gets the current
    default as its next, active version; a template staff uploaded themselves is never replaced."""
    from admin_app.seeding import templates as seeding_templates

    earlier = edit_document_xml(default_template("surat_rujukan"), "{{ hal }}", "{{ hal }} ")
    staff = edit_document_xml(default_template("surat_pelimpahan"), "{{ hal }}", "{{ hal }}  ")
    db.session.execute(sa.delete(DocumentTemplateVersion).where(
        DocumentTemplateVersion.doc_type.in_(["surat_rujukan", "surat_pelimpahan"])))
    for code, content in (("surat_rujukan", earlier), ("surat_pelimpahan", staff)):
        db.session.add(DocumentTemplateVersion(doc_type=code, version_no=1, filename=f"{code}.docx", content=content,
                                               sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
                                               is_active=True))
    db.session.commit()
    monkeypatch.setitem(seeding_templates.SHIPPED_BEFORE, "surat_rujukan",
                        frozenset({hashlib.sha256(earlier).hexdigest()}))
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    rujukan = versions("surat_rujukan")
    assert [(v.version_no, v.is_active) for v in sorted(rujukan, key=lambda v: v.version_no)] == [(1, False), (2, True)]
    assert max(rujukan, key=lambda v: v.version_no).sha256 == hashlib.sha256(default_template("surat_rujukan")).hexdigest()
    (own,) = versions("surat_pelimpahan")
    assert own.is_active and own.sha256 == hashlib.sha256(staff).hexdigest()
    assert load_default_templates(db.session) == 0  # and only once


# ---------------------------------------------------------------- who may manage templates


TEMPLATE_GETS = [TEMPLATES, versions_url("surat_tugas"), f"{TEMPLATES}variabel",
                 f"{TEMPLATES}versi/{{id}}/unduh", f"{TEMPLATES}versi/{{id}}/pratinjau.docx"]


@pytest.mark.parametrize("role", ["petugas", "kepala"])
def test_case_roles_cannot_reach_any_template_endpoint(client, login_as, role):
    login_as("staf", role)
    version = versions("surat_tugas")[0]
    for url in TEMPLATE_GETS:
        assert client.get(url.format(id=version.id)).status_code == 403, url
    token = csrf_token(client, "/admin/")
    before = template_state()
    assert client.post(f"{TEMPLATES}versi/{version.id}/aktifkan", data={"csrf_token": token}).status_code == 403
    response = client.post(f"{TEMPLATES}jenis/surat_tugas/unggah", content_type="multipart/form-data",
                           data={"csrf_token": token, "berkas": (io.BytesIO(default_template("surat_tugas")), "a.docx")})
    assert response.status_code == 403
    assert template_state() == before
    assert audit_events("refused")


@pytest.mark.parametrize("role", ["sysadmin", "administrasi"])
def test_template_managers_open_every_template_page(client, login_as, role):
    login_as("pengelola", role)
    version = versions("surat_tugas")[0]
    for url in TEMPLATE_GETS:
        response = client.get(url.format(id=version.id))
        assert response.status_code == 200, url
    html = client.get(TEMPLATES).get_data(as_text=True)
    for doc in DOCUMENT_TYPES.values():
        assert doc.title in html


def test_variables_page_is_generated_from_the_registry(client, login_as):
    login_as("admin", "sysadmin")
    html = client.get(f"{TEMPLATES}variabel").get_data(as_text=True)
    for code, doc in DOCUMENT_TYPES.items():
        section = html.split(f'id="variables-{code}"', 1)[1].split("</table>", 1)[0]
        for name, description in doc.variables.items():
            assert f"<code>{name}</code>" in section, (code, name)
            assert str(document_views._template_code(description)) in section, (code, name)  # tags set as code


def test_posts_without_csrf_token_change_nothing(client, login_as):
    login_as("adm", "administrasi")
    before = template_state()
    version = versions("surat_tugas")[0]
    response = client.post(f"{TEMPLATES}jenis/surat_tugas/unggah", content_type="multipart/form-data",
                           data={"berkas": (io.BytesIO(default_template("surat_tugas")), "a.docx")})
    assert response.status_code == 400
    assert client.post(f"{TEMPLATES}versi/{version.id}/aktifkan").status_code == 400
    assert template_state() == before


# ---------------------------------------------------------------- upload refusals: one each, nothing changes


def _not_a_docx():
    return b"%PDF-1.4\n% sebuah PDF yang diganti namanya menjadi .docx\n"


def _macro_docm():
    data = default_template("surat_tugas")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml")
    return rezip(data, replace={"[Content_Types].xml": types.encode()}, add={"word/vbaProject.bin": b"\x00" * 64})


def _oversized():
    noise = random.Random(5).randbytes(MAX_FILE_BYTES + 1024)  # incompressible: the file itself is too big
    return rezip(default_template("surat_tugas"), add={"word/media/image9.png": noise})


def _zip_bomb():
    return rezip(default_template("surat_tugas"), add={"word/media/padding.xml": b" " * (60 * 1024 * 1024)})


def _broken_zip():
    data = default_template("surat_tugas")
    return data[: len(data) // 2]


def _bad_tag():
    return edit_document_xml(default_template("surat_tugas"), "{{ nomor_surat }}", "{{ nomor_surat }")


def _unknown_variable():
    return edit_document_xml(default_template("surat_tugas"), "{{ nomor_surat }}", "{{ nama_lengkap_korban }}")


REFUSALS = {
    "not_docx": (_not_a_docx, "bukan .docx"),
    "macro": (_macro_docm, "makro"),
    "oversized": (_oversized, "terlalu besar"),
    "zip_bomb": (_zip_bomb, "zip bomb"),
    "broken_zip": (_broken_zip, "bukan .docx yang utuh"),
    "bad_tag": (_bad_tag, "Tag templat tidak dapat dibaca"),
    "unknown_variable": (_unknown_variable, "nama_lengkap_korban"),
}


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_bad_upload_is_refused_with_a_reason_and_changes_nothing(client, login_as, kind):
    make, expected = REFUSALS[kind]
    login_as("adm", "administrasi")
    before = template_state()
    response = upload(client, "surat_tugas", make(), note="percobaan")
    assert response.status_code == 200
    messages = " ".join(page_messages(response))
    assert expected in messages, messages
    assert "tidak disimpan" in messages
    assert template_state() == before
    refused = audit_events("create", "document_template_versions")
    assert refused and refused[-1].outcome == "refused"
    if kind == "unknown_variable":
        # The message names the unknown variable and lists the known ones.
        assert "Variabel yang tersedia:" in messages and "nomor_surat" in messages and "tanggal_surat" in messages


def test_missing_file_and_request_over_the_size_limit_never_500(app, client, login_as):
    login_as("adm", "administrasi")
    before = template_state()
    token = csrf_token(client, versions_url("surat_tugas"))
    response = client.post(f"{TEMPLATES}jenis/surat_tugas/unggah", data={"csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Pilih berkas templat" in " ".join(page_messages(response))
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, "surat_tugas", default_template("surat_tugas") + b"\0" * 70_000, token=token)
    assert response.status_code == 413
    assert "melebihi batas ukuran" in response.get_data(as_text=True)
    assert template_state() == before


def test_identical_upload_is_not_stored_twice(client, login_as):
    login_as("adm", "administrasi")
    response = upload(client, "surat_tugas", default_template("surat_tugas"))
    assert "sama persis dengan versi 1" in " ".join(page_messages(response))
    assert len(versions("surat_tugas")) == 1


# ---------------------------------------------------------------- the issue's "Done when" journey


def test_administration_changes_the_assignment_letter_and_the_next_letter_uses_it(app, client, builder, team):
    # Before the change: a case whose Surat Tugas is printed with the shipped wording.
    earlier = builder.register()
    builder.walk(earlier, 3)
    db.session.commit()
    login(client, "kepala")
    assert generate(client, earlier, "surat_tugas", assignment_letter(earlier)).status_code == 302
    (old_doc,) = archive(earlier, "surat_tugas")
    old_bytes = old_doc.content
    assert OLD_WORDING in docx_text(old_bytes)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    # Administration downloads the active template ...
    login(client, "administrasi")
    active = versions("surat_tugas")[0]
    response = client.get(f"{TEMPLATES}versi/{active.id}/unduh")
    assert response.status_code == 200
    assert_download_headers(response, "docx")
    downloaded = response.get_data()
    assert downloaded == default_template("surat_tugas")

    # ... changes its wording (as in LibreOffice) and uploads it: stored as version 2, not yet active.
    changed = edit_document_xml(downloaded, "penuh tanggung jawab.", "penuh amanah dan menjaga kerahasiaan korban.")
    response = upload(client, "surat_tugas", changed, filename="Surat Tugas (baru).docx", note="kalimat penutup baru")
    assert response.status_code == 302, page_messages(response)
    v1, v2 = versions("surat_tugas")
    assert (v1.is_active, v2.is_active) == (True, False)
    assert v2.version_no == 2 and v2.content == changed and v2.sha256 == hashlib.sha256(changed).hexdigest()
    assert v2.size_bytes == len(changed) and v2.note == "kalimat penutup baru"
    assert v2.uploaded_by_id == team.administrasi.id and v2.filename == "Surat_Tugas_baru_.docx"
    page = client.get(versions_url("surat_tugas")).get_data(as_text=True)
    assert v2.sha256 in page and "kalimat penutup baru" in page and team.administrasi.full_name in page

    # Preview with sample data shows the new wording.
    response = client.get(f"{TEMPLATES}versi/{v2.id}/pratinjau.docx")
    assert response.status_code == 200
    assert_download_headers(response, "docx")
    preview = docx_text(response.get_data())
    assert NEW_WORDING in preview and "800.1.11.1/001/ST/UPTD-PPA/VIII/2025" in preview

    # Activate it: exactly one active version, audited.
    assert activate(client, v2).status_code == 302
    v1, v2 = versions("surat_tugas")
    assert (v1.is_active, v2.is_active) == (False, True)
    update = audit_events("update", "document_template_versions")[-1]
    assert update.detail["aktif"] == 2 and update.detail["sebelumnya"] == 1
    assert {e.action for e in db.session.execute(sa.select(AuditEvent).where(
        AuditEvent.object_type == "document_template_versions")).scalars()} >= {"download", "create", "update"}
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    # The next assignment letter the head issues through the engine ...
    case = builder.register()
    builder.walk(case, 3)
    db.session.commit()
    letter = assignment_letter(case)
    old_letter = assignment_letter(earlier)
    assert letter.number != old_letter.number and letter.serial == old_letter.serial + 1

    # ... is printed from the case page with the new template, the new wording and its own fresh number.
    login(client, "kepala")
    html = case_page(client, case)
    assert 'id="dokumen-resmi"' in html and f'id="official-surat_tugas-{letter.id}"' in html
    response = generate(client, case, "surat_tugas", letter)
    assert response.status_code == 302
    (doc,) = archive(case, "surat_tugas")
    text = docx_text(doc.content)
    assert NEW_WORDING in text and OLD_WORDING not in text
    assert letter.number in text and old_letter.number not in text
    assert doc.template_version_id == v2.id and doc.letter_id == letter.id and doc.version_no == 1

    # The document issued earlier is untouched by the template change.
    (old_doc,) = archive(earlier, "surat_tugas")
    assert old_doc.content == old_bytes and old_doc.template_version_id == v1.id

    # Rolling back to version 1 makes the next print use the shipped wording again.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "administrasi")
    assert activate(client, v1).status_code == 302
    assert [v.is_active for v in versions("surat_tugas")] == [True, False]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "kepala")
    generate(client, case, "surat_tugas", letter)
    first, second = archive(case, "surat_tugas")
    assert OLD_WORDING in docx_text(second.content) and second.template_version_id == v1.id
    assert first.content == doc.content


def test_exactly_one_version_stays_active_whatever_is_activated(client, login_as):
    login_as("admin", "sysadmin")
    base = default_template("surat_rujukan")
    for n in range(2):
        changed = edit_document_xml(base, "{{ nomor_surat }}", "{{ nomor_surat }}" + "." * (n + 1))
        assert upload(client, "surat_rujukan", changed).status_code == 302
    for target in (3, 1, 2, 2):
        version = next(v for v in versions("surat_rujukan") if v.version_no == target)
        assert activate(client, version).status_code == 302
        assert [v.version_no for v in versions("surat_rujukan") if v.is_active] == [target]
    assert all(len([r for r in template_state() if r.doc_type == code and r.is_active]) == 1 for code in DOCUMENT_TYPES)


# ---------------------------------------------------------------- the archive of generated documents


def test_every_document_type_has_a_place_on_the_case_page():
    """A letter is offered per issued letter, a form once its records exist: a new type needs one or the other."""
    for code, doc in DOCUMENT_TYPES.items():
        assert doc.is_letter or code in archive_service.FORM_RECORDS, code


def test_generating_again_adds_a_version_and_never_changes_the_first(client, at_step3, team):
    login(client, "petugas1")
    letter = assignment_letter(at_step3)
    assert generate(client, at_step3, "surat_tugas", letter).status_code == 302
    (first,) = archive(at_step3, "surat_tugas")
    first_bytes, first_sha = first.content, first.file_sha256
    assert hashlib.sha256(first_bytes).hexdigest() == first_sha and first.size_bytes == len(first_bytes)
    assert len(first.data_sha256) == 64 and first.created_by_id == team.officers[0].id
    assert generate(client, at_step3, "surat_tugas", letter).status_code == 302
    first, second = archive(at_step3, "surat_tugas")
    assert (first.version_no, second.version_no) == (1, 2)
    assert first.content == first_bytes and first.file_sha256 == first_sha
    assert hashlib.sha256(second.content).hexdigest() == second.file_sha256

    response = client.get(f"/admin/dokumen/{first.id}/unduh.docx")
    assert response.status_code == 200 and response.get_data() == first_bytes
    assert response.mimetype == archive_service.DOCX_MIME
    assert_download_headers(response, "docx")
    html = case_page(client, at_step3)
    assert f"/admin/dokumen/{first.id}/unduh.docx" in html and f"/admin/dokumen/{second.id}/unduh.docx" in html
    generated = audit_events("generate", "generated_documents")
    assert [e.detail["versi"] for e in generated] == [1, 2] and all(e.case_id == at_step3.id for e in generated)
    downloads = audit_events("download", "generated_documents")
    assert downloads[-1].object_id == str(first.id) and downloads[-1].case_id == at_step3.id


def test_the_database_refuses_to_change_or_delete_an_archived_document(client, at_step3, team):
    login(client, "petugas1")
    assert generate(client, at_step3, "surat_tugas", assignment_letter(at_step3)).status_code == 302
    (first,) = archive(at_step3, "surat_tugas")
    for statement in (
        sa.update(GeneratedDocument).where(GeneratedDocument.id == first.id).values(content=b"palsu"),
        sa.delete(GeneratedDocument).where(GeneratedDocument.id == first.id),
    ):
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
    assert archive(at_step3, "surat_tugas")[0].file_sha256 == first.file_sha256


def test_the_case_page_offers_what_exists_for_the_cases_state(client, builder, team):
    step2 = builder.register()
    builder.walk(step2, 2)
    step4 = builder.register()
    builder.walk(step4, 4)
    db.session.commit()
    login(client, "kepala")
    html = case_page(client, step2)
    assert "Dokumen resmi" in html and "Buat dokumen" not in html
    response = generate(client, step2, "formulir_pengaduan")
    assert response.status_code == 302
    assert archive(step2, "formulir_pengaduan") == []
    html = case_page(client, step4)
    for code in ("surat_tugas", "formulir_pengaduan", "formulir_identifikasi", "formulir_asesmen_risiko",
                 "formulir_persetujuan", "laporan_kasus"):
        assert f'id="official-{code}' in html, code
    for code in ("laporan_permohonan_instruksi", "instruksi_tindak_lanjut", "surat_rujukan", "surat_pelimpahan"):
        assert f'id="official-{code}' not in html, code
    assert generate(client, step4, "laporan_kasus").status_code == 302
    (doc,) = archive(step4, "laporan_kasus")
    assert step4.victims[0].full_name in docx_text(doc.content)


def test_a_letter_of_another_case_is_refused(client, builder, team):
    one = builder.register()
    builder.walk(one, 3)
    other = builder.register()
    builder.walk(other, 3)
    db.session.commit()
    login(client, "kepala")
    response = generate(client, one, "surat_tugas", assignment_letter(other))
    assert response.status_code == 302
    assert archive(one, "surat_tugas") == [] and archive(other, "surat_tugas") == []


def test_downloads_and_generation_are_refused_across_cases_and_audited(client, at_step3, team):
    login(client, "petugas1")
    letter = assignment_letter(at_step3)
    generate(client, at_step3, "surat_tugas", letter)
    (doc,) = archive(at_step3, "surat_tugas")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    login(client, "petugas2")  # an officer not on this case's team
    assert client.get(f"/admin/dokumen/{doc.id}/unduh.docx").status_code == 404
    assert client.get(f"/admin/dokumen/{doc.id}/unduh.pdf").status_code == 404
    assert client.get(f"/admin/cases/details/?id={at_step3.id}").status_code in (302, 404)
    assert generate(client, at_step3, "surat_tugas", letter).status_code == 404
    assert at_step3.case_number not in client.get("/admin/dokumen/").get_data(as_text=True)
    assert len(archive(at_step3, "surat_tugas")) == 1
    refused = [e for e in audit_events("refused") if e.username == "petugas2"]
    assert {(e.object_type, e.object_id) for e in refused} >= {("generated_documents", str(doc.id)),
                                                                ("cases", str(at_step3.id))}
    assert not [e for e in audit_events("download") if e.username == "petugas2"]


def test_sysadmin_manages_templates_but_never_reaches_case_documents(client, login_as, at_step3):
    login(client, "kepala")
    generate(client, at_step3, "surat_tugas", assignment_letter(at_step3))
    (doc,) = archive(at_step3, "surat_tugas")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login_as("admin", "sysadmin")
    assert client.get(TEMPLATES).status_code == 200
    assert client.get("/admin/dokumen/").status_code == 403
    assert client.get(f"/admin/dokumen/{doc.id}/unduh.docx").status_code in (403, 404)
    assert client.get(f"/admin/dokumen/{doc.id}/unduh.pdf").status_code in (403, 404)
    token = csrf_token(client, TEMPLATES)
    response = client.post(f"/admin/dokumen/buat/{at_step3.id}/surat_tugas", data={"csrf_token": token})
    assert response.status_code in (403, 404)
    assert len(archive(at_step3, "surat_tugas")) == 1


def test_administration_sees_and_makes_only_the_letters(client, at_step4, team):
    login(client, "kepala")
    generate(client, at_step4, "formulir_pengaduan")
    (form_doc,) = archive(at_step4, "formulir_pengaduan")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "administrasi")
    html = case_page(client, at_step4)
    assert 'id="official-surat_tugas' in html and 'id="official-formulir_pengaduan' not in html
    assert generate(client, at_step4, "surat_tugas", assignment_letter(at_step4)).status_code == 302
    assert len(archive(at_step4, "surat_tugas")) == 1
    assert generate(client, at_step4, "formulir_pengaduan").status_code == 403
    assert client.get(f"/admin/dokumen/{form_doc.id}/unduh.docx").status_code == 404
    listing = client.get("/admin/dokumen/").get_data(as_text=True)
    assert "Surat Tugas Penjangkauan Korban" in listing and f"/admin/dokumen/{form_doc.id}/" not in listing
    assert len(archive(at_step4, "formulir_pengaduan")) == 1


# ---------------------------------------------------------------- PDF


def test_pdf_download_and_preview_when_libreoffice_is_installed(client, at_step3):
    if not pdf.soffice_available():
        missing_service("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    login(client, "petugas1")
    generate(client, at_step3, "surat_tugas", assignment_letter(at_step3))
    (doc,) = archive(at_step3, "surat_tugas")
    html = case_page(client, at_step3)
    assert f"/admin/dokumen/{doc.id}/unduh.pdf" in html and "PDF memerlukan LibreOffice" not in html
    response = client.get(f"/admin/dokumen/{doc.id}/unduh.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF-")
    assert response.mimetype == "application/pdf"
    assert_download_headers(response, "pdf")
    assert audit_events("download", "generated_documents")[-1].detail["format"] == "pdf"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "administrasi")
    version = versions("surat_tugas")[0]
    response = client.get(f"{TEMPLATES}versi/{version.id}/pratinjau.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF-")


def test_without_libreoffice_the_screens_say_pdf_needs_it(client, at_step3, monkeypatch):
    monkeypatch.setattr(document_views, "soffice_available", lambda: False)
    login(client, "petugas1")
    generate(client, at_step3, "surat_tugas", assignment_letter(at_step3))
    (doc,) = archive(at_step3, "surat_tugas")
    html = case_page(client, at_step3)
    assert "PDF memerlukan LibreOffice" in html and f"/admin/dokumen/{doc.id}/unduh.pdf" not in html
    response = client.get(f"/admin/dokumen/{doc.id}/unduh.pdf", follow_redirects=True)
    assert response.status_code == 200
    assert "PDF memerlukan LibreOffice" in response.get_data(as_text=True)


def test_concurrent_generation_gives_each_version_once(app, at_step3, team):
    """Several people press "Buat dokumen" at the same moment: each gets its own version, none is lost or reused.
    (PostgreSQL: the unique constraint refuses a taken number and the savepoint retries; SQLite: BEGIN IMMEDIATE.)"""
    engine = db.engine
    case_id, letter_id, user_id = at_step3.id, assignment_letter(at_step3).id, team.kepala.id
    db.session.commit()
    workers, per_worker = 4, 3
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def generate_many():
        write_intent.set(True)
        try:
            barrier.wait()
            for _ in range(per_worker):
                with Session(engine) as session, session.begin():
                    archive_service.generate_document(
                        session, case=session.get(Case, case_id), doc_type="surat_tugas",
                        letter=session.get(Letter, letter_id), user=session.get(User, user_id))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=generate_many) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert [d.version_no for d in archive(at_step3, "surat_tugas")] == list(range(1, workers * per_worker + 1))


def test_a_letter_is_made_and_archived_as_the_head_issues_it(client, builder, team):
    """The Surat Tugas is in the archive the moment the head instructs outreach: no second click."""
    import datetime as dt

    import sqlalchemy as sa

    from admin_app.models import AssignmentLetter, AuditEvent, GeneratedDocument
    from tests.helpers import csrf_token, login

    case = builder.walk(builder.register(), 2)
    db.session.commit()
    login(client, "kepala")
    url = f"/admin/cases/langkah/{case.id}/instruct_outreach"
    today = dt.date.today() + dt.timedelta(days=1)
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "officers": [str(team.officers[0].id)],
        "purpose": "Menjangkau korban di rumahnya.", "outreach_date": today.isoformat(), "signer_capacity": ""})
    assert response.status_code == 302
    letter = db.session.execute(sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id)).scalar_one()
    document = db.session.execute(sa.select(GeneratedDocument).where(GeneratedDocument.case_id == case.id)
                                  ).scalar_one()
    assert (document.doc_type, document.letter_id, document.version_no) == ("surat_tugas", letter.id, 1)
    assert db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "generate",
                                                          AuditEvent.object_id == str(document.id))).scalar_one()
    page = client.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)
    assert f"/admin/dokumen/{document.id}/unduh.docx" in page  # downloadable from the case page
