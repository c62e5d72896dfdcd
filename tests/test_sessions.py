"""Sessions that really end: logout and deactivation end every copy (see test_login), idle and absolute limits
on the server, a sysadmin can end anyone's sessions, cookies HttpOnly and SameSite=Lax (Secure in production)."""

import pytest

from tests.helpers import csrf_token, login

START = 1_800_000_000.0  # seconds since the epoch, on the injected clock


@pytest.fixture
def wall(app):
    """The session clock, injected (app.config["CLOCK"]) and moved by the test: `wall.now += 60`."""

    class Wall:
        now = START

    app.config["CLOCK"] = lambda: Wall.now
    return Wall


def test_idle_timeout_ends_the_session(app, client, make_user, wall):
    make_user("rina", "petugas")
    login(client, "rina")
    assert client.get("/admin/").status_code == 200
    wall.now += 31 * 60
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/admin/").status_code == 302


def test_activity_keeps_the_session_alive(app, client, make_user, wall):
    make_user("rina", "petugas")
    login(client, "rina")
    for _ in range(3):  # 87 minutes in all, never 30 idle
        wall.now += 29 * 60
        assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] == wall.now and session["login_at"] == START


def test_the_bells_poll_does_not_keep_an_idle_session_alive(app, client, make_user, wall):
    """The bell asks for its count every half minute (static/jangkau.js): that is not activity. An unattended
    screen is still logged out after the idle time, and the poll then answers 401 so the page reloads."""
    make_user("rina", "petugas")
    login(client, "rina")
    assert client.get("/admin/").status_code == 200
    for _ in range(29):
        wall.now += 60
        polled = client.get("/pemberitahuan/jumlah")
        assert polled.status_code == 200 and polled.get_json() == {"unread": 0}
        assert polled.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        assert session["seen_at"] == START  # the last real page, not the last poll
    wall.now += 2 * 60
    ended = client.get("/pemberitahuan/jumlah")
    assert ended.status_code == 401 and ended.get_json() == {"login": "/login"}
    page = client.get("/admin/", follow_redirects=True)
    assert "Sesi Anda berakhir karena tidak aktif terlalu lama" in page.get_data(as_text=True)


def test_absolute_limit_ends_even_an_active_session(app, client, make_user, wall):
    make_user("rina", "petugas")
    login(client, "rina")
    for _ in range(25):  # active every 29 minutes for 12 hours and a bit
        wall.now += 29 * 60
        client.get("/admin/")
    assert client.get("/admin/").status_code == 302


def test_limits_are_settings(app, client, make_user, wall):
    app.config["SESSION_IDLE_MINUTES"] = 5
    make_user("rina", "petugas")
    login(client, "rina")
    wall.now += 6 * 60
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
