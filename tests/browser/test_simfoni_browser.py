"""Administration records a case in Simfoni PPA from the recording sheet, in a real Chromium: from Tugas Saya to
the case, the sheet, a NIK revealed, a value copied to the clipboard, the registration number and date typed on the
sheet, and the case handed back to the officer."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import AuditEvent, Case, SimfoniRecord
from admin_app.sop.access import SIMFONI_STEP
from tests.browser.helpers import has_no_horizontal_scroll, login

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it
    expect = None

pytestmark = pytest.mark.browser

NIK = "3671014708120003"


def test_administration_records_the_case_in_simfoni_from_the_sheet(page, live_server, builder, team):
    case = builder.register(child=True)
    builder.walk(case, SIMFONI_STEP.number)
    victim = case.victims[0]
    victim.nik = NIK
    db.session.commit()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)

    login(page, live_server, "administrasi")
    page.locator("#my-work a", has_text=case.case_number).click()
    page.wait_for_url("**/admin/cases/details/**")
    page.locator("#simfoni-sheet-link a", has_text="Lembar pencatatan Simfoni PPA").click()
    page.wait_for_url(f"**/admin/simfoni/{case.id}")
    expect(page.locator("#bagian-korban")).to_contain_text(victim.full_name)
    nik_row = page.locator(f"#isian-korban-nik-{victim.id}")
    expect(nik_row).to_contain_text("************0003")
    expect(nik_row.locator("[data-simfoni-copy]")).to_have_count(0)  # a masked value is not copied

    # The NIK, shown in full on request (audited), and copied with its button.
    page.locator(f"#reveal-{victim.id}").click()
    page.wait_for_load_state()
    expect(nik_row).to_contain_text(NIK)
    button = nik_row.locator("[data-simfoni-copy]")
    button.click()
    expect(button).to_have_text("Tersalin")
    assert page.evaluate("navigator.clipboard.readText()") == NIK
    name_row = page.locator(f"#isian-korban-nama-{victim.id}")
    name_row.locator("[data-simfoni-copy]").click()
    assert page.evaluate("navigator.clipboard.readText()") == victim.full_name
    db.session.commit()  # a new transaction: what the server wrote since
    reveals = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "reveal")).scalars().all()
    assert [(r.object_type, r.object_id) for r in reveals] == [("victims", str(victim.id))]

    # The step completed on the sheet: a future date is refused next to nothing changed, then the real one.
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    page.fill("#registration_number", "3671-2026-0042")
    page.fill("#input_date", (today + dt.timedelta(days=3)).isoformat())
    page.click("#simfoni-submit")
    page.wait_for_load_state()
    expect(page.locator(".alert-danger")).to_contain_text("tidak boleh di masa depan")
    page.fill("#input_date", today.isoformat())
    page.click("#simfoni-submit")
    page.wait_for_url(f"**/admin/simfoni/{case.id}")
    expect(page.locator("#simfoni-number")).to_have_text("3671-2026-0042")
    expect(page.locator("#simfoni-form")).to_have_count(0)
    expect(page.locator(f"#isian-korban-nik-{victim.id}")).not_to_contain_text(NIK)  # masked again, for good
    db.session.commit()  # a new transaction: what the server wrote since
    assert db.session.get(Case, case.id).current_step == SIMFONI_STEP.number + 1
    assert db.session.execute(sa.select(SimfoniRecord.registration_number)).scalar_one() == "3671-2026-0042"


def test_the_sheet_fits_a_phone(phone_page, live_server, builder, team):
    case = builder.register(child=False)
    builder.walk(case, SIMFONI_STEP.number)
    db.session.commit()
    login(phone_page, live_server, "administrasi")
    phone_page.goto(f"/admin/simfoni/{case.id}")
    expect(phone_page.locator("#bagian-layanan")).to_be_visible()
    assert has_no_horizontal_scroll(phone_page)
    # Label above, value and its button below: the button stays inside the screen.
    box = phone_page.locator("[data-simfoni-copy]").first.bounding_box()
    assert box["x"] + box["width"] <= 390
