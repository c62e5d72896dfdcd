"""`/healthz` answers for the process, `/readyz` for readiness: database, the login throttle's Redis when one is
configured, the schema at the migration head. Public (a load balancer asks without logging in), 503 with the name
of the failed check, and no internals (no exception text, host, or revision) in the body."""

from __future__ import annotations

import os
import socket

import pytest
import sqlalchemy as sa

from admin_app import create_app
from admin_app.extensions import db
from tests.conftest import IsolatedClient, missing_service

INTERNALS = ("Traceback", "Error", "127.0.0.1", "sqlite", "postgres", "0010", "0011", "redis://")


def _no_internals(response) -> None:
    text = response.get_data(as_text=True)
    for word in INTERNALS:
        assert word not in text, f"{word!r} in the public /readyz body: {text}"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str:
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        missing_service(f"Redis not reachable at {url}: {exc}")
    return url


def _app(database_url: str, **settings):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, **settings})
    app.test_client_class = IsolatedClient
    return app


def test_ready_without_login_and_redis_not_needed_for_memory_storage(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok", "migrations": "ok", "redis": "not configured"}
    assert response.headers["Content-Type"].startswith("application/json")
    _no_internals(response)
    assert client.get("/healthz").status_code == 200


def test_ready_with_the_shared_redis(database_url):
    app = _app(database_url, RATELIMIT_STORAGE_URI=_redis_url())
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redis"] == "ok"


def test_not_ready_when_redis_is_configured_but_down(database_url):
    app = _app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0")
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "ok", "migrations": "ok", "redis": "unreachable"}
    _no_internals(response)


@pytest.mark.parametrize("revision, expected", [("0010", "behind"), ("9999_from_a_newer_release", "unknown revision")])
def test_not_ready_when_the_schema_is_not_at_the_migration_head(client, revision, expected):
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == expected
    assert response.get_json()["database"] == "ok"
    _no_internals(response)
    assert client.get("/healthz").status_code == 200  # the process itself is fine: no restart, an upgrade


def test_not_ready_before_the_first_migration(client):
    db.session.execute(sa.text("DROP TABLE alembic_version"))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["migrations"] == "not migrated"


def test_not_ready_when_the_database_is_unreachable():
    app = _app(f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/jangkau")
    with app.app_context():
        response = app.test_client().get("/readyz")
        assert app.test_client().get("/healthz").status_code == 503
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "unreachable", "migrations": "unknown",
                                   "redis": "not configured"}
    _no_internals(response)
