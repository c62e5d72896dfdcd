"""Signed scans on screen: the upload on the case page's documents table and the download of a scan.

Below the screen, every request checks: the role (AccessMixin); that the user may see the generated document (the
same check as the document's own download, `views.documents.visible_document`: need to know, 404 otherwise);
for an upload, that the user acts on the case (`sop.access.acts_on_case`: the head and the case's team, 403
otherwise). The content is checked and re-encoded by `documents.scans`; uploads, refusals and downloads are
audited with the document, type, size and hash, never a file name.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.documents.scans import (
    CONSENT_DOC_TYPE,
    ScanRejected,
    case_scans,
    describe_scan,
    download_name,
    store_signed_scan,
    takes_signed_scans,
    too_big_message,
)
from admin_app.extensions import db
from admin_app.models import GeneratedDocument, RoleCode, SignedScan
from admin_app.sop.access import acts_on_case, can_view_case
from admin_app.views.auditing import audit, audit_now
from admin_app.views.base import ProtectedView
from admin_app.views.documents import CATEGORY, allowed_doc_types, find_visible_document, local_time, visible_document

log = logging.getLogger(__name__)

MSG_NO_FILE = "Pilih berkas pindaian (PDF, JPG atau PNG) yang akan diunggah."
MSG_FAILED = "Pindaian tidak dapat disimpan; tidak ada yang berubah. Coba lagi."
MSG_NOT_STORED = "Pindaian tidak disimpan."


def _back(document: GeneratedDocument) -> str:
    return url_for("cases.details_view", id=document.case_id) + "#dokumen-resmi"


class SignedScanView(ProtectedView):
    """Not in the menu: reached from the case page's documents table."""

    allowed_roles = (RoleCode.PETUGAS, RoleCode.KEPALA, RoleCode.ADMINISTRASI)

    def is_visible(self) -> bool:
        return False

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        # A body over MAX_CONTENT_LENGTH is refused before the view runs; here it still gets the upload's message.
        blueprint.register_error_handler(RequestEntityTooLarge, self._too_large)
        return blueprint

    def _too_large(self, _exc):
        limit = current_app.config["SCAN_MAX_BYTES"]
        document_id = (request.view_args or {}).get("document_id")
        document = find_visible_document(document_id) if current_user.is_authenticated and document_id else None
        audit("create", object_type="signed_scans", case_id=document.case_id if document else None, outcome="refused",
              detail={"dokumen": document_id, "alasan": "melebihi batas ukuran"})
        flash(too_big_message(limit), "error")
        flash(MSG_NOT_STORED, "error")
        return redirect(_back(document) if document is not None else url_for("cases.index_view"))

    @expose("/")
    def index(self):
        # Scans are listed with their documents (the case page); this address only leads there.
        return redirect(url_for("generated_documents.index_view"))

    @expose("/unggah/<int:document_id>", methods=("POST",))
    def upload_view(self, document_id: int):
        document = visible_document(document_id)
        if not takes_signed_scans(document.doc_type):
            abort(404)
        user = current_user._get_current_object()
        detail = {"jenis": document.doc_type, "dokumen": document.id, "versi": document.version_no}
        if not acts_on_case(db.session, user, document.case_id):
            audit("refused", object_type="signed_scans", case_id=document.case_id, outcome="refused",
                  detail={**detail, "url": request.path})
            abort(403)
        back = _back(document)
        title = DOCUMENT_TYPES[document.doc_type].title
        limit = current_app.config["SCAN_MAX_BYTES"]
        upload = request.files.get("berkas")
        try:
            if upload is None or not upload.filename:
                raise ScanRejected(MSG_NO_FILE)
            data = upload.stream.read(limit + 1)  # never more than one byte past the limit
            scan = store_signed_scan(db.session, document, data, user=user, note=request.form.get("catatan"),
                                     max_bytes=limit)
            db.session.commit()
        except ScanRejected as exc:
            db.session.rollback()
            audit("create", object_type="signed_scans", case_id=document.case_id, outcome="refused",
                  detail={**detail, "alasan": str(exc)[:300]})
            flash(str(exc), "error")
            flash(MSG_NOT_STORED, "error")
            return redirect(back)
        except Exception as exc:  # noqa: BLE001 - an upload must never be a 500 page
            db.session.rollback()
            log.exception("signed scan upload failed")
            if current_app.config.get("RAISE_UNEXPECTED_VIEW_ERRORS"):
                raise
            audit("create", object_type="signed_scans", case_id=document.case_id, outcome="failed",
                  detail={**detail, "alasan": type(exc).__name__})
            flash(MSG_FAILED, "error")
            return redirect(back)
        audit("create", object_type="signed_scans", object_id=scan.id, case_id=scan.case_id,
              detail={**detail, "pindaian": scan.scan_no, "jenis_berkas": scan.mime_type, "sha256": scan.sha256,
                      "ukuran": scan.size_bytes, "halaman": scan.page_count})
        flash(f"Pindaian bertanda tangan {title} (versi {document.version_no}) tersimpan sebagai pindaian "
              f"{scan.scan_no}.", "success")
        return redirect(back)

    @expose("/<int:scan_id>/unduh")
    def download_view(self, scan_id: int):
        scan = db.session.get(SignedScan, scan_id)
        if scan is None:
            abort(404)
        document = visible_document(scan.generated_document_id)  # the document's own download check
        if scan.case_id != document.case_id:  # pragma: no cover - the service never stores it so
            abort(404)
        audit_now("download", object_type="signed_scans", object_id=scan.id, case_id=scan.case_id,
                  detail={"jenis": document.doc_type, "dokumen": document.id, "versi": document.version_no,
                          "pindaian": scan.scan_no, "sha256": scan.sha256, "ukuran": scan.size_bytes})
        name = download_name(scan, document, document.case.case_number)
        response = Response(scan.content, mimetype=scan.mime_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Length"] = str(scan.size_bytes)
        return response


def consent_evidence(case) -> list[tuple[GeneratedDocument, SignedScan]] | None:
    """The signed scans of `case`'s consent form, shown on the consent screens as the consent's evidence; None for a
    user who may not see them (template global)."""
    if case is None or not current_user.is_authenticated or CONSENT_DOC_TYPE not in allowed_doc_types(current_user):
        return None
    if not can_view_case(db.session, current_user, case.id):
        return None
    return case_scans(db.session, case.id, CONSENT_DOC_TYPE)


def register(admin, database) -> None:
    admin.add_view(SignedScanView(name="Pindaian Bertanda Tangan", category=CATEGORY, endpoint="signed_scans",
                                  url="/admin/pindaian"))
    admin.app.add_template_global(describe_scan, "scan_label")
    admin.app.add_template_global(consent_evidence, "consent_evidence")
    admin.app.add_template_global(local_time, "scan_time")
