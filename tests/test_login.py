"""Login at /login: hashed passwords, a generic refusal, inactive users refused, `next` kept inside the app."""

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import User
from admin_app.views.auth import LOGIN_FAILED
from tests.helpers import csrf_token, login


def test_password_is_stored_hashed(app, make_user):
    user = make_user("rina", "petugas", password="sandi-yang-panjang-1")
    assert "sandi-yang-panjang-1" not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_login_succeeds_and_lands_on_home(client, make_user):
    make_user("rina", "petugas", full_name="Rina Marlina, S.Psi.")
    response = login(client, "rina")
    assert response.status_code == 302
    assert response.location.endswith("/admin/")
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "Rina Marlina, S.Psi." in home.get_data(as_text=True)


@pytest.mark.parametrize("username, password", [("rina", "salah-sandi-123"), ("tidakada", "kata-sandi-uji-123")])
def test_failed_login_is_generic(client, make_user, username, password):
    make_user("rina", "petugas")
    response = login(client, username, password)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert LOGIN_FAILED in text
    assert client.get("/admin/").status_code == 302


def test_inactive_user_is_refused(client, make_user):
    make_user("rina", "petugas", is_active_account=False)
    response = login(client, "rina")
    assert response.status_code == 401
    assert LOGIN_FAILED in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("rina", "petugas")
    response = client.post("/login", data={"username": "rina", "password": "kata-sandi-uji-123"})
    assert response.status_code == 400
    assert "token keamanan" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "next_url, expected_end",
    [
        ("/admin/users/", "/admin/users/"),
        ("https://example.org/", "/admin/"),
        ("//example.org/", "/admin/"),
        ("/\\example.org", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
        ("", "/admin/"),
    ],
)
def test_next_is_followed_only_inside_the_app(client, make_user, next_url, expected_end):
    make_user("rina", "sysadmin")
    response = login(client, "rina", next_url=next_url)
    assert response.status_code == 302
    assert response.location == expected_end or response.location.endswith(expected_end)
    assert "example.org" not in response.location


def test_logout_ends_the_session_also_for_a_copied_cookie(app, client, make_user):
    make_user("rina", "petugas")
    login(client, "rina")
    copied = app.test_client()
    for cookie in client._cookies.values():
        copied.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    assert copied.get("/admin/").status_code == 200
    token = csrf_token(client, "/admin/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302
    assert copied.get("/admin/").status_code == 302, "a copied cookie still works after logout"


def test_deactivated_user_loses_the_session(app, client, make_user):
    user = make_user("rina", "petugas")
    login(client, "rina")
    assert client.get("/admin/").status_code == 200
    db.session.execute(sa.update(User).where(User.id == user.id).values(is_active_account=False))
    db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_login_page_is_in_indonesian(client):
    text = client.get("/login").get_data(as_text=True)
    assert "Nama pengguna" in text and "Kata sandi" in text and "Masuk" in text


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
