"""audit trail sealed with an HMAC whose key lives outside the database (re-seal, redacting what old entries held);
TOTP secrets encrypted with the data keys

Revision ID: 0006
Revises: 0005

The audit chain was a plain SHA-256 chain: whoever owned the database could rewrite an entry and recompute every
hash after it. From here on each entry's MAC is keyed with JANGKAU_AUDIT_KEY (admin_app/security/audit_seal.py).
Existing entries are re-sealed once, here, by the operator who runs the upgrade with the key; while re-sealing,
what earlier versions wrote verbatim and must not keep is redacted (search terms, values of fields not declared
AUDITED, refusal reasons naming what was missing). The re-seal itself is recorded as the last entry
("audit_reseal"), so the trail says when it happened and how many entries were redacted. See SECURITY.md.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 2000


def _set_triggers(enabled: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        verb = "ENABLE" if enabled else "DISABLE"
        op.execute(f"ALTER TABLE audit_events {verb} TRIGGER audit_events_no_update")
    elif dialect == "sqlite":
        message = "audit_events is append-only"
        if enabled:
            op.execute(f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END;")
            op.execute(f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END;")
        else:
            op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
            op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def _models_by_table() -> dict:
    from admin_app.models import Base

    return {m.local_table.name: m.class_ for m in Base.registry.mappers if m.inherits is None}


def _redacted(action: str, outcome: str, object_type: str | None, detail, models: dict):
    """The detail an entry may keep under today's rules; returns (detail, changed)."""
    from admin_app.models.base import audit_records_value
    from admin_app.security.audit import REDACTED, describe_search

    if not isinstance(detail, dict):
        return detail, False
    new = dict(detail)
    if action == "search" and "kata" in new:
        new["pencarian"] = describe_search(str(new.pop("kata") or ""))
    if action == "export" and "query" in new:
        args = dict(parse_qsl(str(new.pop("query") or "")))
        term = args.pop("search", None)
        new["saringan"] = dict(list(args.items())[:20])
        if term:
            new["pencarian"] = describe_search(term)
    if action == "transition" and outcome != "ok":
        new.pop("alasan", None)  # it listed what was missing, with victims' names
    fields = new.get("fields")
    if isinstance(fields, dict):
        model = models.get(object_type)
        new["fields"] = {
            name: value if not isinstance(value, dict) or (model is not None and audit_records_value(model, name))
            else REDACTED
            for name, value in fields.items()
        }
    return new, new != detail


def _reseal() -> None:
    from admin_app.models.base import utcnow
    from admin_app.security.audit_seal import entry_mac

    bind = op.get_bind()
    table = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("user_id", sa.Integer),
        sa.column("username", sa.String), sa.column("roles", sa.String), sa.column("ip_address", sa.String),
        sa.column("action", sa.String), sa.column("object_type", sa.String), sa.column("object_id", sa.String),
        sa.column("case_id", sa.Integer), sa.column("outcome", sa.String), sa.column("detail", sa.JSON),
        sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
    )
    from admin_app.models import AuditEvent
    from admin_app.security.audit_seal import sealed_fields

    models = _models_by_table()
    prev_mac, last_id, count, redacted = None, 0, 0, 0
    while True:
        rows = bind.execute(sa.select(table).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)).mappings().all()
        if not rows:
            break
        for row in rows:
            detail, changed = _redacted(row["action"], row["outcome"], row["object_type"], row["detail"], models)
            redacted += changed
            event = AuditEvent(**{k: row[k] for k in row.keys() if k not in ("prev_hash", "hash")})
            event.detail = detail
            event.at = _aware(row["at"])
            mac = entry_mac(prev_mac, sealed_fields(event))
            bind.execute(sa.update(table).where(table.c.id == row["id"]).values(detail=detail, prev_hash=prev_mac, hash=mac))
            prev_mac, last_id, count = mac, row["id"], count + 1
    if not count:
        return  # a new installation: nothing to re-seal
    closing = AuditEvent(id=last_id + 1, at=utcnow(), username="(migrasi 0006)", action="audit_reseal",
                         object_type="audit_events", outcome="ok",
                         detail={"entri": count, "disamarkan": redacted, "segel": "HMAC-SHA256 (JANGKAU_AUDIT_KEY)"})
    bind.execute(sa.insert(table).values(
        id=closing.id, at=_naive_if_sqlite(closing.at), user_id=None, username=closing.username, roles=None,
        ip_address=None, action=closing.action, object_type=closing.object_type, object_id=None, case_id=None,
        outcome=closing.outcome, detail=closing.detail, prev_hash=prev_mac,
        hash=entry_mac(prev_mac, sealed_fields(closing)),
    ))


def _aware(value):
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _naive_if_sqlite(value):
    import datetime as dt

    if op.get_bind().dialect.name == "sqlite":
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _encrypt_totp_secrets() -> None:
    from admin_app.models.encryption import is_encrypted, keyring

    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))
    for user_id, secret in bind.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))):
        if not is_encrypted(secret):
            bind.execute(sa.update(users).where(users.c.id == user_id)
                         .values(totp_secret=keyring().encrypt(secret, "totp_secret")))


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=160),
                              existing_nullable=True)
    _encrypt_totp_secrets()
    _set_triggers(False)
    _reseal()
    _set_triggers(True)


def downgrade():
    # The HMAC seal and the redactions are not undone: a plain hash chain is what this migration replaced on
    # purpose. TOTP secrets are decrypted back so the previous version can read them.
    from admin_app.models.encryption import is_encrypted, keyring

    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))
    for user_id, secret in bind.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))):
        if is_encrypted(secret):
            bind.execute(sa.update(users).where(users.c.id == user_id)
                         .values(totp_secret=keyring().decrypt(secret, "totp_secret")))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=160), type_=sa.String(length=64),
                              existing_nullable=True)
