"""Backups: `flask backup` copies a database that is being written to, `flask restore` brings it back into an
empty database with nothing lost, the audit chain intact; damaged backups and non-empty targets are refused,
and no password ever appears on a command line."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from admin_app import backup as backup_module
from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import AuditEvent
from admin_app.security.audit import Actor, record
from tests.conftest import _pg_admin_engine, pg_base_url


class Writer(threading.Thread):
    """Appends audit entries, one transaction each, until stopped; remembers which ones were committed."""

    def __init__(self, engine):
        super().__init__(name="jangkau-test-writer", daemon=True)
        self.engine = engine
        self.committed: list[int] = []
        self.errors: list[BaseException] = []
        self.halt = threading.Event()

    def run(self):
        actor = Actor(user_id=None, username="penulis-uji", roles="uji", ip_address="127.0.0.1")
        n = 0
        while not self.halt.is_set():
            n += 1
            try:
                record(self.engine, actor, "uji_tulis", object_type="uji", object_id=n, detail={"n": n})
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(exc)
                return
            self.committed.append(n)  # only after the commit returned

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.committed) < count:
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, f"the writer committed only {len(self.committed)} entries"
            time.sleep(0.01)

    def finish(self) -> None:
        self.halt.set()
        self.join(timeout=30)
        assert not self.errors, self.errors


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A second, empty database of the same kind (SQLite: a new file; PostgreSQL: a new database)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'pulih' / 'jangkau.sqlite3'}"
        return
    name = f"jangkau_pulih_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield pg_base_url().set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def restored_app(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url, "PASSWORD_HASH_FAST": True})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def invoke(app, *args: str, input: str | None = None):
    """Run a `flask` command of `app` as the real CLI does: inside that app's own context."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), input=input)
        db.session.remove()
    return result


def write_audit(n: int) -> None:
    actor = Actor(user_id=None, username="penulis-uji", roles="uji", ip_address="127.0.0.1")
    for i in range(n):
        record(db.engine, actor, "uji_awal", object_type="uji", object_id=i)


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        return {name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one() for name in names}


def audit_rows(engine) -> dict[int, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(AuditEvent.id, AuditEvent.action, AuditEvent.detail, AuditEvent.hash)).all()
    return {row.id: (row.action, row.detail, row.hash) for row in rows}


def test_backup_while_writing_then_restore_into_an_empty_database_loses_nothing(
    app, runner, restored_app, make_user, tmp_path
):
    make_user("rina", "petugas")
    write_audit(5)
    db.session.commit()
    target = tmp_path / "cadangan"

    writer = Writer(db.engine)
    writer.start()
    try:
        writer.wait_for(20)
        before = list(writer.committed)  # committed before the backup started
        result = runner.invoke(args=["backup", str(target)])
        during = len(writer.committed)
        writer.wait_for(during + 5)  # the app's writes go on after the backup, unhindered
    finally:
        writer.finish()
    assert result.exit_code == 0, result.output
    assert "Cadangan selesai" in result.output
    assert during > len(before), "no entry was committed while the backup ran"

    # The backup: a private folder with the dump and its manifest.
    manifest = json.loads((target / "manifest.json").read_text())
    dump = target / manifest["file"]
    assert manifest["format"] == "jangkau-backup"
    assert manifest["alembic_revision"]
    assert manifest["created_at"].endswith("Z")
    assert manifest["app_version"]
    assert manifest["sha256"] == backup_module.sha256_of(dump)
    assert manifest["tables"]["users"] >= 1 and "document_template_versions" in manifest["tables"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".cadangan.sebagian-*"))  # no leftover of the work folder

    source_engine = db.engine
    db.session.remove()
    restore = invoke(restored_app, "restore", str(target), "--yes")
    assert restore.exit_code == 0, restore.output
    assert "log audit utuh" in restore.output

    with restored_app.app_context():
        restored_engine = db.engine
        copied = audit_rows(restored_engine)
        written = {detail["n"] for action, detail, _ in copied.values() if action == "uji_tulis"}
        # Every entry committed before the backup started is there...
        assert set(before) <= written
        # ...the copy is one moment of the database: a gap-free prefix of what the writer committed...
        assert written == set(range(1, max(written) + 1))
        assert written <= set(writer.committed)
        # ...and of the source's chain, entry for entry (ids and hashes); the restore appended its own entry.
        source = audit_rows(source_engine)
        restore_entries = [i for i, (action, _, _) in copied.items() if action == "restore"]
        assert len(restore_entries) == 1 and restore_entries[0] == max(copied)
        for event_id, row in copied.items():
            if event_id != restore_entries[0]:
                assert source[event_id] == row
        # Every other table is exactly as in the source (nothing else was written meanwhile).
        restored_counts = table_counts(restored_engine)
        assert restored_counts.pop("audit_events") == manifest["tables"]["audit_events"] + 1
        source_counts = table_counts(source_engine)
        source_counts.pop("audit_events")
        assert restored_counts == source_counts
        db.session.remove()

    verify = invoke(restored_app, "audit", "verify")
    assert verify.exit_code == 0, verify.output
    assert "Log audit utuh" in verify.output


