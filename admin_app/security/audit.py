"""The audit trail: who did what to which record, when, from where, with what outcome.

Entries are written in their own short transaction on their own connection, so a refused or failed action is
recorded even when the request's work is rolled back. Each entry carries the hash of the previous one
(hash chain): a changed or removed entry breaks the chain and `verify_chain` finds it. The database refuses
UPDATE and DELETE on the table (triggers, migration 0002), and no screen offers either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from admin_app.extensions import write_intent
from admin_app.models import AuditEvent, utcnow
from admin_app.models.base import audit_records_value
from admin_app.models.encryption import keyring

_LOCK_KEY = 695_2025  # PostgreSQL advisory lock that serialises appends to the chain


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str | None
    roles: str | None
    ip_address: str | None


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(prev_hash: str | None, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash or "").encode() + b"|" + _canonical(fields)).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    at = event.at.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    return {
        "id": event.id,
        "at": at,
        "user_id": event.user_id,
        "username": event.username,
        "roles": event.roles,
        "ip_address": event.ip_address,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "outcome": event.outcome,
        "detail": event.detail,
    }


REDACTED = "(diubah)"
_NIK = re.compile(r"^\d{16}$")
_CASE_NUMBER = re.compile(r"^PJK-\d{4}-\d+$", re.IGNORECASE)


def describe_search(term: str) -> dict[str, Any]:
    """A search term as the trail keeps it: its kind, its length and a keyed fingerprint (the same term gives the
    same fingerprint, so repeated searches for one person can be traced), never the term itself."""
    cleaned = " ".join((term or "").split())
    kind = "NIK" if _NIK.match(cleaned) else ("nomor kasus" if _CASE_NUMBER.match(cleaned) else "nama/teks")
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
        _append(engine, actor, action, object_type, object_id, case_id, outcome, detail)
    finally:
        write_intent.reset(token)


def _append(engine, actor, action, object_type, object_id, case_id, outcome, detail) -> None:
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
        event.hash = entry_hash(prev, _hashed_fields(event))
        session.add(event)


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def verify_chain(session: Session, batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain; report entries whose hash or link does not match (changed, removed, inserted)."""
    problems: list[ChainProblem] = []
    prev_hash: str | None = None
    prev_id = 0
    checked = 0
    last_id = 0
    while True:
        events: Iterable[AuditEvent] = session.execute(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not events:
            break
        for event in events:
            checked += 1
            if event.prev_hash != prev_hash:
                problems.append(ChainProblem(event.id, f"tautan ke entri sebelumnya (#{prev_id}) tidak cocok: entri terhapus atau disisipkan"))
            if event.hash != entry_hash(event.prev_hash, _hashed_fields(event)):
                problems.append(ChainProblem(event.id, "isi entri berubah setelah dicatat"))
            prev_hash, prev_id, last_id = event.hash, event.id, event.id
        session.expunge_all()
    return checked, problems
