"""Fixtures: every test gets a fresh database built by the migrations and loaded with the reference data, on
SQLite and on PostgreSQL (each database-backed test runs once per backend).

PostgreSQL comes from TEST_DATABASE_URL (default: the local server). When it cannot be reached the PostgreSQL
runs are skipped, unless JANGKAU_REQUIRE_SERVICES=1 (set by CI), which turns that skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from admin_app import create_app
from admin_app.extensions import db
from tests.helpers import login

REQUIRE_SERVICES = os.environ.get("JANGKAU_REQUIRE_SERVICES") == "1"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/jangkau_test"
_counter = itertools.count()


def missing_service(what: str) -> None:
    """Skip for a missing service on a laptop; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} (JANGKAU_REQUIRE_SERVICES=1: missing services fail instead of skipping)")
    pytest.skip(what)


def pg_base_url() -> sa.engine.URL:
    url = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL))
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _pg_admin_engine():
    return sa.create_engine(pg_base_url().set(database="postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def build_schema(url: str) -> None:
    """Migrate an empty database to head and load the reference data, exactly as `make run` does."""
    from flask_migrate import upgrade

    from admin_app.seeding.reference import load_reference_data

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_reference_data(db.session)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    build_schema(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template():
    base = pg_base_url()
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        return exc
    template = f"{base.database}_tpl_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
    build_schema(base.set(database=template).render_as_string(hide_password=False))
    yield template
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    admin.dispose()


class _PgDatabases:
    """Fresh PostgreSQL databases copied from the template, one made ahead in a background thread.

    `CREATE DATABASE ... TEMPLATE` costs about a second here (it copies and syncs every file of the template);
    made while the previous test runs, a test no longer waits for its own. Each test still gets a database of
    its own, copied from the migrated template and never used before, and its database is dropped after it.
    """

    def __init__(self, template: str):
        from concurrent.futures import ThreadPoolExecutor

        self.template = template
        self.admin = _pg_admin_engine()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jangkau-pg-template")
        self.next = None

    def _create(self) -> str:
        name = f"{pg_base_url().database}_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return name

    def _drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def take(self) -> str:
        """A new database for one test (the one made ahead, if any), and start making the next."""
        name = self.next.result() if self.next is not None else self._create()
        self.next = self.worker.submit(self._create)
        return name

    def give_back(self, name: str) -> None:
        self.worker.submit(self._drop, name)

    def close(self) -> None:
        if self.next is not None:
            try:
                self.worker.submit(self._drop, self.next.result())
            except Exception:  # noqa: BLE001 - the database made ahead failed: nothing to drop
                pass
        self.worker.shutdown(wait=True)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases(request):
    template = request.getfixturevalue("pg_template")
    if isinstance(template, Exception):
        yield template
        return
    pool = _PgDatabases(template)
    yield pool
    pool.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, migrated, reference-loaded database for one test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    pool = request.getfixturevalue("pg_databases")
    if isinstance(pool, Exception):
        missing_service(f"PostgreSQL not reachable at {pg_base_url().render_as_string()}: {pool}")
    name = pool.take()
    yield pg_base_url().set(database=name).render_as_string(hide_password=False)
    pool.give_back(name)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production (own `g`, own database session).

    The test body keeps its own app context and session; it is committed before a request (so the request sees
    the test's data) and after it (so the test then reads what the request wrote, not a stale identity map).
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()
        return response


@pytest.fixture
def app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PASSWORD_HASH_FAST": True,
            "RAISE_UNEXPECTED_VIEW_ERRORS": True,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user with roles: make_user("petugas1", "petugas", full_name=..., nip=...)."""
    from admin_app.models import Role, User
    from admin_app.security.passwords import hash_password

    def _make(username: str, *roles: str, password: str = "kata-sandi-uji-123", **fields):
        role_rows = db.session.execute(sa.select(Role).where(Role.code.in_(roles))).scalars().all()
        fields.setdefault("full_name", username.title())
        user = User(username=username, password_hash=hash_password(password, fast=True), roles=role_rows, **fields)
        db.session.add(user)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user with the given roles; returns the user."""

    def _login(username: str, *roles: str, **fields):
        user = make_user(username, *roles, **fields)
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


@pytest.fixture
def team(app, make_user):
    """The unit's staff: a head, two officers, an administrator (with staff data for letters)."""
    from tests.factories import Team

    kepala = make_user("kepala", "kepala", full_name="Dra. Siti Nurjanah, M.Si.", nip="197205141998032004",
                       rank="Pembina (IV/a)", position="Kepala UPTD PPA Kota Tangerang")
    p1 = make_user("petugas1", "petugas", full_name="Rina Marlina, S.Psi.", nip="198609262015052001", rank="Penata (III/c)")
    p2 = make_user("petugas2", "petugas", full_name="Dedi Kurniawan, S.Sos.")
    adm = make_user("administrasi", "administrasi", full_name="Yuliana Putri, A.Md.")
    return Team(kepala=kepala, officers=[p1, p2], administrasi=adm)


@pytest.fixture
def clock():
    """A clock set on a Monday morning in Jakarta (03:00 UTC), moved by the tests."""
    import datetime as dt

    from tests.factories import MovableClock

    return MovableClock(dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def builder(app, team, clock):
    """Builds complete cases and moves them through the SOP with the real engine."""
    from tests.factories import CaseBuilder

    team.officers = team.officers[:1]
    return CaseBuilder(db.session, team, clock)


# --- live server --------------------------------------------------------------------------------------------


@pytest.fixture
def live_server(app):
    """Serve the test's app on a free port of 127.0.0.1; yields the base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="jangkau-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the log as production writes it ----------------------------------------------------------------------------


@pytest.fixture
def json_log(app):
    """Everything logged during the test (the live server's thread too), as the JSON lines production writes."""
    import io
    import logging

    from admin_app import logs

    stream = io.StringIO()
    handler = logs.make_handler(stream, "json")
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


# --- notification channels: a real SMTP server and a webhook receiver on loopback ----------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _collecting_smtp_handler():
    import email
    import email.policy

    class Collect:
        def __init__(self):
            self.messages = []
            self.encrypted = []  # per message: whether it came over TLS
            self.logins = []  # per message: the SMTP login used, if any

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            # STARTTLS sets session.ssl; an implicit-TLS connection shows in its transport
            self.encrypted.append(session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None)
            self.logins.append(session.auth_data.login.decode() if session.auth_data else None)
            self.messages.append((envelope.rcpt_tos, f"{parsed['Subject']}\n{parsed.get_content()}"))
            return "250 OK"

    return Collect()


@pytest.fixture
def smtp_server():
    """aiosmtpd on 127.0.0.1 in plain SMTP: (controller, handler); `handler.messages` is [(rcpt_tos, text)].
    The TLS variants are in tests/test_notify_delivery.py."""
    from aiosmtpd.controller import Controller

    handler = _collecting_smtp_handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture
def receiver():
    """A local HTTP receiver for the WhatsApp gateway's webhook: (url, [(headers, body)], {"code": status})."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got = []
    status = {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((dict(self.headers), body))
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/kirim", got, status
    finally:
        server.shutdown()
        server.server_close()
