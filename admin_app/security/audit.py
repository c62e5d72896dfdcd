"""The audit trail: who did what to which record, when, from where, with what outcome.

Entries are written in their own short transaction on their own connection, so a refused or failed action is
recorded even when the request's work is rolled back. Each entry is sealed with an HMAC over the previous
entry's MAC and its own fields, with a key kept outside the database, and the chain head is anchored outside the
database (`security.audit_seal`). The database refuses UPDATE and DELETE on the table (triggers, migration 0002),
and no screen offers either. What an entry may say is limited: values only of fields declared AUDITED, search
terms only as a fingerprint.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from admin_app.extensions import write_intent
from admin_app.models import AuditEvent, utcnow
from admin_app.models.base import audit_records_value
from admin_app.models.cases import CASE_NUMBER_RE
from admin_app.models.encryption import keyring
from admin_app.security.audit_seal import ChainProblem, anchor_sink, entry_mac, sealed_fields, verify_chain

__all__ = ["Actor", "ChainProblem", "describe_changes", "describe_search", "record", "verify_chain"]
log = logging.getLogger(__name__)
RETRIES = 4

_LOCK_KEY = 695_2025  # PostgreSQL advisory lock that serialises appends to the chain


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str | None
    roles: str | None
    ip_address: str | None


REDACTED = "(diubah)"
_NIK = re.compile(r"^\d{16}$")


def describe_search(term: str) -> dict[str, Any]:
    """A search term as the trail keeps it: its kind, its length and a keyed fingerprint (the same term gives the
    same fingerprint, so repeated searches for one person can be traced), never the term itself."""
    cleaned = " ".join((term or "").split())
    kind = "NIK" if _NIK.match(cleaned) else ("nomor kasus" if CASE_NUMBER_RE.match(cleaned) else "nama/teks")
    return {"jenis": kind, "panjang": len(cleaned), "sidik": keyring().blind_index(cleaned.lower(), "audit-search")[:16]}


def describe_changes(model_class, changes: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """Changed fields for the trail: old and new values only of fields declared `info=AUDITED` on the model; every
    other field (identity, free text, identifiers, and any field added later) by its name only."""
    described: dict[str, Any] = {}
    for name, (old, new) in sorted(changes.items()):
        if audit_records_value(model_class, name):
            described[name] = {"lama": _plain(old), "baru": _plain(new)}
        else:
            described[name] = REDACTED
    return described


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "value"):  # enums
        return value.value
    return str(value)


def record(
    engine: Engine,
    actor: Actor,
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    case_id: int | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the chain, in its own transaction."""
    # A write transaction from its first statement (SQLite: BEGIN IMMEDIATE), so reading the chain's end and
    # appending to it cannot interleave with another writer.
    token = write_intent.set(True)
    try:
        for attempt in range(RETRIES):
            try:
                _append(engine, actor, action, object_type, object_id, case_id, outcome, detail)
                return
            except (OperationalError, IntegrityError) as exc:
                # SQLite: the busy timeout ran out under a burst of writers; both: two appends raced for one id.
                if attempt == RETRIES - 1:
                    raise
                log.warning("audit append retried (%s)", type(exc).__name__)
                time.sleep(0.05 * (2 ** attempt))
    finally:
        write_intent.reset(token)


def _append(engine, actor, action, object_type, object_id, case_id, outcome, detail) -> None:
    sealed = _insert(engine, actor, action, object_type, object_id, case_id, outcome, detail)
    sink = anchor_sink()
    if sink.due(sealed[0]):
        try:
            sink.write(*sealed)
        except OSError:
            # The entry itself is safe; a missed anchor is caught up by the next one (or `flask audit anchor`).
            log.exception("audit anchor could not be written")


def _insert(engine, actor, action, object_type, object_id, case_id, outcome, detail) -> tuple[int, str]:
    with Session(engine) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
        prev_id, prev = (last[0], last[1]) if last else (0, None)
        # The id is chosen under the lock so the hash (which covers it) is known before the single INSERT:
        # the table then never needs an UPDATE, and the database refuses every one.
        event = AuditEvent(
            id=prev_id + 1,
            at=utcnow(),
            user_id=actor.user_id,
            username=actor.username,
            roles=actor.roles,
            ip_address=actor.ip_address,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id)[:60],
            case_id=case_id,
            outcome=outcome,
            detail=detail,
            prev_hash=prev,
        )
        mac = event.hash = entry_mac(prev, sealed_fields(event))
        session.add(event)
    return prev_id + 1, mac
