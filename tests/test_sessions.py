"""Sessions that really end: logout and deactivation end every copy (see test_login), idle and absolute limits
on the server, a sysadmin can end anyone's sessions, cookies HttpOnly and SameSite=Lax (Secure in production)."""

import time

from tests.helpers import csrf_token, login


def test_idle_timeout_ends_the_session(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 31 * 60
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/admin/").status_code == 302


def test_activity_keeps_the_session_alive(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 29 * 60
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["seen_at"] < 5


def test_absolute_limit_ends_even_an_active_session(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    with client.session_transaction() as session:
        session["login_at"] = time.time() - 12 * 3600 - 60
    assert client.get("/admin/").status_code == 302


def test_limits_are_settings(app, client, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 5
    make_user("rina", "petugas")
    login(client, "rina")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 6 * 60
    assert client.get("/admin/").status_code == 302


def test_sysadmin_ends_all_sessions_of_a_user(app, client, make_user):
    target = make_user("rina", "petugas")
    login(client, "rina")
    admin_client = app.test_client()
    make_user("root", "sysadmin")
    login(admin_client, "root")
    token = csrf_token(admin_client, "/admin/users/")
    response = admin_client.post("/admin/users/action/", data={"csrf_token": token, "action": "end_sessions", "rowid": [str(target.id)]})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert admin_client.get("/admin/").status_code == 200  # the sysadmin's own session goes on


def test_session_cookie_flags(app, client, make_user):
    make_user("rina", "petugas")
    response = login(client, "rina")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False  # testing runs on http; production sets Secure (test_config)


def test_pages_with_victim_data_are_not_cached(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    response = client.get("/admin/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
