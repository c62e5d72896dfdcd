"""Is this app server ready for traffic? The checks behind `/readyz` (the load balancer's question).

`/healthz` only says the process answers and reaches its database. Ready means more: the database answers,
the shared Redis of the login throttle answers (when one is configured: `memory://` needs none), and the schema
is at the migration head this code was written for (a server started before `flask db upgrade`, or against a
database a release behind, must not take requests). Each check answers a word, never an exception text, a host
name or a revision: the body of `/readyz` is public.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

log = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://", "unix://")


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(value in ("ok", "not configured") for value in self.checks.values())


def migration_revisions(migrations_dir: Path) -> tuple[set[str], set[str]]:
    """The head revision(s) of the migration scripts shipped with this code, and every revision they know."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    scripts = ScriptDirectory.from_config(config)
    return set(scripts.get_heads()), {script.revision for script in scripts.walk_revisions()}


def check_database(connection: sa.Connection) -> str:
    connection.execute(sa.text("SELECT 1"))
    return "ok"


def check_migrations(connection: sa.Connection, heads: set[str], known: set[str]) -> str:
    """"ok" at the head; "behind" when the database needs `flask db upgrade`; "unknown revision" when it was
    migrated by newer code than this server runs (or by another application)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return "not migrated"
    current = set(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    if current == heads:
        return "ok"
    if not current:
        return "not migrated"
    return "behind" if current <= known else "unknown revision"


def check_redis(storage_uri: str | None, timeout: float = 2.0) -> str:
    if not storage_uri or not storage_uri.startswith(REDIS_SCHEMES):
        return "not configured"
    import redis

    client = redis.Redis.from_url(storage_uri, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def readiness(engine: sa.Engine, migrations_dir: Path, storage_uri: str | None) -> Readiness:
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            checks["database"] = check_database(connection)
            try:
                checks["migrations"] = check_migrations(connection, *migration_revisions(migrations_dir))
            except Exception:  # noqa: BLE001 - details to the log only; the public body says a word
                log.exception("readiness: migration check failed")
                checks["migrations"] = "unknown"
    except Exception:  # noqa: BLE001
        log.exception("readiness: database unreachable")
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    try:
        checks["redis"] = check_redis(storage_uri)
    except Exception:  # noqa: BLE001
        log.exception("readiness: redis unreachable")
        checks["redis"] = "unreachable"
    return Readiness(checks)
