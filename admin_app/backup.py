"""Backups that restore: `flask --app admin_app backup PATH` and `flask --app admin_app restore PATH --yes`.

A backup is a directory (made under a temporary name and renamed when complete, so a half-made backup never
looks finished), readable by its owner only:

    PATH/database.sqlite3   SQLite: a page-exact copy made with SQLite's online backup API
    PATH/database.pgdump    PostgreSQL: `pg_dump --format=custom`
    PATH/manifest.json      app version, Alembic revision, created_at (UTC), sha256 and size of the dump,
                            row count of every table at the moment of the copy

Both copies are consistent while the app is in use: SQLite copies all pages inside one read transaction (WAL
lets writers go on meanwhile), pg_dump reads one snapshot, and the row counts in the manifest come from that
same snapshot (an exported snapshot, `pg_dump --snapshot`). Documents and Word templates live in the database,
so they are in the copy. The encryption keys of NIK, No. KK and phone numbers are NOT (by design): keep them
apart from the backups; a restore needs the same keys (`data_key_ids` in the manifest names them).

Restore checks the sha256 first, refuses a database that is not empty (unless --force), restores, then checks
every table's row count against the manifest and walks the audit hash chain.

Connection settings for pg_dump/pg_restore come from the SQLAlchemy URL and are passed to the child process in
libpq's environment variables (PGHOST, PGUSER, PGPASSWORD, ...), never on its command line, where any local
user could read them in the process list.

Length (about 580 lines): one job, backup and restore with their checks for both databases; splitting it would
separate a backup from the checks that prove it restores.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import logging
import os
import secrets
import shutil
import sqlite3

# pg_dump/pg_restore run with an argument list, no shell, by absolute path: see _run().
import subprocess  # nosec B404
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import quote

import click
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import URL, make_url

from admin_app.extensions import db

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = "jangkau-backup"
FORMAT_VERSION = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# libpq environment variables for the query parameters a PostgreSQL URL may carry.
_QUERY_TO_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
}


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message (Bahasa Indonesia) says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables_checked: int = 0
    audit_entries: int = 0
    audit_problems: list[str] = field(default_factory=list)
    needs_upgrade: bool = False


# ------------------------------------------------------------------------------------------------ helpers


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    try:
        return metadata.version("jangkau")
    except metadata.PackageNotFoundError:
        return "tidak diketahui"


def utc_now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def libpq_env(url: URL, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The child process's environment: `base` (default: ours) plus the URL's connection settings."""
    env = dict(os.environ if base is None else base)
    for name, value in url.query.items():
        if name not in _QUERY_TO_ENV:
            raise BackupError(f"Parameter koneksi {name!r} pada DATABASE_URL tidak dikenal untuk pg_dump/pg_restore.")
        env[_QUERY_TO_ENV[name]] = ",".join(value) if isinstance(value, tuple) else str(value)
    settings = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for name, value in settings.items():
        if value not in (None, ""):
            env[name] = str(value)
    return env


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} tidak ditemukan. Pasang klien PostgreSQL (paket postgresql-client) dengan versi yang sama atau "
            "lebih baru dari server."
        )
    return found


def _run(args: list[str], env: Mapping[str, str], what: str) -> subprocess.CompletedProcess:
    # An argument list (no shell), the program by absolute path, our own fixed options; connection settings
    # travel in the environment only. (bandit B603 is skipped project-wide for this pattern: pyproject.toml.)
    completed = subprocess.run(args, env=dict(env), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout or "").strip()[-2000:]
        raise BackupError(f"{what} gagal (kode {completed.returncode}): {detail}")
    return completed


def _table_counts(connection: sa.Connection, names: list[str], schema: str | None = None) -> dict[str, int]:
    counts = {}
    for name in sorted(names):
        table = sa.table(name, schema=schema)
        counts[name] = int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    return counts


def _data_key_ids() -> list[str]:
    configured = current_app.config.get("JANGKAU_DATA_KEYS") or ""
    return sorted({part.split(":", 1)[0].strip() for part in configured.split(",") if ":" in part})


def _database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("Hanya basis data SQLite berupa berkas yang dapat dicadangkan atau dipulihkan.")
    return Path(url.database).resolve()


def _sqlite_connect(path: Path, mode: str) -> sqlite3.Connection:
    timeout = current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000) / 1000
    return sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=timeout)


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in rows]


