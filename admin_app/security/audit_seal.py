"""The seal of the audit trail, against whoever owns the database.

Each entry carries an HMAC of the previous entry's MAC and its own fields, keyed with `JANGKAU_AUDIT_KEY`, which
lives in the environment like the data keys, never in the database: with the triggers dropped, a database owner
can still delete or rewrite rows, but cannot compute a valid MAC for a rewritten entry, so `verify_chain` finds it.

Deleting the *last* entries leaves a valid chain that simply ends earlier. Against that cut, the chain head (last
id and its MAC, itself MAC'd) is anchored OUTSIDE the database: appended to a file the operator ships elsewhere,
or sent to syslog, every `every` entries and on `flask audit anchor` (run by a timer). `verify_chain` compares the
chain with the anchors it is given and reports a cut (anchored entries missing) or a rewritten tail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import AuditEvent
from admin_app.models.encryption import keyring

log = logging.getLogger(__name__)
SYSLOG = "syslog"


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def sealed_fields(event: AuditEvent) -> dict[str, Any]:
    """What the MAC of an entry covers: every column but the chain columns themselves."""
    at = event.at.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    return {
        "id": event.id, "at": at, "user_id": event.user_id, "username": event.username, "roles": event.roles,
        "ip_address": event.ip_address, "action": event.action, "object_type": event.object_type,
        "object_id": event.object_id, "case_id": event.case_id, "outcome": event.outcome, "detail": event.detail,
    }


def _key(key: bytes | None) -> bytes:
    key = key if key is not None else keyring().audit_key
    if not key:
        raise RuntimeError("JANGKAU_AUDIT_KEY belum dimuat: log audit tidak dapat disegel.")
    return key


def entry_mac(prev_mac: str | None, fields: dict[str, Any], key: bytes | None = None) -> str:
    return hmac.new(_key(key), (prev_mac or "").encode() + b"|" + _canonical(fields), hashlib.sha256).hexdigest()


def anchor_mac(event_id: int, mac: str, key: bytes | None = None) -> str:
    return hmac.new(_key(key), f"anchor:{event_id}:{mac}".encode(), hashlib.sha256).hexdigest()


# --- anchors ---------------------------------------------------------------------------------------------------


@dataclass
class AnchorSink:
    """Where anchors go: a file path (appended, owner-only), `syslog`, or nowhere (None)."""

    target: str | None = None
    every: int = 100

    def due(self, event_id: int) -> bool:
        return bool(self.target) and self.every > 0 and event_id % self.every == 0

    def write(self, event_id: int, mac: str) -> dict[str, Any]:
        anchor = {"id": event_id, "mac": mac, "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "anchor": anchor_mac(event_id, mac)}
        line = json.dumps(anchor, sort_keys=True)
        if self.target == SYSLOG:
            _syslog().info("jangkau-audit-anchor %s", line)
        elif self.target:
            path = Path(self.target)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a") as handle:
                handle.write(line + "\n")
        return anchor


_sink = AnchorSink()


def configure_anchors(target: str | None, every: int = 100) -> None:
    global _sink
    _sink = AnchorSink(target or None, every)


def anchor_sink() -> AnchorSink:
    return _sink


def _syslog() -> logging.Logger:
    logger = logging.getLogger("jangkau.audit.anchor")
    if not logger.handlers:
        address = "/dev/log" if os.path.exists("/dev/log") else ("localhost", 514)
        logger.addHandler(logging.handlers.SysLogHandler(address=address))
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def anchor_head(session: Session, sink: AnchorSink | None = None) -> dict[str, Any] | None:
    """Anchor the chain's current head now (`flask audit anchor`); None when the trail is empty or unanchored."""
    sink = sink or _sink
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if last is None or not sink.target:
        return None
    return sink.write(last[0], last[1])


@dataclass(frozen=True)
class Anchor:
    id: int
    mac: str
    at: str
    valid: bool  # its own MAC matches: written by someone holding the key


def read_anchors(lines: Iterable[str]) -> list[Anchor]:
    """Anchors from a file's lines (or syslog lines containing them); unreadable lines are skipped."""
    anchors = []
    for line in lines:
        start = line.find("{")
        if start < 0:
            continue
        try:
            data = json.loads(line[start:])
            event_id, mac = int(data["id"]), str(data["mac"])
        except (ValueError, KeyError, TypeError):
            continue
        valid = hmac.compare_digest(str(data.get("anchor", "")), anchor_mac(event_id, mac))
        anchors.append(Anchor(event_id, mac, str(data.get("at", "")), valid))
    return anchors


# --- verification ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def verify_chain(session: Session, anchors: Sequence[Anchor] = (), batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain: every link and MAC, then every anchor against the entry it anchored. Reports entries
    changed, removed, inserted, a cut tail and a rewritten anchored entry."""
    problems: list[ChainProblem] = []
    wanted = {a.id for a in anchors if a.valid}
    seen: dict[int, str] = {}
    prev_mac: str | None = None
    prev_id = checked = last_id = 0
    while True:
        events = session.execute(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not events:
            break
        for event in events:
            checked += 1
            if event.prev_hash != prev_mac:
                problems.append(ChainProblem(
                    event.id, f"tautan ke entri sebelumnya (#{prev_id}) tidak cocok: entri terhapus atau disisipkan"))
            if not hmac.compare_digest(event.hash or "", entry_mac(event.prev_hash, sealed_fields(event))):
                problems.append(ChainProblem(event.id, "isi entri berubah setelah dicatat (segel HMAC tidak cocok)"))
            if event.id in wanted:
                seen[event.id] = event.hash or ""
            prev_mac, prev_id, last_id = event.hash, event.id, event.id
        session.expunge_all()
    for anchor in anchors:
        if not anchor.valid:
            problems.append(ChainProblem(anchor.id, f"jangkar palsu atau rusak (dicatat {anchor.at}): segelnya tidak cocok"))
        elif anchor.id > last_id:
            problems.append(ChainProblem(
                anchor.id, f"log audit terpotong: entri #{last_id + 1} sampai #{anchor.id} yang dijangkarkan pada "
                           f"{anchor.at} tidak ada lagi"))
        elif anchor.id not in seen:
            problems.append(ChainProblem(anchor.id, f"entri #{anchor.id} yang dijangkarkan pada {anchor.at} hilang"))
        elif not hmac.compare_digest(seen[anchor.id], anchor.mac):
            problems.append(ChainProblem(anchor.id, f"entri #{anchor.id} ditulis ulang setelah dijangkarkan pada {anchor.at}"))
    return checked, problems
