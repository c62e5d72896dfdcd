"""Issue 14's done-when in a browser: the head chooses e-mail and WhatsApp on her account page and keeps a page
open; petugas1, on her phone, submits step 1 through the case page; the head's bell shows the case within one
poll, without a reload; the worker then delivers the e-mail to a real SMTP server on loopback and a signed
message to the WhatsApp gateway's receiver, neither with the victim's name."""

from __future__ import annotations

import hashlib
import hmac
import json

from playwright.sync_api import expect

from admin_app.extensions import db
from tests.browser.conftest import login
from tests.browser.test_journey_browser import submit_transition, transition
from tests.test_notifications import assert_no_victim_data

SECRET = "rahasia-webhook-uji-0123456789"
POLL_SECONDS = 1


def test_the_head_sees_the_bell_after_petugas1_submits_step_1(app, page, phone_page, live_server, builder, team,
                                                              smtp_server, receiver):
    controller, mailbox = smtp_server
    webhook_url, webhook_got, _status = receiver
    app.config.update(BELL_POLL_SECONDS=POLL_SECONDS, SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      SMTP_SECURITY="none", SMTP_FROM="jangkau@uptd.test", WHATSAPP_WEBHOOK_URL=webhook_url,
                      WHATSAPP_WEBHOOK_SECRET=SECRET, PUBLIC_BASE_URL=live_server)
    case = builder.register(child=True)
    db.session.commit()

    # The head chooses her channels on the account page, then keeps the home page open.
    login(page, live_server, "kepala")
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#menu-notification-channels")
    page.check("#notify_email")
    page.fill("#email", "kepala@uptd.test")
    page.check("#notify_whatsapp")
    page.fill("#phone", "0812-3456-7890")
    with page.expect_navigation():
        page.click("#channels-submit")
    expect(page.locator(".alert-success")).to_contain_text("Pilihan saluran pemberitahuan disimpan.")
    page.goto(f"{live_server}/admin/")
    expect(page.locator("#notification-bell")).to_be_visible()
    expect(page.locator("#notification-count")).to_have_count(0)

    # petugas1 submits step 1 from her phone.
    officer = phone_page
    login(officer, live_server, "petugas1")
    officer.goto(f"{live_server}/admin/cases/details/?id={case.id}")
    transition(officer, "submit_information")
    officer.fill("#note", "Mohon instruksi penjangkauan segera.")
    submit_transition(officer)
    expect(officer.locator("#notification-count")).to_have_count(0)  # the one who acted is not told

    # The head's open page shows it within one poll, with no reload.
    loads = []
    page.on("load", lambda _page: loads.append(1))
    expect(page.locator("#notification-count")).to_have_text("1", timeout=(POLL_SECONDS + 4) * 1000)
    expect(page.locator("#notification-bell")).to_have_attribute("title", "Pemberitahuan: 1 belum dibaca")
    assert loads == []
    with page.expect_navigation():
        page.click("#notification-bell")
    listing = page.locator("#notification-list")
    expect(listing).to_contain_text(f"Kasus {case.case_number} menunggu Anda di langkah 2")
    assert case.victims[0].full_name not in listing.inner_text()
    with page.expect_navigation():
        page.click(f"#notification-list a:has-text('Buka kasus {case.case_number}')")
    expect(page).to_have_url(f"{live_server}/admin/cases/details/?id={case.id}")

    # The worker sends the copies: the e-mail to the SMTP server on loopback, the signed message to the gateway.
    db.session.rollback()  # the test thread's snapshot ends: it sees what the server committed
    result = app.test_cli_runner().invoke(args=["notify", "run", "--once"])
    assert "Terkirim 2, gagal 0" in result.output, result.output
    [(to, mail)] = mailbox.messages
    assert to == ["kepala@uptd.test"] and case.case_number in mail
    assert f"{live_server}/admin/cases/details/?id={case.id}" in mail
    [(headers, body)] = webhook_got
    timestamp = headers["X-Jangkau-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Jangkau-Signature"], f"sha256={expected}")
    payload = json.loads(body)
    assert payload["to"] == "+6281234567890" and case.case_number in payload["text"]
    assert_no_victim_data(case, [mail, body.decode()])

    # Marked read, the bell goes quiet on the next poll of an open page too.
    page.goto(f"{live_server}/pemberitahuan/")
    with page.expect_navigation():
        page.click("#mark-all-read")
    expect(page.locator("#notification-count")).to_have_count(0)