def _sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            counts = _table_counts(connection, names)
            revision = None
            if "alembic_version" in names:
                revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return counts, revision
    finally:
        engine.dispose()


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)  # whatever the umask: the backup holds victims' data


# ------------------------------------------------------------------------------------------------ backup


def create_backup(target: Path) -> BackupResult:
    """Write a complete backup of the app's database to the new directory `target`."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} sudah ada. Pilih nama folder baru untuk cadangan.")
    if not target.parent.is_dir():
        raise BackupError(f"Folder {target.parent} tidak ada.")
    url = _database_url()
    work = target.parent / f".{target.name}.sebagian-{secrets.token_hex(4)}"
    _private_dir(work)
    try:
        if url.get_backend_name() == "sqlite":
            info = _backup_sqlite(url, work)
        elif url.get_backend_name() == "postgresql":
            info = _backup_postgresql(url, work)
        else:
            raise BackupError(f"Basis data {url.get_backend_name()} tidak didukung untuk pencadangan.")
        dump = work / info["file"]
        os.chmod(dump, 0o600)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "alembic_revision": info["revision"],
            "created_at": utc_now_text(),
            "dialect": url.get_backend_name(),
            "database_name": Path(url.database).name if url.get_backend_name() == "sqlite" else url.database,
            "file": info["file"],
            "sha256": sha256_of(dump),
            "size_bytes": dump.stat().st_size,
            "tables": info["tables"],
            # Identifiers (NIK, No. KK, phone) are stored encrypted; these key ids open them. Keys are never copied.
            "data_key_ids": _data_key_ids(),
        }
        manifest_path = work / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        os.chmod(manifest_path, 0o600)
        os.rename(work, target)  # complete: now it gets its name
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(path=target, manifest=manifest)


def _backup_sqlite(url: URL, work: Path) -> dict[str, Any]:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"Berkas basis data {source_path} tidak ada.")
    dump = work / SQLITE_FILE
    source = _sqlite_connect(source_path, "ro")
    try:
        copy = sqlite3.connect(dump)
        try:
            # pages=-1: every page in one step, inside one read transaction of the source: a consistent snapshot
            # (in WAL mode the app's writers are not blocked meanwhile).
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            problems = copy.execute("PRAGMA integrity_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"Salinan SQLite tidak utuh: {problems[:5]}")
        finally:
            copy.close()
    finally:
        source.close()
    tables, revision = _sqlite_counts(dump)
    return {"file": SQLITE_FILE, "tables": tables, "revision": revision}


def _backup_postgresql(url: URL, work: Path) -> dict[str, Any]:
    pg_dump = _executable("pg_dump")
    pg_restore = _executable("pg_restore")
    dump = work / PG_FILE
    env = libpq_env(url)
    engine = db.engine
    # One snapshot for the row counts and for pg_dump: exported here, imported by pg_dump (--snapshot), kept
    # open until pg_dump is done.
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
            names = sa.inspect(connection).get_table_names(schema=schema)
            tables = _table_counts(connection, names, schema=schema)
            _run(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dump}"],
                env,
                "pg_dump",
            )
    # The archive must be readable by pg_restore; its alembic_version row is the schema revision of the copy.
    listing = _run([pg_restore, "--list", str(dump)], env, "pg_restore --list (pemeriksaan arsip)")
    if "TABLE DATA" not in listing.stdout:
        raise BackupError("Arsip pg_dump tidak berisi data tabel.")
    revision = _revision_in_pg_archive(pg_restore, dump, env)
    return {"file": PG_FILE, "tables": tables, "revision": revision}


def _revision_in_pg_archive(pg_restore: str, dump: Path, env: Mapping[str, str]) -> str | None:
    script = _run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(dump)], env, "pg_restore (revisi)"
    ).stdout
    lines = script.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and index + 1 < len(lines):
            value = lines[index + 1].strip()
            return None if value == "\\." else value
    return None


# ------------------------------------------------------------------------------------------------ restore


def read_manifest(source: Path) -> dict[str, Any]:
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} bukan cadangan Jangkau: {MANIFEST} tidak ada.")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{MANIFEST} rusak (bukan JSON).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} bukan cadangan Jangkau.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Versi format cadangan {manifest.get('format_version')!r} tidak dikenal oleh aplikasi ini.")
    for key in ("file", "sha256", "dialect", "tables"):
        if key not in manifest:
            raise BackupError(f"{MANIFEST} tidak lengkap: {key!r} tidak ada.")
    if Path(manifest["file"]).name != manifest["file"] or manifest["file"] not in (SQLITE_FILE, PG_FILE):
        raise BackupError(f"{MANIFEST} menyebut berkas yang tidak sah: {manifest['file']!r}.")
    return manifest


def verify_backup(source: Path) -> dict[str, Any]:
    """The manifest, once the dump's sha256 matches it (a damaged or altered backup is refused)."""
    manifest = read_manifest(source)
    dump = Path(source) / manifest["file"]
    if not dump.is_file():
        raise BackupError(f"Berkas {manifest['file']} tidak ada di {source}.")
    actual = sha256_of(dump)
    if not secrets.compare_digest(actual, str(manifest["sha256"])):
        raise BackupError(
            f"Cadangan rusak atau telah diubah: sha256 {manifest['file']} adalah {actual}, "
            f"manifest mencatat {manifest['sha256']}. Tidak ada yang dipulihkan."
        )
    return manifest


