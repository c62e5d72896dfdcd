"""Login, menus by role, logout and the phone layout, in a real Chromium."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from admin_app.views.auth import LOGIN_FAILED
from tests.browser.helpers import has_no_horizontal_scroll, login, screenshot

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it: skipped locally, a failure with JANGKAU_REQUIRE_SERVICES=1
    expect = None

pytestmark = pytest.mark.browser


def expect_login_page(page, base_url: str, next_path: str) -> None:
    """Sent to the login form, which will lead back to `next_path` (however the query is encoded)."""
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/login?")))
    assert parse_qs(urlsplit(page.url).query) == {"next": [next_path]}
    expect(page.locator("#login-submit")).to_be_visible()


def test_login_page_is_indonesian_and_a_wrong_password_gets_the_generic_error(page, live_server, make_user):
    make_user("rina", "petugas")
    page.goto(f"{live_server}/login")
    expect(page).to_have_title("Masuk - Jangkau")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("label[for=username]")).to_have_text("Nama pengguna")
    expect(page.locator("label[for=password]")).to_have_text("Kata sandi")
    expect(page.locator("#login-submit")).to_have_text("Masuk")
    expect(page.locator("#login-error")).to_have_count(0)

    login(page, live_server, "rina", "sandi-yang-salah-1")

    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator("#login-error")).to_have_text(LOGIN_FAILED)
    expect(page.locator("#password")).to_have_value("")  # the password is never sent back
    page.goto(f"{live_server}/admin/")
    expect_login_page(page, live_server, next_path="/admin/")


def test_sysadmin_lands_home_sees_admin_menus_and_logs_out(page, live_server, make_user, team):
    make_user("admin", "sysadmin", full_name="Bagus Setiawan")
    login(page, live_server, "admin")

    expect(page).to_have_url(f"{live_server}/admin/")
    expect(page.locator("h4").first).to_contain_text("Tugas Saya")
    navbar = page.locator("nav.navbar")
    expect(navbar.get_by_role("link", name="Akun", exact=True).first).to_be_visible()
    expect(navbar.get_by_role("link", name="Data Referensi", exact=True)).to_be_visible()
    expect(navbar.get_by_role("link", name="Kasus", exact=True)).to_have_count(0)  # no victim data for sysadmin

    page.goto(f"{live_server}/admin/users/")
    table = page.locator("table.model-list")
    for username in ("admin", "kepala", "petugas1", "petugas2", "administrasi"):
        expect(table.get_by_role("cell", name=username, exact=True)).to_be_visible()

    page.click("#user-menu")
    expect(page.locator("#logout-button")).to_be_visible()
    screenshot(page, "user-menu-open")
    with page.expect_navigation():
        page.click("#logout-button")
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator("#login-submit")).to_be_visible()

    page.goto(f"{live_server}/admin/")
    expect_login_page(page, live_server, next_path="/admin/")
    expect(page.locator("#username")).to_be_visible()


def test_petugas_does_not_see_reference_data_in_the_menu(page, live_server, make_user):
    make_user("rina", "petugas", full_name="Rina Marlina, S.Psi.")
    login(page, live_server, "rina")

    expect(page).to_have_url(f"{live_server}/admin/")
    navbar = page.locator("nav.navbar")
    expect(navbar.get_by_role("link", name="Kasus", exact=True)).to_be_visible()
    expect(navbar).not_to_contain_text("Data Referensi")
    expect(navbar).not_to_contain_text("Akun")
    expect(page.locator("#user-menu")).to_contain_text("Rina Marlina, S.Psi.")


def test_login_and_home_fit_a_phone_without_sideways_scrolling(phone_page, live_server, make_user):
    make_user("rina", "petugas", full_name="Rina Marlina, S.Psi.")
    phone_page.goto(f"{live_server}/login")
    assert phone_page.evaluate("window.innerWidth") == 390
    assert has_no_horizontal_scroll(phone_page), "the login page scrolls sideways at 390 px"

    login(phone_page, live_server, "rina")

    expect(phone_page).to_have_url(f"{live_server}/admin/")
    expect(phone_page.locator("h4").first).to_contain_text("Tugas Saya")
    assert has_no_horizontal_scroll(phone_page), "the home page scrolls sideways at 390 px"
