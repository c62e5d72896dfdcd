"""Recording audit entries from a request: who (user, roles), from where (address), what and the outcome."""

from __future__ import annotations

import logging

from flask import g, request
from flask_login import current_user

from admin_app.extensions import db, write_intent
from admin_app.security.audit import Actor, record

log = logging.getLogger(__name__)

ACTION_LABELS = {
    "login": "masuk",
    "login_failed": "gagal masuk",
    "logout": "keluar",
    "view": "melihat",
    "search": "mencari",
    "export": "mengekspor",
    "create": "membuat",
    "update": "mengubah",
    "transition": "menjalankan langkah SOP",
    "refused": "akses ditolak",
    "reveal": "menampilkan identitas",
    "backup": "mencadangkan basis data",
    "restore": "memulihkan basis data",
    "download": "mengunduh dokumen",
    "generate": "membuat dokumen",
    "user_change": "mengubah pengguna",
    # login hardening (views/auth.py)
    "locked": "akun dikunci sementara",
    "2fa_failed": "gagal verifikasi dua langkah",
    "2fa_enrolled": "mengaktifkan verifikasi dua langkah",
    "2fa_disabled": "mematikan verifikasi dua langkah",
    "password_changed": "mengganti kata sandi",
    "role_requested": "mengajukan peran",
    "role_decided": "memutuskan permohonan peran",
    "audit_reseal": "menyegel ulang log audit",
}


def current_actor(username: str | None = None) -> Actor:
    user = current_user if current_user and current_user.is_authenticated else None
    return Actor(
        user_id=user.id if user else None,
        username=user.username if user else username,
        roles=",".join(sorted(user.role_codes)) if user else None,
        ip_address=(request.remote_addr or "")[:45] if request else None,
    )


class AuditUnavailable(Exception):
    """An access to victim data whose audit entry could not be written: the data is not served (fail closed)."""


def audit_now(action: str, *, once_per_request: bool = False, **fields) -> None:
    """Record an access to victim data BEFORE it is served (a view, a download, an export). If the entry cannot be
    written, AuditUnavailable is raised and the page answers 503 without the data: an untraceable access never
    happens. Its own transaction on its own connection, like every entry."""
    if once_per_request:
        key = (action, fields.get("object_type"), str(fields.get("object_id")))
        seen = g.setdefault("audited", set())
        if key in seen:
            return
        seen.add(key)
    try:
        actor = current_actor()  # may load the user's roles: before the request's transaction ends
        if write_intent.get() and db.engine.dialect.name == "sqlite":
            # A POST (e.g. revealing an identifier) holds SQLite's write lock from its first read, and this entry
            # is written on its own connection: end the request's transaction first. Call it with nothing unsaved.
            db.session.rollback()
        record(db.engine, actor, action, **fields)
    except Exception:  # noqa: BLE001
        log.exception("AUDIT WRITE FAILED (access refused): %s on %s", action, fields.get("object_type"))
        raise AuditUnavailable() from None


def audit(action: str, *, username: str | None = None, once_per_request: bool = False, **fields) -> None:
    """Record one entry for the current request. A failure to record is logged loudly but never loses the
    user's work (outreach is an emergency service); monitoring must watch for it."""
    if once_per_request:
        key = (action, fields.get("object_type"), str(fields.get("object_id")))
        seen = g.setdefault("audited", set())
        if key in seen:
            return
        seen.add(key)
    # Written when the request's own transaction has ended (see flush_request_audit): on SQLite a second writer
    # inside a write transaction would wait for it; and a refused action is recorded even though it rolls back.
    g.setdefault("audit_queue", []).append((current_actor(username), action, fields))


def flush_request_audit(_exc=None) -> None:
    queue = g.pop("audit_queue", None)
    if not queue:
        return
    db.session.rollback()  # whatever the view did not commit is discarded anyway; release its locks first
    for actor, action, fields in queue:
        try:
            record(db.engine, actor, action, **fields)
        except Exception:  # noqa: BLE001
            log.exception("AUDIT WRITE FAILED: %s on %s", action, fields.get("object_type"))


