"""Official documents on screen: the template management screen (sysadmin and administrasi) and the archive of
generated documents, with the case page's "Dokumen resmi" section (need to know).

The services (storing, activating and rendering templates, the archive) live in `documents.archive`. Every endpoint checks the role (AccessMixin) and, for case documents, selects
through the need-to-know clause, so a URL with another case's id is a 404; every download and generation is
recorded in the audit log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from admin_app.documents.archive import (
    DOCX_MIME,
    DocumentSlot,
    DocumentUnavailable,
    activate_template_version,
    case_documents,
    generate_document,
    safe_filename,
    store_template_version,
    template_versions,
)
from admin_app.documents.kop import MAX_LOGO_BYTES, active_logo, with_logo
from admin_app.documents.pdf import PdfConversionError, convert_to_pdf, soffice_available
from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.documents.rendering import TemplateRejected, render_document
from admin_app.documents.samples import sample_context
from admin_app.documents.scans import scan_heading, scans_by_document, size_text, takes_signed_scans
from admin_app.extensions import db
from admin_app.models import (
    Case,
    DocumentTemplateVersion,
    GeneratedDocument,
    Letter,
    RoleCode,
    SignedScan,
    User,
)
from admin_app.sop.access import acts_on_case, can_view_case, sees_full_case_file, visible_case, visible_case_ids_clause
from admin_app.views.auditing import audit, audit_now
from admin_app.views.base import CaseScopedView, ProtectedView, unit_zone
from admin_app.views.kop_logo import KopLogoRoutes

log = logging.getLogger(__name__)

CATEGORY = "Dokumen Resmi"
TEMPLATE_ROLES = (RoleCode.SYSADMIN, RoleCode.ADMINISTRASI)
PDF_MIME = "application/pdf"
MAX_NOTE = 1000
MSG_NO_PDF = "PDF memerlukan LibreOffice (soffice), yang belum terpasang di server. Unduh berkas .docx."

def allowed_doc_types(user: User) -> list[str]:
    """Which documents a user's role needs: the team and the head all of them; administration only the letters
    (it files them; the narrative forms are for the team and the head, as on the case page)."""
    if sees_full_case_file(user):
        return list(DOCUMENT_TYPES)
    if user.has_role(RoleCode.ADMINISTRASI):
        return [code for code, doc in DOCUMENT_TYPES.items() if doc.is_letter]
    return []



# ================================================================ screens


def _attachment(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Length"] = str(len(data))
    return response


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M")


local_time = _local  # the case page's format (CaseView.local_time), for the screens that show documents


def _raise_in_tests(exc: Exception) -> None:
    if current_app.config.get("RAISE_UNEXPECTED_VIEW_ERRORS"):
        raise exc


class TemplateView(KopLogoRoutes, ProtectedView):
    """Templat Dokumen: per document type the active template, upload, history, preview and activation; the
    emblem of the letterhead (views/kop_logo.py)."""

    allowed_roles = TEMPLATE_ROLES

    def _doc(self, doc_type: str):
        doc = DOCUMENT_TYPES.get(doc_type)
        if doc is None:
            abort(404)
        return doc

    def _version(self, version_id: int) -> DocumentTemplateVersion:
        version = db.session.get(DocumentTemplateVersion, version_id)
        if version is None or version.doc_type not in DOCUMENT_TYPES:
            abort(404)
        return version

    @expose("/")
    def index(self):
        versions = db.session.execute(
            select(DocumentTemplateVersion).options(selectinload(DocumentTemplateVersion.uploaded_by))
        ).scalars().all()
        rows = []
        for code, doc in DOCUMENT_TYPES.items():
            own = [v for v in versions if v.doc_type == code]
            active = next((v for v in own if v.is_active), None)
            rows.append({"code": code, "doc": doc, "active": active, "count": len(own)})
        return self.render("admin/doc_templates.html", rows=rows, fmt_time=_local, logo=active_logo(db.session),
                           max_logo_mb=MAX_LOGO_BYTES // (1024 * 1024))

    @expose("/jenis/<doc_type>/")
    def versions_view(self, doc_type: str):
        return self._render_versions(doc_type)

    def _render_versions(self, doc_type: str, *, note: str = "", status: int = 200):
        doc = self._doc(doc_type)
        versions = template_versions(db.session, doc_type)
        body = self.render(
            "admin/doc_template_versions.html",
            code=doc_type,
            doc=doc,
            versions=versions,
            active_no=next((v.version_no for v in versions if v.is_active), None),
            note=note,
            max_note=MAX_NOTE,
            pdf_available=soffice_available(),
            msg_no_pdf=MSG_NO_PDF,
            fmt_time=_local,
            fmt_size=size_text,
        )
        return body, status

    @expose("/jenis/<doc_type>/unggah", methods=("POST",))
    def upload_view(self, doc_type: str):
        doc = self._doc(doc_type)
        upload = request.files.get("berkas")
        note = (request.form.get("catatan") or "").strip()
        problems: list[str] = []
        data = b""
        if upload is None or not upload.filename:
            problems.append("Pilih berkas templat (.docx) yang akan diunggah.")
        elif len(note) > MAX_NOTE:
            problems.append(f"Catatan terlalu panjang (maksimal {MAX_NOTE} karakter).")
        else:
            data = upload.read()
        version = None
        if not problems:
            try:
                version, warnings = store_template_version(
                    db.session, doc_type, data, filename=upload.filename, note=note, user=current_user._get_current_object()
                )
                db.session.commit()
            except TemplateRejected as exc:
                db.session.rollback()
                problems.extend(exc.problems)
            except DocumentUnavailable as exc:
                db.session.rollback()
                problems.append(str(exc))
            except Exception as exc:  # noqa: BLE001 - an upload must never be a 500 page
                db.session.rollback()
                log.exception("template upload failed")
                _raise_in_tests(exc)
                problems.append("Berkas tidak dapat diperiksa atau disimpan. Tidak ada yang berubah; coba lagi.")
        if problems:
            audit("create", object_type="document_template_versions", outcome="refused",
                  detail={"jenis": doc_type, "berkas": safe_filename(upload.filename if upload else ""),
                          "alasan": " ".join(problems)[:500]})
            for problem in problems:
                flash(problem, "error")
            flash("Templat tidak disimpan; tidak ada yang berubah.", "error")
            return self._render_versions(doc_type, note=note[:MAX_NOTE], status=200)
        audit("create", object_type="document_template_versions", object_id=version.id,
              detail={"jenis": doc_type, "versi": version.version_no, "sha256": version.sha256,
                      "ukuran": version.size_bytes, "catatan": version.note})
        for warning in warnings:
            flash(warning, "warning")
        flash(
            f"Versi {version.version_no} templat {doc.title} tersimpan (belum aktif). Periksa pratinjaunya, lalu "
            "aktifkan.",
            "success",
        )
        return redirect(url_for(".versions_view", doc_type=doc_type))

    @expose("/versi/<int:version_id>/unduh")
    def download_view(self, version_id: int):
        version = self._version(version_id)
        audit("download", object_type="document_template_versions", object_id=version.id,
              detail={"jenis": version.doc_type, "versi": version.version_no})
        return _attachment(version.content, f"templat_{version.doc_type}_v{version.version_no}.docx", DOCX_MIME)

    @expose("/versi/<int:version_id>/pratinjau.<fmt>")
    def preview_view(self, version_id: int, fmt: str):
        version = self._version(version_id)
        if fmt not in ("docx", "pdf"):
            abort(404)
        back = redirect(url_for(".versions_view", doc_type=version.doc_type))
        if fmt == "pdf" and not soffice_available():
            flash(MSG_NO_PDF, "error")
            return back
        try:
            logo = active_logo(db.session)
            data = with_logo(render_document(version.content, sample_context(version.doc_type)),
                             logo.content if logo is not None else None)
            if fmt == "pdf":
                data = convert_to_pdf(data)
        except (TemplateRejected, PdfConversionError) as exc:
            flash(f"Pratinjau versi {version.version_no} tidak dapat dibuat: {exc}", "error")
            return back
        audit("download", object_type="document_template_versions", object_id=version.id,
              detail={"jenis": version.doc_type, "versi": version.version_no, "pratinjau": fmt})
        return _attachment(data, f"pratinjau_{version.doc_type}_v{version.version_no}.{fmt}",
                           DOCX_MIME if fmt == "docx" else PDF_MIME)

    @expose("/versi/<int:version_id>/aktifkan", methods=("POST",))
    def activate_view(self, version_id: int):
        version = self._version(version_id)
        doc = self._doc(version.doc_type)
        target = url_for(".versions_view", doc_type=version.doc_type)
        if version.is_active:
            flash(f"Versi {version.version_no} sudah aktif.", "info")
            return redirect(target)
        number, doc_type = version.version_no, version.doc_type
        try:
            before = activate_template_version(db.session, version)
            db.session.commit()
        except Exception as exc:  # noqa: BLE001
            db.session.rollback()
            log.exception("template activation failed")
            _raise_in_tests(exc)
            flash("Versi tidak dapat diaktifkan; tidak ada yang berubah. Coba lagi.", "error")
            return redirect(target)
        audit("update", object_type="document_template_versions", object_id=version_id,
              detail={"jenis": doc_type, "aktif": number, "sebelumnya": before})
        kind = "dikembalikan ke" if before is not None and number < before else "memakai"
        flash(f"{doc.title} kini {kind} templat versi {number}. Dokumen yang dibuat berikutnya memakai versi ini.",
              "success")
        return redirect(target)

    @expose("/variabel")
    def variables_view(self):
        types = []
        for code, doc in DOCUMENT_TYPES.items():
            sample = sample_context(code)
            rows = []
            for name, description in doc.variables.items():
                top, _, column = name.partition(".")
                if column:  # a column of a list: its value in the first sample row
                    first = (sample.get(top) or [{}])[0]
                    value = first.get(column) if isinstance(first, dict) else None
                else:
                    value = sample.get(name)
                if isinstance(value, list):
                    value = f"{len(value)} baris"
                rows.append({
                    "name": name,
                    "column": bool(column),
                    "is_list": isinstance(sample.get(top), list) and not column,
                    "description": _template_code(description),
                    "example": ("Ya" if value else "Tidak") if isinstance(value, bool) else (value or ""),
                })
            types.append({"code": code, "doc": doc, "rows": rows})
        return self.render("admin/doc_variables.html", types=types)


def _template_code(text: str) -> Markup:
    """A description with the template tags it mentions set as code ({%tr for k in korban %})."""
    parts = re.split(r"(\{%.*?%\}|\{\{.*?\}\})", text)
    return Markup("".join(f"<code>{escape(p)}</code>" if p.startswith("{") else str(escape(p)) for p in parts))


# ---------------------------------------------------------------- the archive of generated documents


def find_visible_document(document_id: int) -> GeneratedDocument | None:
    """The generated document if the current user may see its case and its type, else None."""
    visible = visible_case_ids_clause(GeneratedDocument.case_id, current_user)
    return db.session.execute(
        select(GeneratedDocument).where(
            GeneratedDocument.id == document_id,
            *([] if visible is None else [visible]),
            GeneratedDocument.doc_type.in_(allowed_doc_types(current_user)),
        )
    ).scalar_one_or_none()


def visible_document(document_id: int) -> GeneratedDocument:
    """The one check of every download of a generated document and of its signed scans (and of a scan upload):
    the document, or 404 (audited when it exists but not for this user)."""
    found = find_visible_document(document_id)
    if found is None:
        if db.session.get(GeneratedDocument, document_id) is not None:  # exists, but not for this user
            audit("refused", object_type="generated_documents", object_id=document_id, outcome="refused",
                  detail={"url": request.path})
        abort(404)
    return found


def _fmt_case(view, context, model, name):
    return Markup(
        f'<a href="{escape(url_for("cases.details_view", id=model.case_id))}">{escape(model.case.case_number)}</a>'
    )


def _fmt_files(view, context, model, name):
    links = [f'<a href="{escape(url_for(".download_view", document_id=model.id))}">.docx</a>']
    if soffice_available():
        links.append(f'<a href="{escape(url_for(".download_pdf_view", document_id=model.id))}">.pdf</a>')
    return Markup(" &middot; ".join(links))


class GeneratedDocumentView(CaseScopedView):
    """Arsip Dokumen: every generated document of the cases the user may see, read-only."""

    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = False
    can_export = False
    form_columns = ("doc_type",)  # never used (no create/edit); keeps the binary column out of form scaffolding
    column_list = ("case", "doc_type", "version_no", "letter", "template_version", "created_by", "created_at",
                   "size_bytes", "file_sha256", "berkas")
    column_sortable_list = ("doc_type", "version_no", "created_at")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("filename",)
    column_labels = {
        "case": "Kasus",
        "doc_type": "Dokumen",
        "version_no": "Versi",
        "letter": "Nomor surat",
        "template_version": "Templat",
        "created_by": "Dibuat oleh",
        "created_at": "Waktu",
        "size_bytes": "Ukuran",
        "file_sha256": "SHA-256 berkas",
        "filename": "Nama berkas / nomor kasus",
        "berkas": "Unduh",
    }
    column_formatters = {
        "case": _fmt_case,
        "doc_type": lambda v, c, m, n: DOCUMENT_TYPES[m.doc_type].title if m.doc_type in DOCUMENT_TYPES else m.doc_type,
        "template_version": lambda v, c, m, n: f"versi {m.template_version.version_no}",
        "created_at": lambda v, c, m, n: _local(m.created_at),
        "size_bytes": lambda v, c, m, n: size_text(m.size_bytes),
        "file_sha256": lambda v, c, m, n: Markup(f'<code class="small">{escape(m.file_sha256)}</code>'),
        "berkas": _fmt_files,
    }

    def __init__(self, *args, **kwargs):
        self.column_filters = [
            FilterEqual(GeneratedDocument.doc_type, "Jenis dokumen",
                        options=[(code, doc.title) for code, doc in DOCUMENT_TYPES.items()]),
        ]
        super().__init__(*args, **kwargs)

    def _scope(self, query):
        return super()._scope(query).filter(
            GeneratedDocument.doc_type.in_(allowed_doc_types(current_user)))

    # -- fetching one document / one case, below the screen
    def _document(self, document_id: int) -> GeneratedDocument:
        return visible_document(document_id)

    def _case(self, case_id: int) -> Case:
        case = visible_case(db.session, current_user, case_id)
        if case is None:
            if db.session.get(Case, case_id) is not None:
                audit("refused", object_type="cases", object_id=case_id, outcome="refused", detail={"url": request.path})
            abort(404)
        return case

    @expose("/buat/<int:case_id>/<doc_type>", methods=("POST",))
    def generate_view(self, case_id: int, doc_type: str):
        case = self._case(case_id)
        if doc_type not in DOCUMENT_TYPES:
            abort(404)
        if doc_type not in allowed_doc_types(current_user):
            audit("refused", object_type="generated_documents", case_id=case.id, outcome="refused",
                  detail={"url": request.path, "jenis": doc_type})
            abort(403)
        back = url_for("cases.details_view", id=case.id) + "#dokumen-resmi"
        letter = None
        raw_letter = (request.form.get("letter_id") or "").strip()
        if DOCUMENT_TYPES[doc_type].is_letter:
            letter = db.session.get(Letter, int(raw_letter)) if raw_letter.isdigit() else None
            if letter is None or letter.case_id != case.id:
                flash("Pilih surat kasus ini yang akan dicetak.", "error")
                return redirect(back)
        document, problem = archive_document(case, doc_type, letter)
        if document is None:
            flash(problem, "error")
        else:
            flash(f"{DOCUMENT_TYPES[doc_type].title} versi {document.version_no} dibuat dan diarsipkan.", "success")
        return redirect(back)

    @expose("/<int:document_id>/unduh.docx")
    def download_view(self, document_id: int):
        document = self._document(document_id)
        audit_now("download", object_type="generated_documents", object_id=document.id, case_id=document.case_id,
              detail={"jenis": document.doc_type, "versi": document.version_no, "format": "docx"})
        return _attachment(document.content, document.filename, document.mime_type)

    @expose("/<int:document_id>/unduh.pdf")
    def download_pdf_view(self, document_id: int):
        document = self._document(document_id)
        back = url_for("cases.details_view", id=document.case_id) + "#dokumen-resmi"
        if not soffice_available():
            flash(MSG_NO_PDF, "error")
            return redirect(back)
        try:
            pdf = convert_to_pdf(document.content)
        except PdfConversionError as exc:
            flash(str(exc), "error")
            return redirect(back)
        audit_now("download", object_type="generated_documents", object_id=document.id, case_id=document.case_id,
              detail={"jenis": document.doc_type, "versi": document.version_no, "format": "pdf"})
        return _attachment(pdf, document.filename.rsplit(".", 1)[0] + ".pdf", PDF_MIME)


@dataclasses.dataclass
class CaseDocuments:
    slots: list[DocumentSlot]
    pdf_available: bool
    scans: dict[int, list[SignedScan]] = dataclasses.field(default_factory=dict)  # by generated document id
    can_upload_scans: bool = False
    scan_limit: str = ""

    def takes_scans(self, doc_type: str) -> bool:
        return takes_signed_scans(doc_type)

    def scan_heading(self, doc_type: str) -> str:
        return scan_heading(doc_type)


def official_documents(case: Case) -> CaseDocuments:
    """The case page's "Dokumen resmi" section for the current user (template global)."""
    user = current_user
    if not user.is_authenticated or not can_view_case(db.session, user, case.id):
        return CaseDocuments([], False)
    slots = case_documents(db.session, case, allowed_doc_types(user))
    signed = [d.id for s in slots if takes_signed_scans(s.doc_type) for d in s.generated]
    return CaseDocuments(slots, soffice_available(), scans=scans_by_document(db.session, signed),
                         can_upload_scans=acts_on_case(db.session, user, case.id),
                         scan_limit=size_text(current_app.config["SCAN_MAX_BYTES"]))