def test_restore_refuses_a_damaged_backup_and_changes_nothing(app, runner, restored_app, tmp_path):
    target = tmp_path / "cadangan"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    manifest = json.loads((target / "manifest.json").read_text())
    dump = target / manifest["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    result = invoke(restored_app, "restore", str(target), "--yes")
    assert result.exit_code != 0
    assert "Cadangan rusak atau telah diubah" in result.output
    with restored_app.app_context():
        assert backup_module.target_is_empty()


def test_restore_refuses_a_non_empty_database_unless_forced(app, runner, restored_app, tmp_path):
    target = tmp_path / "cadangan"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    asked = invoke(restored_app, "restore", str(target), input="n\n")
    assert asked.exit_code != 0 and "Pulihkan cadangan" in asked.output  # asked, answered no: nothing done
    with restored_app.app_context():
        assert backup_module.target_is_empty()

    assert invoke(restored_app, "restore", str(target), "--yes").exit_code == 0
    again = invoke(restored_app, "restore", str(target), "--yes")
    assert again.exit_code != 0
    assert "Basis data tujuan tidak kosong" in again.output

    forced = invoke(restored_app, "restore", str(target), "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    with restored_app.app_context():
        url = make_url(restored_app.config["SQLALCHEMY_DATABASE_URI"])
        if url.get_backend_name() == "sqlite":  # the replaced file is kept, not deleted
            kept = list((tmp_path / "pulih").glob("jangkau.sqlite3.sebelum-pulih-*"))
            assert len(kept) == 1
        db.session.remove()
    assert invoke(restored_app, "audit", "verify").exit_code == 0


def test_backup_refuses_an_existing_folder(app, runner, tmp_path):
    (tmp_path / "ada").mkdir()
    result = runner.invoke(args=["backup", str(tmp_path / "ada")])
    assert result.exit_code != 0
    assert "sudah ada" in result.output


def test_restore_refuses_a_backup_of_the_other_database_kind(app, runner, restored_app, tmp_path):
    target = tmp_path / "cadangan"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["dialect"] = "postgresql" if manifest["dialect"] == "sqlite" else "sqlite"
    manifest_path.write_text(json.dumps(manifest))
    result = invoke(restored_app, "restore", str(target), "--yes")
    assert result.exit_code != 0
    assert "Pulihkan ke basis data yang sejenis" in result.output


def test_no_password_on_a_command_line(app, runner, tmp_path, monkeypatch):
    """pg_dump and pg_restore get the password in PGPASSWORD only; SQLite runs no program at all."""
    calls = []
    real_run = backup_module.subprocess.run

    def spy(args, **kwargs):
        calls.append((list(args), dict(kwargs.get("env") or {})))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", spy)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    password = "sandi-rahasia-db-123"
    if url.get_backend_name() == "postgresql":
        # The local test server trusts its clients, so a password in the URL is accepted and ignored.
        app.config["SQLALCHEMY_DATABASE_URI"] = url.set(password=password).render_as_string(hide_password=False)
    result = runner.invoke(args=["backup", str(tmp_path / "cadangan")])
    assert result.exit_code == 0, result.output
    if url.get_backend_name() == "sqlite":
        assert calls == []
        return
    assert calls
    for args, env in calls:
        assert not any(password in arg for arg in args), args
        assert env["PGPASSWORD"] == password
        assert env["PGDATABASE"] == url.database


def test_libpq_environment_from_the_url():
    url = make_url("postgresql+psycopg://jangkau:s%40ndi@db.internal:6543/jangkau_prod?sslmode=verify-full&connect_timeout=5")
    env = backup_module.libpq_env(url, base={"PATH": "/usr/bin"})
    assert env == {
        "PATH": "/usr/bin",
        "PGHOST": "db.internal",
        "PGPORT": "6543",
        "PGUSER": "jangkau",
        "PGPASSWORD": "s@ndi",
        "PGDATABASE": "jangkau_prod",
        "PGSSLMODE": "verify-full",
        "PGCONNECT_TIMEOUT": "5",
    }
    with pytest.raises(backup_module.BackupError):
        backup_module.libpq_env(make_url("postgresql://u@h/d?unknown_option=1"), base={})
