"""Issue 14's done-when in a browser: petugas1 reports step 1 to the head through the case page, and the head's
next page shows the bell with the count and the case in the notification list, without the victim's name."""

from __future__ import annotations

from playwright.sync_api import expect

from admin_app.extensions import db
from tests.browser.conftest import login
from tests.browser.test_journey_browser import logout, submit_transition, transition


def test_the_head_sees_the_bell_after_petugas1_submits_step_1(page, live_server, builder, team):
    case = builder.register(child=True)
    db.session.commit()
    victim_name = case.victims[0].full_name

    login(page, live_server, "kepala")
    expect(page.locator("#notification-bell")).to_be_visible()
    expect(page.locator("#notification-count")).to_have_count(0)
    logout(page)

    login(page, live_server, "petugas1")
    page.goto(f"{live_server}/admin/cases/details/?id={case.id}")
    transition(page, "submit_information")
    page.fill("#note", "Mohon instruksi penjangkauan segera.")
    submit_transition(page)
    expect(page.locator("#notification-count")).to_have_count(0)  # the one who acted is not told
    logout(page)

    login(page, live_server, "kepala")
    expect(page.locator("#notification-count")).to_have_text("1")
    with page.expect_navigation():
        page.click("#notification-bell")
    listing = page.locator("#notification-list")
    expect(listing).to_contain_text(f"Kasus {case.case_number} menunggu Anda di langkah 2")
    assert victim_name not in listing.inner_text()
    with page.expect_navigation():
        page.click(f"#notification-list a:has-text('Buka kasus {case.case_number}')")
    expect(page).to_have_url(f"{live_server}/admin/cases/details/?id={case.id}")
    page.goto(f"{live_server}/pemberitahuan/")
    with page.expect_navigation():
        page.click("#mark-all-read")
    page.goto(f"{live_server}/admin/")
    expect(page.locator("#notification-count")).to_have_count(0)