def _known_revision(revision: str | None) -> tuple[bool, bool]:
    """(known to this code, is the newest) for the backup's Alembic revision."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    if revision is None:
        return False, False
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        if script.get_revision(revision) is None:
            return False, False
    except CommandError:
        return False, False
    return True, revision in script.get_heads()


def target_is_empty() -> bool:
    url = _database_url()
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
        connection = _sqlite_connect(path, "ro")
        try:
            return not _sqlite_tables(connection)
        finally:
            connection.close()
    with db.engine.connect() as connection:
        count = connection.execute(
            sa.text(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        ).scalar_one()
    return count == 0


def restore_backup(source: Path, *, force: bool = False, confirm=None) -> RestoreResult:
    """Bring the backup in `source` back into the app's (empty) database."""
    source = Path(source)
    manifest = verify_backup(source)
    url = _database_url()
    dialect = url.get_backend_name()
    if manifest["dialect"] != dialect:
        raise BackupError(
            f"Cadangan ini dari basis data {manifest['dialect']}, sedangkan aplikasi memakai {dialect}. "
            "Pulihkan ke basis data yang sejenis."
        )
    known, newest = _known_revision(manifest.get("alembic_revision"))
    if not known:
        raise BackupError(
            f"Revisi skema cadangan ({manifest.get('alembic_revision')!r}) tidak dikenal oleh versi aplikasi ini "
            "(cadangan dari versi yang lebih baru?). Pasang versi aplikasi yang membuat cadangan."
        )
    if not target_is_empty() and not force:
        raise BackupError(
            "Basis data tujuan tidak kosong. Pemulihan hanya ke basis data kosong; gunakan --force untuk menimpa "
            "(data yang ada akan diganti isi cadangan)."
        )
    if confirm is not None:
        confirm(manifest)
    db.session.remove()
    db.engine.dispose()
    dump = source / manifest["file"]
    if dialect == "sqlite":
        _restore_sqlite(dump, _sqlite_path(url), force)
    else:
        _restore_postgresql(dump, url, force)
    db.engine.dispose()
    result = RestoreResult(manifest=manifest, needs_upgrade=not newest)
    result.tables_checked = _check_counts(manifest["tables"])
    return result