def register(admin, database) -> None:
    admin.add_view(TemplateView(name="Templat Dokumen", category=CATEGORY, endpoint="doc_templates",
                                url="/admin/templat"))
    admin.add_view(GeneratedDocumentView(GeneratedDocument, database, name="Arsip Dokumen", category=CATEGORY,
                                         endpoint="generated_documents", url="/admin/dokumen"))
    admin.app.add_template_global(official_documents, "official_documents")


def archive_document(case: Case, doc_type: str, letter: Letter | None):
    """Generate `doc_type` for `case` (and `letter`), store it in the archive and audit it, in its own commit.
    Returns (the document, None), or (None, why not) with nothing stored."""
    try:
        document = generate_document(db.session, case=case, doc_type=doc_type, letter=letter,
                                     user=current_user._get_current_object())
        db.session.commit()
    except DocumentUnavailable as exc:
        db.session.rollback()
        audit("generate", object_type="generated_documents", case_id=case.id, outcome="refused",
              detail={"jenis": doc_type, "alasan": str(exc)[:500]})
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001
        db.session.rollback()
        log.exception("document generation failed")
        _raise_in_tests(exc)
        return None, "Dokumen tidak dapat dibuat; tidak ada yang tersimpan. Coba lagi."
    audit("generate", object_type="generated_documents", object_id=document.id, case_id=case.id,
          detail={"jenis": doc_type, "versi": document.version_no, "surat": letter.number if letter else None,
                  "templat_versi": document.template_version.version_no, "sha256": document.file_sha256})
    return document, None
