"""Login hardening through the real screens: throttling per address and per account (Flask-Limiter, memory and
Redis storage), a lockout kept in the database, the password policy everywhere a password is set, one-time
passwords from the sysadmin, the user's own password change, two-factor login with TOTP and recovery codes,
2FA required for kepala and sysadmin when the setting is on; every failure in the audit trail."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time

import pyotp
import pytest
import sqlalchemy as sa

from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import AuditEvent, Role, User, utcnow
from admin_app.models.users import RecoveryCode
from admin_app.security.passwords import MSG_COMMON, MSG_TOO_LONG, MSG_TOO_SHORT, password_problem
from admin_app.views.auth import CODE_FAILED, LOGIN_FAILED, OLD_PASSWORD_WRONG, PASSWORD_CHANGED
from tests.conftest import IsolatedClient, missing_service
from tests.helpers import csrf_token, form_tokens, login, page_messages

PASSWORD = "kata-sandi-uji-123"
NEW_PASSWORD = "kuda merah berlari di pagi hari"


def events(action: str | None = None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.session.execute(stmt).scalars().all()


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def post_code(client, code: str):
    return client.post("/login", data={"code": code, "csrf_token": csrf_token(client, "/login")})


def enrol(client) -> tuple[str, list[str]]:
    """Enrol the logged-in user through /akun/2fa; returns the secret and the recovery codes shown once."""
    page = client.get("/akun/2fa").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([^<]+)<', page).group(1).replace(" ", "")
    token = csrf_token(client, "/akun/2fa")
    response = client.post("/akun/2fa", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.status_code == 200, page_messages(response)
    codes = re.findall(r"<li><code[^>]*>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    return secret, codes


def next_code(secret: str) -> str:
    # The enrolment (or a previous login) used the current time step; a code is good once, so take the next step's
    # code, which is still inside the accepted drift window.
    return pyotp.TOTP(secret).at(time.time() + 30)


def logout(client):
    # Logged in: any page of one's own account carries a token; waiting for the second step: the login page.
    path = "/akun/kata-sandi" if client.get("/akun/kata-sandi").status_code == 200 else "/login"
    return client.post("/logout", data={"csrf_token": csrf_token(client, path)})


# --- password policy ---

@pytest.mark.parametrize(
    "password",
    ["kata-sandi-uji-123", "kuda merah berlari di pagi hari", "Pelangi_di-Cisadane 7", "ĉiu tago estas bela", "x" * 4 + "abcdefghij"[::3] + "-Zq19",
     "a" * 3 + "b7c!d9e@f" + "z" * 116],
)
def test_policy_accepts_long_passwords_without_composition_rules(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password, message",
    [
        ("pendek-11ch", MSG_TOO_SHORT),
        ("x" * 129, MSG_TOO_LONG),
        ("indonesia123", MSG_COMMON),
        ("bismillah123", MSG_COMMON),
        ("sayangkamu123", MSG_COMMON),
        ("Bismillah2025!", MSG_COMMON),
        ("aku sayang kamu", MSG_COMMON),
        ("password1234", MSG_COMMON),
        ("qwertyuiop123", MSG_COMMON),
        ("123456789012", MSG_COMMON),
        ("aaaaaaaaaaaaaa", MSG_COMMON),
        ("abcabcabcabc", MSG_COMMON),
    ],
)
def test_policy_refuses_short_long_and_common_passwords(password, message):
    assert password_problem(password) == message


def test_policy_refuses_the_username_and_the_service_name():
    assert password_problem("yuliana99yuliana", username="yuliana") is None  # a longer word is fine
    assert password_problem("yuliana-2025-!!", username="yuliana") is not None
    assert password_problem("Jangkau2026!!!") is not None


def test_common_password_list_is_shipped_and_large():
    from admin_app.security.passwords import common_passwords

    words = common_passwords()
    assert len(words) > 5000
    assert {"indonesia123", "bismillah", "sayangkamu", "password", "123456"} <= words


# --- lockout in the database ---

def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user("rina", "petugas")
    for attempt in range(5):
        response = login(client, "rina", "salah-sandi-123")
        assert response.status_code == 401
        assert LOGIN_FAILED in response.get_data(as_text=True)
    user = reload(user)
    assert user.failed_login_count == 5
    assert user.locked_until > utcnow() + dt.timedelta(minutes=14)
    # The right password now gets exactly the refusal a wrong one gets: nothing tells an attacker it was right.
    right = login(client, "rina", PASSWORD)
    unknown = login(client, "tidakada", PASSWORD)
    assert right.status_code == unknown.status_code == 401
    assert page_messages(right) == page_messages(unknown) == [LOGIN_FAILED]
    assert client.get("/admin/").status_code == 302
    failed = events("login_failed")
    assert [e.detail["alasan"] for e in failed] == ["kata sandi salah"] * 5 + [
        "akun sedang dikunci sementara", "nama pengguna tidak dikenal"]
    locked = events("locked")
    assert len(locked) == 1 and locked[0].object_id == str(user.id) and locked[0].detail["dikunci_menit"] == 15


def test_login_page_names_the_lockout_rule(client):
    text = client.get("/login").get_data(as_text=True)
    assert "5 kali gagal berturut-turut" in text and "15 menit" in text


def test_lockout_ends_and_the_owner_is_told_of_the_failures(client, make_user):
    user = make_user("rina", "petugas")
    for _ in range(5):
        login(client, "rina", "salah-sandi-123")
    db.session.execute(sa.update(User).where(User.id == user.id).values(locked_until=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    response = login(client, "rina")
    assert response.status_code == 302
    home = client.get("/admin/").get_data(as_text=True)
    assert "ada 5 percobaan masuk yang gagal" in home
    user = reload(user)
    assert user.failed_login_count == 0 and user.locked_until is None


def test_lockout_settings_are_read_from_config(app, client, make_user):
    app.config["LOGIN_LOCKOUT_THRESHOLD"] = 2
    app.config["LOGIN_LOCKOUT_MINUTES"] = 60
    user = make_user("rina", "petugas")
    login(client, "rina", "salah-sandi-123")
    assert reload(user).locked_until is None
    login(client, "rina", "salah-sandi-123")
    assert reload(user).locked_until > utcnow() + dt.timedelta(minutes=59)


def test_lockout_holds_on_another_app_server(app, client, database_url, make_user):
    make_user("rina", "petugas")
    for _ in range(5):
        login(client, "rina", "salah-sandi-123")
    other_server = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_FAST": True})
    other_server.test_client_class = IsolatedClient
    other = other_server.test_client()
    assert login(other, "rina").status_code == 401
    assert other.get("/admin/").status_code == 302
    with other_server.app_context():
        db.engine.dispose()


def test_sysadmin_unlocks_an_account(app, client, make_user):
    user = make_user("rina", "petugas")
    victim_client = app.test_client()
    for _ in range(5):
        login(victim_client, "rina", "salah-sandi-123")
    make_user("root", "sysadmin")
    login(client, "root")
    token = csrf_token(client, "/admin/users/")
    assert "Dikunci sampai" in client.get("/admin/users/").get_data(as_text=True)
    response = client.post("/admin/users/action/", data={"csrf_token": token, "action": "unlock", "rowid": [str(user.id)]})
    assert response.status_code == 302
    assert reload(user).locked_until is None
    assert login(victim_client, "rina").status_code == 302
    assert any(e.detail == {"tindakan": "buka kunci akun"} for e in events("user_change"))


# --- throttling with Flask-Limiter (memory storage in tests) ---

def test_throttle_per_address_counts_only_failures(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT_ADDRESS"] = "3 per minute"
    make_user("rina", "petugas")
    for _ in range(4):  # successful logins use up nothing
        assert login(client, "rina").status_code == 302
        logout(client)
    for name in ("a-satu", "b-dua", "c-tiga"):
        assert login(client, name, "salah-sandi-123").status_code == 401
    response = login(client, "rina")  # even the right password: this address is throttled
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in text and "Tunggu sebentar" in text
    assert client.get("/admin/").status_code == 302
    refused = [e for e in events("login_failed") if e.outcome == "refused"]
    assert refused and "dibatasi" in refused[0].detail["alasan"] and refused[0].username == "rina"
    # Another address is not affected.
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    assert login(elsewhere, "rina").status_code == 302


def test_throttle_per_account_across_addresses(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT_ACCOUNT"] = "3 per minute"
    app.config["LOGIN_LOCKOUT_THRESHOLD"] = 100  # isolate the throttle from the lockout
    make_user("rina", "petugas")
    make_user("dedi", "petugas")
    for i in range(3):
        attacker = app.test_client()
        attacker.environ_base["REMOTE_ADDR"] = f"127.0.1.{i + 1}"
        assert login(attacker, "rina", "salah-sandi-123").status_code == 401
    fourth = app.test_client()
    fourth.environ_base["REMOTE_ADDR"] = "127.0.1.9"
    assert login(fourth, "RINA", PASSWORD).status_code == 429  # the account, whatever the address or case
    assert login(fourth, "dedi").status_code == 302  # other accounts are not affected


def test_throttle_is_shared_through_redis(database_url, make_user):
    """Two app servers (two app objects, or one restarted) count in the same Redis: the throttle holds."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=2)
        connection.ping()
    except Exception as exc:  # noqa: BLE001
        missing_service(f"Redis not reachable at {url}: {exc}")
    make_user("rina", "petugas")
    address = f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    tag = secrets.token_hex(4)  # this run's keys only: found and removed at the end
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_FAST": True,
                "RATELIMIT_STORAGE_URI": url, "LOGIN_RATE_LIMIT_ADDRESS": "2 per minute"}
    servers = []
    try:
        for _ in range(2):
            server = create_app(settings)
            server.test_client_class = IsolatedClient
            servers.append(server)
        first = servers[0].test_client()
        first.environ_base["REMOTE_ADDR"] = address
        assert login(first, f"x-{tag}-1", "salah-sandi-123").status_code == 401
        assert login(first, f"x-{tag}-2", "salah-sandi-123").status_code == 401
        assert any(address in key.decode() for key in connection.scan_iter(match="*", count=1000)), "not in Redis"
        second = servers[1].test_client()  # set up after the first: a fresh process would start the same way
        second.environ_base["REMOTE_ADDR"] = address
        assert login(second, "rina").status_code == 429
    finally:
        for key in connection.scan_iter(match="*"):
            if address in key.decode() or tag in key.decode():
                connection.delete(key)
        for server in servers:
            with server.app_context():
                db.engine.dispose()