def _restore_sqlite(dump: Path, target: Path, force: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if force and target.exists() and target.stat().st_size > 0:
        # Nothing is deleted: the replaced database stays beside the restored one.
        keep = target.with_name(f"{target.name}.sebelum-pulih-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}")
        source = _sqlite_connect(target, "ro")
        try:
            kept = sqlite3.connect(keep)
            try:
                source.backup(kept)
            finally:
                kept.close()
        finally:
            source.close()
        click.echo(f"Basis data lama disimpan sebagai {keep}")
    backup = _sqlite_connect(dump, "ro")
    try:
        destination = sqlite3.connect(target)
        try:
            backup.backup(destination)
            destination.execute("PRAGMA journal_mode=WAL")
            problems = destination.execute("PRAGMA quick_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"Basis data hasil pemulihan tidak utuh: {problems[:5]}")
        finally:
            destination.close()
    finally:
        backup.close()
    os.chmod(target, 0o600)


def _restore_postgresql(dump: Path, url: URL, force: bool) -> None:
    pg_restore = _executable("pg_restore")
    env = libpq_env(url)
    args = [pg_restore, "--no-password", "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
    if force:
        args += ["--clean", "--if-exists"]
    if not url.database:
        raise BackupError("DATABASE_URL tidak menyebut nama basis data tujuan.")
    # --dbname must be given for pg_restore to restore (without it, it prints SQL); the rest comes from env.
    args += [f"--dbname={url.database}", str(dump)]
    _run(args, env, "pg_restore")


def _check_counts(expected: Mapping[str, int]) -> int:
    """Every table holds exactly as many rows as the manifest recorded at backup time."""
    with db.engine.connect() as connection:
        schema = None
        if connection.dialect.name == "postgresql":
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
        present = set(sa.inspect(connection).get_table_names(schema=schema))
        missing = sorted(set(expected) - present)
        if missing:
            raise BackupError(f"Pemulihan tidak lengkap: tabel {', '.join(missing)} tidak ada.")
        actual = _table_counts(connection, list(expected), schema=schema)
    wrong = {name: (expected[name], actual[name]) for name in expected if actual[name] != expected[name]}
    if wrong:
        details = ", ".join(f"{name} {have} baris (seharusnya {want})" for name, (want, have) in sorted(wrong.items()))
        raise BackupError(f"Jumlah baris hasil pemulihan tidak cocok dengan cadangan: {details}")
    return len(expected)


# ------------------------------------------------------------------------------------------------ commands


def _cli_actor():
    from admin_app.security.audit import Actor

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in a container: still an entry
        who = "?"
    return Actor(user_id=None, username=f"cli:{who}"[:64], roles="baris perintah", ip_address=None)


def _audit(action: str, outcome: str, detail: dict[str, Any], *, required: bool = True) -> None:
    from admin_app.security.audit import record

    try:
        record(db.engine, _cli_actor(), action, object_type="database", outcome=outcome, detail=detail)
    except Exception:  # noqa: BLE001 - a failure is reported as such even when the trail cannot take it
        if required:
            raise
        log.exception("audit entry for a failed %s could not be written", action)


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Cadangkan seluruh basis data (termasuk dokumen dan templat) ke folder baru PATH, saat aplikasi berjalan."""
    try:
        result = create_backup(path)
    except BackupError as exc:
        _audit("backup", "failed", {"folder": str(path), "alasan": exc.message[:300]}, required=False)
        raise
    manifest = result.manifest
    _audit("backup", "ok", {"folder": str(result.path), "sha256": manifest["sha256"], "revisi": manifest["alembic_revision"]})
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Cadangan selesai: {result.path} ({manifest['dialect']}, revisi {manifest['alembic_revision']}, "
        f"{len(manifest['tables'])} tabel, {rows} baris, {manifest['size_bytes']} byte)\n"
        f"sha256 {manifest['sha256']}\n"
        "Simpan kunci enkripsi (JANGKAU_DATA_KEYS, JANGKAU_HMAC_KEY) terpisah dari cadangan: tanpa kunci itu NIK, "
        "No. KK dan telepon tidak dapat dibaca."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Jangan tanya konfirmasi.")
@click.option("--force", is_flag=True, help="Timpa basis data yang tidak kosong (yang lama disimpan untuk SQLite).")
def restore_command(path: Path, yes: bool, force: bool) -> None:
    """Pulihkan cadangan dari folder PATH ke basis data aplikasi (harus kosong, kecuali dengan --force)."""

    def confirm(manifest: dict[str, Any]) -> None:
        if not yes:
            click.confirm(
                f"Pulihkan cadangan {manifest.get('created_at')} (revisi {manifest.get('alembic_revision')}) ke "
                f"{_database_url().render_as_string(hide_password=True)}?",
                abort=True,
            )

    result = restore_backup(path, force=force, confirm=confirm)
    from admin_app.security.audit import verify_chain

    checked, problems = verify_chain(db.session)
    db.session.remove()
    if problems:
        for problem in problems[:20]:
            click.echo(f"Entri audit #{problem.event_id}: {problem.problem}", err=True)
        raise BackupError(f"Dipulihkan, tetapi log audit TIDAK UTUH: {len(problems)} masalah pada {checked} entri.")
    manifest = result.manifest
    _audit("restore", "ok", {"dari": manifest.get("created_at"), "sha256": manifest["sha256"], "paksa": force})
    click.echo(
        f"Pemulihan selesai: {result.tables_checked} tabel cocok dengan cadangan {manifest.get('created_at')}; "
        f"log audit utuh ({checked} entri)."
    )
    if result.needs_upgrade:
        click.echo("Skema cadangan lebih lama dari aplikasi: jalankan `flask --app admin_app db upgrade`.")


def iter_commands() -> Iterator[click.Command]:
    yield backup_command
    yield restore_command
