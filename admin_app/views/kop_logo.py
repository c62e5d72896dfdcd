"""The emblem in the letterhead, on the template screen: see it, upload the unit's own, go back to the placeholder.

Routes of the template view (`TemplateView` takes them in), so the same roles manage templates and the emblem.
"""

from __future__ import annotations

import logging

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.wrappers import Response

from admin_app.documents.kop import LOGO_TYPE, MAX_LOGO_BYTES, PLACEHOLDER, LogoRejected, active_logo, reset_logo, store_logo
from admin_app.extensions import db
from admin_app.views.auditing import audit

log = logging.getLogger(__name__)
LOGO_OBJECT = "document_template_versions"


class KopLogoRoutes:
    """/logo.png, /logo/unggah, /logo/bawaan under the template screen."""

    @expose("/logo.png")
    def logo_view(self):
        logo = active_logo(db.session)
        response = Response(logo.content if logo is not None else PLACEHOLDER, mimetype="image/png")
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/logo/unggah", methods=("POST",))
    def logo_upload_view(self):
        upload = request.files.get("logo")
        data = upload.read(MAX_LOGO_BYTES + 1) if upload is not None and upload.filename else b""
        try:
            if not data:
                raise LogoRejected("Pilih berkas gambar logo (PNG atau JPEG) yang akan diunggah.")
            version = store_logo(db.session, data, user=current_user._get_current_object())
            db.session.commit()
        except LogoRejected as exc:
            db.session.rollback()
            audit("create", object_type=LOGO_OBJECT, outcome="refused", detail={"jenis": LOGO_TYPE, "alasan": str(exc)})
            flash(f"{exc} Logo tidak diganti.", "error")
            return redirect(url_for(".index"))
        except Exception:  # noqa: BLE001 - an upload must never be a 500 page
            db.session.rollback()
            log.exception("logo upload failed")
            flash("Logo tidak dapat disimpan; tidak ada yang berubah. Coba lagi.", "error")
            return redirect(url_for(".index"))
        audit("create", object_type=LOGO_OBJECT, object_id=version.id,
              detail={"jenis": LOGO_TYPE, "versi": version.version_no, "sha256": version.sha256,
                      "ukuran": version.size_bytes})
        flash("Logo kop tersimpan. Dokumen yang dibuat berikutnya memakai logo ini.", "success")
        return redirect(url_for(".index"))

    @expose("/logo/bawaan", methods=("POST",))
    def logo_reset_view(self):
        if active_logo(db.session) is None:
            flash("Kop sudah memakai gambar bawaan templat.", "info")
            return redirect(url_for(".index"))
        reset_logo(db.session)
        db.session.commit()
        audit("update", object_type=LOGO_OBJECT, detail={"jenis": LOGO_TYPE, "aktif": None})
        flash("Kop kembali memakai gambar bawaan templat (penanda tempat logo).", "success")
        return redirect(url_for(".index"))
