"""Audit glue for the screens (who, role, address from the request) and the audit log screens."""

from __future__ import annotations

from flask import abort
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike, IntEqualFilter
from flask_login import current_user

from admin_app.extensions import db
from admin_app.models import AuditEvent, RoleCode
from admin_app.views.auditing import ACTION_LABELS
from admin_app.views.base import SecureModelView, unit_zone


class AuditEventView(SecureModelView):
    """The full log, read-only, for the head and the system administrator."""

    allowed_roles = (RoleCode.KEPALA, RoleCode.SYSADMIN)
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    can_export = False
    column_list = ("at", "username", "roles", "action", "object_type", "object_id", "case_id", "outcome", "ip_address")
    column_default_sort = ("id", True)
    column_searchable_list = ("username", "object_type", "object_id")
    column_filters = [
        FilterEqual(AuditEvent.action, "Tindakan", options=[(k, v) for k, v in ACTION_LABELS.items()]),
        FilterEqual(AuditEvent.outcome, "Hasil", options=[("ok", "berhasil"), ("refused", "ditolak"), ("failed", "gagal")]),
        FilterLike(AuditEvent.username, "Pengguna"),
        IntEqualFilter(AuditEvent.case_id, "Kasus (id)"),
        FilterEqual(AuditEvent.object_type, "Jenis data"),
    ]
    column_labels = {
        "at": "Waktu",
        "username": "Pengguna",
        "roles": "Peran",
        "action": "Tindakan",
        "object_type": "Jenis data",
        "object_id": "Id data",
        "case_id": "Kasus (id)",
        "outcome": "Hasil",
        "ip_address": "Alamat IP",
        "detail": "Rincian",
    }
    column_formatters = {
        "at": lambda v, c, m, n: m.at.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M:%S"),
        "action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action),
    }
    column_details_exclude_list = ("prev_hash",)

    def is_action_allowed(self, name):
        return False

    def get_one(self, id):
        try:
            key = int(str(id))
        except (TypeError, ValueError):
            return None
        return db.session.get(AuditEvent, key)

    @expose("/kasus/<int:case_id>")
    def case_access(self, case_id: int):
        """Who accessed this case: for the head."""
        if not current_user.has_role(RoleCode.KEPALA):
            abort(403)
        from sqlalchemy import select

        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc()).limit(500)
        ).scalars().all()
        return self.render("admin/case_access.html", events=events, case_id=case_id, labels=ACTION_LABELS, zone=unit_zone())
