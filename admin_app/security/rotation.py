"""Re-encrypt every encrypted column with the current key (key rotation), and encrypt values written before
encryption was switched on. Idempotent; works in batches."""

from __future__ import annotations

from sqlalchemy import String, select, type_coerce, update
from sqlalchemy.orm import Session

from admin_app.models import Base
from admin_app.models.encryption import EncryptedString, is_encrypted, keyring, nik_index


def encrypted_columns() -> dict:
    """Every table with encrypted columns, read from the models: {table: [column names]}."""
    found: dict = {}
    for table in Base.metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, EncryptedString)]
        if names:
            found[table] = names
    return found


def rotate(session: Session, batch: int = 500) -> dict[str, int]:
    """Returns, per table, how many rows were rewritten."""
    ring = keyring()
    counts: dict[str, int] = {}
    for table, names in encrypted_columns().items():
        contexts = {name: table.c[name].type.context for name in names}
        raw = [type_coerce(table.c[name], String).label(name) for name in names]  # stored text, undecrypted
        changed, last_id = 0, 0
        while True:
            rows = session.execute(select(table.c.id, *raw).where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                last_id = row.id
                stored = {name: getattr(row, name) for name in names}
                if all(v is None or (is_encrypted(v) and ring.key_id_of(v) == ring.current_id) for v in stored.values()):
                    continue
                plain = {
                    name: (ring.decrypt(v, contexts[name]) if is_encrypted(v) else v) if v is not None else None
                    for name, v in stored.items()
                }
                if "nik_hash" in table.c:
                    plain["nik_hash"] = nik_index(plain.get("nik"))
                # The column type encrypts with the current key on the way in.
                session.execute(update(table).where(table.c.id == row.id).values(**plain))
                changed += 1
        counts[table.name] = changed
    return counts
