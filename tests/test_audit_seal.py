"""The audit trail against its database owner: with the triggers dropped, a rewritten entry (even with the plain
SHA-256 chain recomputed, the old attack), a cut tail and a forged anchor are all caught by `flask audit verify`;
and the one-time re-seal of migration 0006 redacts what older entries held."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import AuditEvent
from admin_app.security import audit_seal
from admin_app.security.audit import Actor, record
from tests.test_audit import _drop_guards

ACTOR = Actor(user_id=1, username="rina", roles="petugas", ip_address="127.0.0.1")


@pytest.fixture
def anchored(app, tmp_path):
    """Anchors every 5 entries into a file outside the database, as production does (JANGKAU_AUDIT_ANCHOR)."""
    path = tmp_path / "jangkar" / "audit_anchors.jsonl"
    app.config["AUDIT_ANCHOR"] = str(path)
    audit_seal.configure_anchors(str(path), every=5)
    yield path
    audit_seal.configure_anchors(None)


def write(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record(db.engine, ACTOR, "view", object_type="cases", object_id=i, case_id=i)


def verify(runner, anchors=None):
    args = ["audit", "verify"] + (["--anchors", str(anchors)] if anchors else [])
    return runner.invoke(args=args)


def test_anchors_are_written_outside_the_database_at_the_interval_and_on_demand(app, runner, anchored):
    write(12)
    lines = [json.loads(line) for line in anchored.read_text().splitlines()]
    assert [a["id"] for a in lines] == [5, 10]
    assert oct(anchored.stat().st_mode & 0o777) == "0o600"
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0 and "#12" in result.output
    result = verify(runner)
    assert result.exit_code == 0 and "12 entri" in result.output and "terakhir #12" in result.output


def test_cutting_the_end_of_the_log_is_caught(app, runner, anchored):
    write(12)
    runner.invoke(args=["audit", "anchor"])
    _drop_guards()
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > 9))  # the last three entries go
    db.session.commit()
    result = verify(runner)
    assert result.exit_code != 0 and "terpotong" in result.output and "#10 sampai #12" in result.output


def test_rewriting_an_entry_and_recomputing_the_plain_chain_is_caught(app, runner, anchored):
    """The attack that fooled the old SHA-256 chain: blame another user, recompute every hash after it."""
    write(8)
    _drop_guards()
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == 3).values(username="dedi", user_id=2))
    db.session.commit()
    prev = None
    for event in db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars():
        fields = audit_seal.sealed_fields(event)
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
        new = hashlib.sha256((prev or "").encode() + b"|" + canonical).hexdigest()
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event.id).values(prev_hash=prev, hash=new))
        prev = new
    db.session.commit()
    result = verify(runner)
    assert result.exit_code != 0 and "segel HMAC tidak cocok" in result.output and "#3" in result.output


def test_rewriting_the_tail_with_a_guessed_key_is_caught_by_the_anchor(app, runner, anchored):
    write(10)  # anchored at #5 and #10
    _drop_guards()
    wrong_key = b"x" * 32
    prev = db.session.execute(sa.select(AuditEvent.hash).where(AuditEvent.id == 5)).scalar_one()
    for event in db.session.execute(sa.select(AuditEvent).where(AuditEvent.id > 5).order_by(AuditEvent.id)).scalars():
        event.username = "dedi"
        new = audit_seal.entry_mac(prev, audit_seal.sealed_fields(event), key=wrong_key)
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event.id)
                           .values(username="dedi", prev_hash=prev, hash=new))
        prev = new
    db.session.commit()
    result = verify(runner)
    assert result.exit_code != 0 and "ditulis ulang setelah dijangkarkan" in result.output


def test_a_forged_anchor_is_reported(app, runner, anchored):
    write(5)
    with anchored.open("a") as handle:
        handle.write(json.dumps({"id": 99, "mac": "0" * 64, "at": "2026-12-01T00:00:00+00:00", "anchor": "f" * 64}) + "\n")
    result = verify(runner)
    assert result.exit_code != 0 and "jangkar palsu" in result.output


def test_verify_without_anchors_says_a_cut_cannot_be_checked(app, runner, tmp_path):
    write(3)
    app.config["AUDIT_ANCHOR"] = str(tmp_path / "tidak-ada.jsonl")
    result = verify(runner)
    assert result.exit_code == 0 and "tidak dapat diperiksa" in result.output


def test_the_reseal_migration_redacts_and_seals_old_entries(database_url, tmp_path):
    """A database at revision 0005 with the old SHA-256 chain and what it used to keep verbatim, upgraded."""
    from flask_migrate import downgrade, upgrade

    from admin_app import create_app
    from admin_app.seeding.reference import load_reference_data

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        downgrade(revision="0005")
        old = [
            ("search", "victims", {"kata": "3671014501900001"}, "ok"),
            ("update", "case_identifications", {"fields": {"disability_needs": {"lama": None, "baru": "Tuli, butuh JBI"},
                                                           "case_kind": {"lama": None, "baru": "KTA"}}}, "ok"),
            ("export", "cases", {"format": "csv", "query": "search=Siti+Aminah&flt0_0=3"}, "ok"),
            ("transition", "cases", {"tindakan": "complete_field_work", "alasan": "Asesmen risiko (Siti Aminah)"}, "refused"),
        ]
        prev = None
        for i, (action, object_type, detail, outcome) in enumerate(old, start=1):
            event = AuditEvent(id=i, at=db.func.now(), username="rina", action=action, object_type=object_type,
                               outcome=outcome, detail=detail)
            db.session.add(event)
            db.session.flush()
            db.session.refresh(event)
            fields = audit_seal.sealed_fields(event)
            canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
            digest = hashlib.sha256((prev or "").encode() + b"|" + canonical.encode()).hexdigest()
            db.session.execute(sa.text("DROP TRIGGER IF EXISTS audit_events_no_update") if db.engine.dialect.name == "sqlite"
                               else sa.text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"))
            db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == i).values(prev_hash=prev, hash=digest))
            prev = digest
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update"))
            db.session.commit()
        upgrade()
        load_reference_data(db.session)
        db.session.commit()
        checked, problems = audit_seal.verify_chain(db.session)
        assert problems == [] and checked == 5
        entries = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        text = json.dumps([e.detail for e in entries])
        for secret in ("3671014501900001", "Tuli", "Siti", "Aminah"):
            assert secret not in text
        assert entries[0].detail["pencarian"]["jenis"] == "NIK"
        assert entries[1].detail["fields"] == {"disability_needs": "(diubah)", "case_kind": {"lama": None, "baru": "KTA"}}
        assert entries[2].detail["saringan"] == {"flt0_0": "3"}
        assert entries[4].action == "audit_reseal" and entries[4].detail["disamarkan"] == 4
        with pytest.raises(sa.exc.DBAPIError):  # append-only again
            db.session.execute(sa.update(AuditEvent).values(username="x"))
            db.session.flush()
        db.session.rollback()
        db.engine.dispose()
