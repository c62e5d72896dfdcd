"""Flask extensions, created once here and bound to the app in `create_app`."""

from __future__ import annotations

import contextvars

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from admin_app.models.base import Base

# Our models subclass `Base` directly (plain SQLAlchemy, usable without Flask); Flask-SQLAlchemy shares its metadata.
db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

# True while the current unit of work intends to write (a POST request, a CLI command). SQLite then starts its
# transaction with BEGIN IMMEDIATE, so a write after a read cannot fail with "database is locked".
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def configure_postgresql(engine: Engine, random_page_cost: float) -> None:
    """The planner's cost of a random page read, per connection (JANGKAU_PG_RANDOM_PAGE_COST, default 1.1: the
    usual setting for SSD storage; PostgreSQL's own default, 4, is for spinning disks). At 4 the planner reads the
    whole victims table for a part of a name rather than its trigram index: 88 ms against 14 ms at 100k cases,
    growing with the archive. A server configured otherwise keeps its setting when this is set to 0."""
    if engine.dialect.name != "postgresql" or not random_page_cost or getattr(engine, "_jangkau_postgresql", False):
        return
    engine._jangkau_postgresql = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised through every PostgreSQL test
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET random_page_cost = {float(random_page_cost)!r}")
        dbapi_connection.commit()


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Foreign keys on, WAL journal, a busy timeout, and transactions we begin ourselves."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_jangkau_sqlite", False):
        return
    engine._jangkau_sqlite = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised through every test
        # Take transaction control away from the driver so BEGIN is ours (and SAVEPOINT works).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # WAL cannot be switched inside a transaction: here no transaction is open yet.
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - exercised through every test
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
