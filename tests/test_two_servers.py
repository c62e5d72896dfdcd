"""Growing past one server: two gunicorn app servers (deploy/gunicorn.conf.py) against one PostgreSQL database and
one Redis share everything a user notices. A login made on A is a session on B (the cookie is signed with the
SECRET_KEY both get from the environment, and checked against the database's session version); a letter
generated through A downloads from B (documents live in the database, not on a server's disk); the login throttle
counts failures made on both (Flask-Limiter on Redis); a notification made through A rings the bell on B (it is a
row in the database). Runs in CI (PostgreSQL and Redis are required there)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import GeneratedDocument, Letter
from tests.conftest import missing_service
from tests.helpers import CSRF_RE, http_login

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("JANGKAU_DATA_KEYS", "JANGKAU_DATA_KEY_ID", "JANGKAU_HMAC_KEY", "JANGKAU_AUDIT_KEY")

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(url: str):
    import redis

    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=2)
        connection.ping()
    except Exception as exc:  # noqa: BLE001
        missing_service(f"Redis not reachable at {url}: {exc}")
    return connection


@pytest.fixture
def two_servers(app, database_url, tmp_path):
    """Two gunicorn processes (one worker, two threads each) of the same release, as two machines behind nginx."""
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    connection = _redis(redis_url)
    prefix = f"jangkau-two-{secrets.token_hex(4)}"  # this test's throttle keys only, removed at the end
    env = {**os.environ, **{name: app.config[name] for name in KEYS}, "DATABASE_URL": database_url,
           "JANGKAU_ENV": "testing", "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": redis_url,
           "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT_ADDRESS": "3 per minute", "JANGKAU_WORKERS": "1",
           "JANGKAU_LOG_FORMAT": "json", "PYTHONPATH": str(ROOT)}
    servers = []
    for name in ("a", "b"):
        port = _free_port()
        log = (tmp_path / f"server-{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "admin_app:create_app()"],
            cwd=tmp_path, env={**env, "JANGKAU_BIND": f"127.0.0.1:{port}"}, stdout=log, stderr=subprocess.STDOUT)
        servers.append((f"http://127.0.0.1:{port}", process, log, tmp_path / f"server-{name}.log"))
    try:
        deadline = time.monotonic() + 30
        for base, process, _log, path in servers:
            while True:
                try:
                    if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn at {base} did not become ready: {path.read_text()[-2000:]}")
                time.sleep(0.2)
        yield [(base, path) for base, _p, _l, path in servers]
    finally:
        for _base, process, log, _path in servers:
            process.send_signal(signal.SIGINT)  # quick shutdown: no wait for idle keep-alive connections
        for _base, process, log, _path in servers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        for key in connection.scan_iter(match=f"{prefix}*"):
            connection.delete(key)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_app_servers_share_login_documents_notifications_and_throttle(app, two_servers, builder, team):
    from admin_app.seeding.templates import load_default_templates

    load_default_templates(db.session)
    case = builder.walk(builder.register(), 3)  # step 2 issued the Surat Tugas
    reported = builder.register()  # at step 1, petugas1's
    db.session.commit()
    letter_id = db.session.execute(sa.select(Letter.id).where(Letter.case_id == case.id)).scalars().first()
    (server_a, _log_a), (server_b, log_b) = two_servers

    # A login on A is a session on B.
    session = http_login(server_a, "kepala")
    on_b = session.get(f"{server_b}/admin/cases/details/?id={case.id}", allow_redirects=False, timeout=30)
    assert on_b.status_code == 200, (on_b.status_code, on_b.headers.get("Location"))
    assert case.case_number in on_b.text

    # A letter generated through A downloads from B.
    token = CSRF_RE.search(on_b.text)  # a form token made by B is accepted by A: same secret
    made = session.post(f"{server_a}/admin/dokumen/buat/{case.id}/surat_tugas",
                        data={"csrf_token": token.group(1) or token.group(2), "letter_id": str(letter_id)},
                        allow_redirects=False, timeout=60)
    assert made.status_code == 302
    db.session.rollback()
    document = db.session.execute(sa.select(GeneratedDocument).where(
        GeneratedDocument.case_id == case.id, GeneratedDocument.doc_type == "surat_tugas")).scalar_one()
    downloaded = session.get(f"{server_b}/admin/dokumen/{document.id}/unduh.docx", timeout=30)
    assert downloaded.status_code == 200
    assert downloaded.content == document.content and downloaded.content[:2] == b"PK"

    # A notification made on A (petugas1 submits step 1 there) rings the head's bell on B.
    before = session.get(f"{server_b}/pemberitahuan/jumlah", timeout=30).json()["unread"]
    officer = http_login(server_a, "petugas1")
    form = CSRF_RE.search(officer.get(f"{server_a}/admin/cases/details/?id={reported.id}", timeout=30).text)
    submitted = officer.post(f"{server_a}/admin/cases/langkah/{reported.id}/submit_information",
                             data={"csrf_token": form.group(1) or form.group(2), "note": "Mohon instruksi."},
                             allow_redirects=False, timeout=30)
    assert submitted.status_code == 302, submitted.text[:500]
    assert session.get(f"{server_b}/pemberitahuan/jumlah", timeout=30).json() == {"unread": before + 1}
    assert f"Kasus {reported.case_number} menunggu Anda di langkah 2" in \
        session.get(f"{server_b}/pemberitahuan/", timeout=30).text

    # Logging out on B ends the session on A too (the session version is in the database).
    logout_token = CSRF_RE.search(session.get(f"{server_b}/admin/", timeout=30).text)
    session.post(f"{server_b}/logout", data={"csrf_token": logout_token.group(1) or logout_token.group(2)}, timeout=30)
    assert session.get(f"{server_a}/admin/", allow_redirects=False, timeout=30).status_code == 302

    # The throttle (3 failures a minute from one address) counts failures on both servers together.
    def fail(base: str) -> int:
        attempt = requests.Session()
        page = attempt.get(f"{base}/login", timeout=30).text
        match = CSRF_RE.search(page)
        return attempt.post(f"{base}/login", data={"username": "petugas1", "password": "salah-kata-sandi-1",
                                                    "csrf_token": match.group(1) or match.group(2)},
                            allow_redirects=False, timeout=30).status_code

    assert [fail(server_a), fail(server_b), fail(server_a)] == [401, 401, 401]
    assert fail(server_b) == 429
    assert fail(server_a) == 429

    # Each server logs JSON lines (gunicorn's own too) with the request id it echoed, and no victim's name.
    echoed = requests.get(f"{server_b}/healthz", timeout=10).headers["X-Request-ID"]
    time.sleep(0.3)
    assert echoed in log_b.read_text()
    names = [victim.full_name for victim in case.victims]
    assert names
    for _base, path in two_servers:
        text = path.read_text()
        lines = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
        assert any(line["logger"] == "gunicorn.error" for line in lines)
        assert any(line["logger"] == "jangkau.access" and line.get("user_id") for line in lines)
        for name in names:
            assert name not in text
