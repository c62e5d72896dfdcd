"""Flask-Admin screens: one module per area, all built on `views.base`."""

from __future__ import annotations

import warnings

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from admin_app.extensions import db
from admin_app.models import AuditEvent, Case
from admin_app.views import documents, field_documents, people, reports, signed_scans, simfoni_sheet, system
from admin_app.views.audit import AuditEventView
from admin_app.views.base import TRANSLATIONS_DIR
from admin_app.views.cases import CaseView
from admin_app.views.home import HomeView

# The optimistic-locking fields are hidden inputs, rendered outside the form rules on purpose.
warnings.filterwarnings("ignore", message="Fields missing from ruleset: row_version,row_loaded_at")


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Jangkau",
        index_view=HomeView(name="Tugas Saya", url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/jangkau_base.html", fluid=True),
        translations_path=str(TRANSLATIONS_DIR),
    )
    admin.add_view(CaseView(Case, db, name="Kasus", endpoint="cases"))
    people.register(admin, db)
    field_documents.register(admin, db)
    documents.register(admin, db)
    signed_scans.register(admin, db)
    simfoni_sheet.register(admin, db)
    reports.register(admin, db)
    system.register(admin, db)
    admin.add_view(AuditEventView(AuditEvent, db, name="Log Audit", endpoint="audit"))
    return admin