# --- one-time password from the sysadmin, change of one's own password ---

def _sysadmin_sets_password(admin_client, user: User, password: str):
    petugas = db.session.execute(sa.select(Role).where(Role.code == "petugas")).scalar_one()
    url = f"/admin/users/edit/?id={user.id}"
    return admin_client.post(url, data={
        **form_tokens(admin_client, url), "username": user.username, "new_password": password, "full_name": user.full_name,
        "is_active_account": "y", "roles": [str(petugas.id)],
    })


def test_sysadmin_issues_a_one_time_password_that_must_be_changed(app, client, make_user):
    user = make_user("rina", "petugas")
    admin = app.test_client()
    make_user("root", "sysadmin")
    login(admin, "root")
    refused = _sysadmin_sets_password(admin, user, "bismillah12345")
    assert refused.status_code == 200 and MSG_COMMON in refused.get_data(as_text=True)
    assert reload(user).must_change_password is False
    response = _sysadmin_sets_password(admin, user, "sementara-rina-4821")
    assert response.status_code == 302, page_messages(response)
    assert reload(user).must_change_password is True
    assert any("sementara" in e.detail.get("tindakan", "") for e in events("password_changed"))

    assert login(client, "rina", "sementara-rina-4821").status_code == 302
    for url in ("/admin/", "/admin/cases/", "/akun/2fa", "/admin/users/"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.endswith("/akun/kata-sandi"), url
    page = client.get("/akun/kata-sandi")
    assert page.status_code == 200 and "kata sandi sementara" in page.get_data(as_text=True)
    assert client.get("/static/jangkau.css").status_code == 200
    token = csrf_token(client, "/akun/kata-sandi")
    response = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "old_password": "sementara-rina-4821", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert reload(user).must_change_password is False
    assert client.get("/admin/").status_code == 200


def test_user_changes_own_password_and_other_sessions_end(app, client, make_user):
    user = make_user("rina", "petugas")
    other_device = app.test_client()
    clock = {"now": 1_800_000_000.0}
    app.config["CLOCK"] = lambda: clock["now"]  # the injected session clock
    login(other_device, "rina")
    login(client, "rina")
    version = reload(user).session_version
    clock["now"] = changed_at = clock["now"] + 600
    token = csrf_token(client, "/akun/kata-sandi")
    response = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    home = client.get("/admin/")
    assert home.status_code == 200 and PASSWORD_CHANGED in home.get_data(as_text=True)
    assert other_device.get("/admin/").status_code == 302
    user = reload(user)
    assert user.session_version == version + 1 and user.password_changed_at is not None
    with client.session_transaction() as session:
        assert session["login_at"] == changed_at  # a fresh session, started at the change
    logout(client)
    assert login(client, "rina", PASSWORD).status_code == 401
    assert login(client, "rina", NEW_PASSWORD).status_code == 302
    assert events("password_changed")[-1].outcome == "ok"


@pytest.mark.parametrize(
    "old, new, confirm, message, status",
    [
        ("salah-sandi-lama-1", NEW_PASSWORD, NEW_PASSWORD, OLD_PASSWORD_WRONG, 401),
        (PASSWORD, PASSWORD, PASSWORD, "harus berbeda", 400),
        (PASSWORD, "sayangkamu123", "sayangkamu123", MSG_COMMON, 400),
        (PASSWORD, "pendek", "pendek", MSG_TOO_SHORT, 400),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "tidak sama", 400),
    ],
)
def test_password_change_refusals_change_nothing(client, make_user, old, new, confirm, message, status):
    user = make_user("rina", "petugas")
    login(client, "rina")
    before = reload(user).password_hash
    token = csrf_token(client, "/akun/kata-sandi")
    response = client.post("/akun/kata-sandi", data={"csrf_token": token, "old_password": old, "new_password": new, "confirm": confirm})
    assert response.status_code == status
    assert any(message in m for m in page_messages(response)), page_messages(response)
    assert reload(user).password_hash == before
    assert client.get("/admin/").status_code == 200  # the session goes on


