"""The audit log screens, in words: who (by name), did what ("melihat kasus"), to what (the case number, the
person's name, the kind of record in Indonesian), with what outcome ("ditolak"); hashes shortened and secondary."""

from __future__ import annotations

from flask import abort, g
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual, FilterLike
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import ROLE_LABELS, AuditEvent, Case, RoleCode, User
from admin_app.views.auditing import ACTION_LABELS
from admin_app.views.base import SecureModelView, unit_zone
from admin_app.views.presentation import EMPTY, time_text

OUTCOME_LABELS = {"ok": "berhasil", "refused": "ditolak", "failed": "gagal"}
# Kinds of record that no screen of their own names.
OTHER_OBJECTS = {"cases": "Kasus", "audit_events": "Log audit", "database": "Basis data", "letters": "Surat",
                 "case_steps": "Langkah SOP", "uji": "Uji"}
DETAIL_WORDS = {
    "fields": "Kolom yang diubah", "lama": "sebelumnya", "baru": "menjadi", "tindakan": "Tindakan",
    "langkah_sekarang": "Langkah sekarang", "pencarian": "Pencarian", "jenis": "jenis", "panjang": "panjang",
    "sidik": "sidik", "format": "Format", "saringan": "Saringan", "url": "Alamat", "alasan": "Alasan",
    "versi": "Versi", "surat": "Surat", "peran": "Peran", "pengguna": "Pengguna", "keputusan": "Keputusan",
    "entri": "Entri", "disamarkan": "Disamarkan", "segel": "Segel",
}


def object_names() -> dict[str, str]:
    """Indonesian names of what an entry speaks of, by table or screen: the admin's own screen names."""
    if "audit_object_names" not in g:
        from flask import current_app
        from flask_admin.contrib.sqla import ModelView

        names = dict(OTHER_OBJECTS)
        for view in current_app.extensions["admin"][0]._views:
            names.setdefault(view.endpoint, view.name)
            if isinstance(view, ModelView):
                names.setdefault(view.model.__tablename__, view.name)
        g.audit_object_names = names
    return g.audit_object_names


def _cached(kind: str, key, load):
    cache = g.setdefault(f"audit_{kind}", {})
    if key not in cache:
        cache[key] = load(key)
    return cache[key]


def case_number(case_id: int | None) -> str:
    if case_id is None:
        return EMPTY
    return _cached("case", case_id, lambda k: db.session.execute(select(Case.case_number).where(Case.id == k)).scalar()) \
        or f"kasus #{case_id}"


def user_name(user_id: int | None, username: str | None) -> str:
    if user_id is None:
        return username or EMPTY
    return _cached("user", user_id, lambda k: db.session.execute(select(User.full_name).where(User.id == k)).scalar()) \
        or username or EMPTY


def what(event: AuditEvent) -> str:
    kind = object_names().get(event.object_type or "", "")
    if event.object_type == "cases" and event.object_id:
        return f"Kasus {case_number(int(event.object_id))}" if event.object_id.isdigit() else kind
    if event.object_type == "users" and event.object_id and event.object_id.isdigit():
        return f"Pengguna {user_name(int(event.object_id), None)}"
    return f"{kind} #{event.object_id}".strip() if event.object_id else (kind or EMPTY)


def roles_text(roles: str | None) -> str:
    codes = [c for c in (roles or "").split(",") if c]
    return ", ".join(ROLE_LABELS.get(RoleCode(c), c) if c in RoleCode._value2member_map_ else c for c in codes) or EMPTY


def detail_text(detail) -> Markup:
    """The entry's detail as readable lines (never raw JSON)."""
    if not detail:
        return Markup(EMPTY)

    def words(value) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{DETAIL_WORDS.get(k, k.replace('_', ' '))}: {words(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(words(v) for v in value)
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return "ya" if value else "tidak"
        return str(value)

    lines = [f"<li>{escape(DETAIL_WORDS.get(k, k.replace('_', ' ')))}: {escape(words(v))}</li>" for k, v in detail.items()]
    return Markup(f"<ul class='mb-0 pl-3'>{''.join(lines)}</ul>")


def short_hash(value: str | None) -> Markup:
    if not value:
        return Markup(EMPTY)
    return Markup(f'<code class="small text-muted" title="{escape(value)}">{escape(value[:12])}…</code>')


class CaseNumberFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        ids = select(Case.id).where(Case.case_number == (value or "").strip().upper())
        return query.filter(AuditEvent.case_id.in_(ids))

    def operation(self):
        return "sama dengan"


class AuditEventView(SecureModelView):
    """The full log, read-only, for the head and the system administrator."""

    allowed_roles = (RoleCode.KEPALA, RoleCode.SYSADMIN)
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    can_export = False
    column_list = ("at", "username", "action", "object", "case_id", "outcome")
    column_details_list = ("at", "username", "roles", "ip_address", "action", "object", "case_id", "outcome", "detail",
                           "id", "hash", "prev_hash")
    column_default_sort = ("id", True)
    column_searchable_list = ("username", "object_type", "object_id")
    column_labels = {
        "at": "Waktu",
        "username": "Pengguna",
        "roles": "Peran",
        "action": "Tindakan",
        "object": "Data",
        "case_id": "Kasus",
        "outcome": "Hasil",
        "ip_address": "Alamat IP",
        "detail": "Rincian",
        "id": "Nomor entri",
        "hash": "Segel entri",
        "prev_hash": "Segel entri sebelumnya",
        "object_type": "jenis data",
        "object_id": "nomor data",
    }
    column_formatters = {
        "at": lambda v, c, m, n: time_text(m.at, unit_zone()),
        "username": lambda v, c, m, n: user_name(m.user_id, m.username),
        "roles": lambda v, c, m, n: roles_text(m.roles),
        "action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action.replace("_", " ")),
        "object": lambda v, c, m, n: what(m),
        "case_id": lambda v, c, m, n: case_number(m.case_id),
        "outcome": lambda v, c, m, n: OUTCOME_LABELS.get(m.outcome, m.outcome),
        "detail": lambda v, c, m, n: detail_text(m.detail),
        "hash": lambda v, c, m, n: short_hash(m.hash),
        "prev_hash": lambda v, c, m, n: short_hash(m.prev_hash),
    }

    def __init__(self, *args, **kwargs):
        self.column_filters = [
            FilterEqual(AuditEvent.action, "Tindakan", options=list(ACTION_LABELS.items())),
            FilterEqual(AuditEvent.outcome, "Hasil", options=list(OUTCOME_LABELS.items())),
            FilterLike(AuditEvent.username, "Nama pengguna"),
            CaseNumberFilter(AuditEvent.case_id, "Nomor kasus"),
        ]
        super().__init__(*args, **kwargs)

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
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc()).limit(500)
        ).scalars().all()
        return self.render(
            "admin/case_access.html", events=events, case_id=case_id, case_number=case_number(case_id),
            labels=ACTION_LABELS, outcomes=OUTCOME_LABELS, when=lambda e: time_text(e.at, unit_zone()),
            who=lambda e: user_name(e.user_id, e.username), roles=roles_text, what=what,
        )
