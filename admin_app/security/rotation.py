"""Re-encrypt every identifier with the current key (key rotation), and encrypt values written before
encryption was switched on. Idempotent; works in batches."""

from __future__ import annotations

from sqlalchemy import String, select, type_coerce, update
from sqlalchemy.orm import Session

from admin_app.models import Perpetrator, Reporter, Victim
from admin_app.models.encryption import is_encrypted, keyring, nik_index

ENCRYPTED_COLUMNS = ("nik", "family_card_number", "phone")


def rotate(session: Session, batch: int = 500) -> dict[str, int]:
    """Returns, per table, how many rows were rewritten."""
    ring = keyring()
    counts: dict[str, int] = {}
    for model in (Victim, Reporter, Perpetrator):
        table = model.__table__
        raw = [type_coerce(table.c[name], String).label(name) for name in ENCRYPTED_COLUMNS]  # stored text, undecrypted
        changed, last_id = 0, 0
        while True:
            rows = session.execute(select(table.c.id, *raw).where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                last_id = row.id
                stored = {name: getattr(row, name) for name in ENCRYPTED_COLUMNS}
                if all(v is None or (is_encrypted(v) and ring.key_id_of(v) == ring.current_id) for v in stored.values()):
                    continue
                plain = {
                    name: (ring.decrypt(v, name) if is_encrypted(v) else v) if v is not None else None
                    for name, v in stored.items()
                }
                # The column type encrypts with the current key on the way in.
                session.execute(update(table).where(table.c.id == row.id).values(**plain, nik_hash=nik_index(plain["nik"])))
                changed += 1
        counts[model.__tablename__] = changed
    return counts