def test_password_change_needs_csrf_and_is_throttled(app, client, make_user):
    app.config["PASSWORD_CHANGE_RATE_LIMIT"] = "2 per minute"
    make_user("rina", "petugas")
    login(client, "rina")
    no_token = client.post("/akun/kata-sandi", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert no_token.status_code == 400
    for _ in range(2):
        token = csrf_token(client, "/akun/kata-sandi")
        data = {"csrf_token": token, "old_password": "tebakan-sandi-lama", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        assert client.post("/akun/kata-sandi", data=data).status_code == 401
    token = csrf_token(client, "/akun/kata-sandi")
    data = {"csrf_token": token, "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/akun/kata-sandi", data=data).status_code == 429
    assert [e.outcome for e in events("password_changed")] == ["failed", "failed", "refused"]


def test_create_user_command_applies_the_policy(app, runner, monkeypatch):
    import admin_app.cli

    answers = iter(["bismillah12345", "bismillah12345"])
    monkeypatch.setattr(admin_app.cli.getpass, "getpass", lambda prompt="": next(answers))
    result = runner.invoke(args=["create-user", "sri", "--full-name", "Sri", "--role", "petugas"])
    assert result.exit_code != 0 and MSG_COMMON in result.output
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    result = runner.invoke(args=["create-user", "sri", "--full-name", "Sri", "--role", "petugas"])
    assert result.exit_code == 0, result.output


# --- two-factor login ---

def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_valid_code(client, make_user):
    user = make_user("rina", "petugas")
    login(client, "rina")
    page = client.get("/akun/2fa").get_data(as_text=True)
    assert "<svg" in page and 'id="totp-qr"' in page
    secret = re.search(r'id="totp-secret">([^<]+)<', page).group(1).replace(" ", "")
    assert len(secret) == 32 and reload(user).totp_secret == secret and not reload(user).two_factor_enabled
    assert client.get("/akun/2fa").get_data(as_text=True).count(" ".join(secret[i:i + 4] for i in range(0, 32, 4))) == 1
    token = csrf_token(client, "/akun/2fa")
    wrong = client.post("/akun/2fa", data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111", "csrf_token": token})
    assert wrong.status_code == 400 and CODE_FAILED in wrong.get_data(as_text=True)
    assert not reload(user).two_factor_enabled
    assert events("2fa_failed")[-1].outcome == "failed"
    _, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert reload(user).two_factor_enabled
    hashes = db.session.execute(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).scalars().all()
    assert len(hashes) == 10 and all(h.startswith("$argon2") for h in hashes)
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert events("2fa_enrolled")[-1].object_id == str(user.id)
    # Shown once: the status page tells how many are left, never the codes.
    status = client.get("/akun/2fa").get_data(as_text=True)
    assert not any(code in status for code in codes) and 'id="recovery-remaining">10<' in status


def test_login_takes_two_steps_when_enrolled(client, make_user):
    make_user("rina", "petugas", full_name="Rina Marlina")
    login(client, "rina")
    secret, _ = enrol(client)
    logout(client)
    response = login(client, "rina", next_url="/admin/cases/")
    assert response.status_code == 302 and response.location.endswith("/login")
    # The password alone does not authenticate the session.
    assert client.get("/admin/").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert "Kode verifikasi" in page and 'name="password"' not in page
    wrong = post_code(client, "123456" if next_code(secret) != "123456" else "654321")
    assert wrong.status_code == 401 and CODE_FAILED in wrong.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    code = next_code(secret)
    response = post_code(client, code)
    assert response.status_code == 302 and response.location.endswith("/admin/cases/")
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        assert "pending_2fa" not in session and session["login_at"]
    assert events("2fa_failed")[-1].detail["alasan"].startswith("kode aplikasi autentikator salah")
    assert events("login")[-1].detail == {"faktor_kedua": "kode aplikasi autentikator"}
    # The same code cannot be used again (replay within its 30 seconds).
    logout(client)
    login(client, "rina")
    assert post_code(client, code).status_code == 401
    assert client.get("/admin/").status_code == 302


def test_recovery_code_works_once(client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    _, codes = enrol(client)
    logout(client)
    login(client, "rina")
    response = post_code(client, codes[3].upper().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    assert "Sisa kode pemulihan: 9" in client.get("/admin/").get_data(as_text=True)
    logout(client)
    login(client, "rina")
    assert post_code(client, codes[3]).status_code == 401
    assert events("login")[-1].detail == {"faktor_kedua": "kode pemulihan"}


def test_wrong_codes_count_towards_the_lockout(client, make_user):
    user = make_user("rina", "petugas")
    login(client, "rina")
    secret, _ = enrol(client)
    logout(client)
    login(client, "rina")
    for _ in range(4):
        assert post_code(client, "zzzzz-zzzzz").status_code == 401
    last = post_code(client, "zzzzz-zzzzy")
    assert last.status_code == 401 and LOGIN_FAILED in last.get_data(as_text=True)  # back to the password step
    assert reload(user).locked_until is not None
    assert len(events("2fa_failed")) == 5 and len(events("locked")) == 1
    assert login(client, "rina").status_code == 401  # locked, even with the right password


def test_pending_second_step_expires(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    secret, _ = enrol(client)
    logout(client)
    login(client, "rina")
    with client.session_transaction() as session:
        session["pending_2fa"]["at"] = time.time() - app.config["TWO_FACTOR_PENDING_SECONDS"] - 1
        session.modified = True
    response = post_code(client, next_code(secret))
    assert response.status_code in (302, 401)
    assert client.get("/admin/").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' in page


def test_cancelling_the_second_step(client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    enrol(client)
    logout(client)
    login(client, "rina")
    page = client.get("/login").get_data(as_text=True)
    assert 'name="batal"' in page and "Batal" in page
    assert client.post("/login", data={"batal": "1"}).status_code == 400  # CSRF token required
    assert 'name="code"' in client.get("/login").get_data(as_text=True)
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"csrf_token": token, "batal": "1"}).status_code == 302
    assert 'name="password"' in client.get("/login").get_data(as_text=True)


def test_two_factor_required_for_kepala_and_sysadmin_when_enabled(app, client, make_user):
    assert app.config["REQUIRE_2FA_ROLES_ENABLED"] is False  # off in testing (and development, demo)
    app.config["REQUIRE_2FA_ROLES_ENABLED"] = True
    make_user("kepala", "kepala")
    login(client, "kepala")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location.endswith("/akun/2fa")
    page = client.get("/akun/2fa").get_data(as_text=True)
    assert "wajib memakai verifikasi dua langkah" in page and "Nanti saja" not in page
    assert client.get("/akun/kata-sandi").status_code == 200  # allowed while enrolling
    enrol(client)
    assert client.get("/admin/").status_code == 200
    # Cannot be switched off while the role requires it.
    token = csrf_token(client, "/akun/2fa")
    assert client.post("/akun/2fa/nonaktifkan", data={"csrf_token": token, "matikan-password": PASSWORD}).status_code == 403
    # Other roles stay optional.
    petugas = app.test_client()
    make_user("rina", "petugas")
    login(petugas, "rina")
    assert petugas.get("/admin/").status_code == 200


def test_two_factor_required_by_default_in_production(monkeypatch, tmp_path):
    from admin_app.config import build_config

    monkeypatch.delenv("REQUIRE_2FA_ROLES_ENABLED", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    production = build_config(str(tmp_path), {"ENVIRONMENT": "production", "JANGKAU_DATA_KEYS": "k1:" + "A" * 44,
                                              "JANGKAU_DATA_KEY_ID": "k1", "JANGKAU_HMAC_KEY": "B" * 44,
                                              "JANGKAU_AUDIT_KEY": "C" * 44})
    assert production["REQUIRE_2FA_ROLES_ENABLED"] is True
    assert set(production["REQUIRE_2FA_ROLES"]) == {"kepala", "sysadmin"}
    assert build_config(str(tmp_path), {"ENVIRONMENT": "development"})["REQUIRE_2FA_ROLES_ENABLED"] is False
    monkeypatch.setenv("REQUIRE_2FA_ROLES_ENABLED", "0")
    assert build_config(str(tmp_path), {"ENVIRONMENT": "production", "JANGKAU_DATA_KEYS": "k1:" + "A" * 44,
                                        "JANGKAU_DATA_KEY_ID": "k1", "JANGKAU_HMAC_KEY": "B" * 44,
                                              "JANGKAU_AUDIT_KEY": "C" * 44})["REQUIRE_2FA_ROLES_ENABLED"] is False


def test_user_disables_two_factor_with_password(client, make_user):
    user = make_user("rina", "petugas")
    login(client, "rina")
    enrol(client)
    token = csrf_token(client, "/akun/2fa")
    wrong = client.post("/akun/2fa/nonaktifkan", data={"csrf_token": token, "matikan-password": "bukan-sandinya-1"})
    assert wrong.status_code == 400 and reload(user).two_factor_enabled
    response = client.post("/akun/2fa/nonaktifkan", data={"csrf_token": token, "matikan-password": PASSWORD})
    assert response.status_code == 302 and not reload(user).two_factor_enabled
    assert db.session.execute(sa.select(sa.func.count()).select_from(RecoveryCode)).scalar_one() == 0
    assert events("2fa_disabled")


def test_regenerating_recovery_codes_replaces_the_old_ones(client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    _, old_codes = enrol(client)
    token = csrf_token(client, "/akun/2fa")
    response = client.post("/akun/2fa/kode-pemulihan", data={"csrf_token": token, "ulang-password": PASSWORD})
    new_codes = re.findall(r"<li><code[^>]*>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    assert response.status_code == 200 and len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    logout(client)
    login(client, "rina")
    assert post_code(client, old_codes[0]).status_code == 401
    assert post_code(client, new_codes[0]).status_code == 302


def test_sysadmin_resets_a_lost_second_factor(app, client, make_user):
    user = make_user("rina", "petugas")
    login(client, "rina")
    enrol(client)
    admin = app.test_client()
    make_user("root", "sysadmin")
    login(admin, "root")
    assert "Aktif" in admin.get("/admin/users/").get_data(as_text=True)
    token = csrf_token(admin, "/admin/users/")
    response = admin.post("/admin/users/action/", data={"csrf_token": token, "action": "reset_2fa", "rowid": [str(user.id)]})
    assert response.status_code == 302
    user = reload(user)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert client.get("/admin/").status_code == 302  # the user's sessions ended
    assert login(client, "rina").status_code == 302 and client.get("/admin/").status_code == 200  # one step again
