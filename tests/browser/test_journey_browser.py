"""A case walked through the six SOP steps by four people in a real Chromium (at desktop width, and again on a
phone, where the seven field forms must also fit the screen without sideways scrolling), and a bad NIK refused
next to its field.

Everything here goes through the screens (links, buttons, select2 widgets, date pickers) as staff would use
them; the database is only read, to find ids and to check what was (not) saved.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import (
    Case,
    CaseStatus,
    ConsentPurpose,
    DocumentStatus,
    InformedConsent,
    InterventionPlan,
    Letter,
    OutreachLog,
    Perpetrator,
    Reporter,
    RiskAssessment,
    RiskLevel,
    SimfoniRecord,
    Victim,
)
from tests.browser.helpers import has_no_horizontal_scroll, login, screenshot

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it: skipped locally, a failure with JANGKAU_REQUIRE_SERVICES=1
    expect = None

pytestmark = pytest.mark.browser

JAKARTA = ZoneInfo("Asia/Jakarta")
VICTIM_NIK = "3671015703940002"  # Kota Tangerang, a woman born 17-03-1994
FIELD_DOCUMENTS = ("outreach_log", "complaint", "identification", "risk_assessment", "consent", "biopsychosocial",
                   "intervention_plan")
PER_VICTIM = {"identification", "risk_assessment", "consent", "plan_consent"}


# --- widgets ------------------------------------------------------------------------------------------------


def select2_pick(page, select_id: str, text: str) -> None:
    """Choose `text` in a Flask-Admin select2 (3.5) widget: open it, type, click the match."""
    container = page.locator(f"#s2id_{select_id}")
    multiple = "select2-container-multi" in (container.get_attribute("class") or "")
    if multiple:
        container.locator("input.select2-input").click()
        page.keyboard.type(text)
    else:
        container.locator("a.select2-choice").click()
        page.locator("#select2-drop input.select2-input").fill(text)
    page.locator("#select2-drop .select2-result-label", has_text=text).first.click()
    expect(page.locator("#select2-drop")).to_be_hidden()
    # On a busy machine a multiple select2 can leave its page-wide mask behind after the pick (the next click
    # then lands on the mask, not the field): close it the way a user would, with Escape.
    mask = page.locator("#select2-drop-mask")
    if mask.is_visible():
        page.keyboard.press("Escape")
    expect(mask).to_be_hidden()


def fill_date(page, selector: str, value: dt.date) -> None:
    """Type a date (YYYY-MM-DD) into a Flask-Admin datepicker text field, then close its calendar."""
    field = page.locator(selector)
    field.fill(value.isoformat())
    field.dispatch_event("keyup")  # the picker reads what was typed
    if page.viewport_size["width"] < 576:
        screenshot(page, f"datepicker-open-{selector.lstrip('#')}")  # how the calendar fits a phone
    page.locator("h2.h5").first.click()  # a click elsewhere closes the calendar
    expect(field).to_have_value(value.isoformat())


def fresh() -> None:
    """End the test thread's read transaction: SQLite (WAL) shows a transaction the data as it was when it
    began, so `expire_all()` alone would re-read the old snapshot, not what the browser has written since."""
    db.session.rollback()


def tick(page, selector: str) -> None:
    page.locator(selector).check()


def save_form(page) -> None:
    """Press "Simpan" on a Flask-Admin form and wait for the page that follows."""
    with page.expect_navigation():
        page.locator("form.admin-form input[type=submit][value='Simpan']").click()


def transition(page, code: str) -> None:
    """Open a transition from its button on the case page; the caller fills the form, then `submit_transition`."""
    with page.expect_navigation():
        page.click(f"#action-{code}")
    expect(page.locator("#transition-form")).to_be_visible()


def submit_transition(page) -> None:
    with page.expect_navigation():
        page.click("#transition-submit")


def logout(page) -> None:
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible():  # a phone: the menu is folded behind the toggler
        toggler.click()
        expect(page.locator("#admin-navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
    page.click("#user-menu")
    expect(page.locator("#logout-button")).to_be_visible()
    with page.expect_navigation():
        page.click("#logout-button")
    expect(page.locator("#login-submit")).to_be_visible()


def flash_text(page) -> str:
    return " ".join(page.locator(".alert").all_inner_texts())


def open_document(page, code: str, victim_id: int | None = None) -> None:
    """From the case page, open a field document by its row: `isi` when new, `ubah` when it exists."""
    row = page.locator(f"#doc-{code}" + (f"-{victim_id}" if victim_id else ""))
    link = row.locator("a.doc-fill, a.doc-edit").first
    with page.expect_navigation():
        link.click()
    expect(page.locator("form.admin-form")).to_be_visible()


def expect_saved_on_case_page(page, code: str, victim_id: int | None = None) -> None:
    expect(page).to_have_url(re.compile(r"/admin/cases/details/\?id=\d+$"))
    row = page.locator(f"#doc-{code}" + (f"-{victim_id}" if victim_id else ""))
    expect(row.locator(".badge")).to_have_text("lengkap")


# --- the seven field forms, filled as an officer would ----------------------------------------------------


def fill_field_documents(page, victim_id: int, today: dt.date, after_each=None) -> None:
    """Fill and mark complete the seven step-3 documents, from the case page, back on the case page at the end."""
    after_each = after_each or (lambda: None)
    now = dt.datetime.now(JAKARTA).replace(second=0, microsecond=0, tzinfo=None)

    open_document(page, "outreach_log")
    after_each()
    select2_pick(page, "verification_sources", "Kelurahan")
    select2_pick(page, "verification_sources", "RT/RW")
    page.fill("#verification_notes", "Data korban dicocokkan dengan lurah dan ketua RT 003.")
    page.fill("#address_traced", "Jl. Melati No. 12 RT 003/RW 002, Poris Plawad")
    # After the case came in (a few minutes ago in the journey) and not in the future.
    page.fill("#departed_at", (now - dt.timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#arrived_at", (now - dt.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#returned_at", (now - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#team_present", "Rina Marlina, S.Psi.")
    page.fill("#companions", "Unit PPA Polres Metro Tangerang Kota")
    page.fill("#rescue_actions", "tidak diperlukan")
    page.fill("#safety_actions", "Korban dipindahkan ke rumah kakaknya.")
    page.fill("#initial_support", "Konseling awal dan penguatan psikologis.")
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "outreach_log")
    after_each()

    open_document(page, "complaint")
    after_each()
    expect(page.locator("#what")).not_to_have_value("")  # prefilled from the case information
    for name, text in (("who", "Korban dan suaminya"), ("when", "Malam hari, dua hari lalu"), ("where", "Di rumah korban"),
                       ("why", "Cekcok soal uang belanja"), ("how", "Dipukul dengan tangan"),
                       ("expectations", "Korban aman dan suami tidak mengulangi")):
        page.fill(f"#{name}", text)
    page.select_option("#incident_place", label="Rumah Tangga")
    for label in ("Fisik", "Psikis"):
        page.locator("#violence_types").get_by_label(label, exact=True).check()
    for label in ("Kesehatan", "Bantuan Hukum"):
        page.locator("#services_needed").get_by_label(label, exact=True).check()
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "complaint")
    after_each()

    open_document(page, "identification", victim_id)
    after_each()
    page.select_option("#case_kind", value="KTP")
    page.select_option("#authority", value="kota")
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "identification", victim_id)
    after_each()

    open_document(page, "risk_assessment", victim_id)
    after_each()
    page.get_by_label(re.compile(r"serumah", re.I)).first.check()
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "risk_assessment", victim_id)
    after_each()

    open_document(page, "consent", victim_id)
    after_each()
    page.fill("#consenter_name", "Siti Aminah")
    tick(page, "#consents_to_services")
    tick(page, "#consents_to_data_sharing")
    page.fill("#sharing_institutions", "RSUD Kota Tangerang; Unit PPA Polres")
    tick(page, "#consents_to_simfoni")
    page.select_option("#decision", label="Setuju")
    fill_date(page, "#consent_date", today)
    page.fill("#place", "Tangerang")
    page.fill("#witness_name", "Suryani (Ketua RT 003)")
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "consent", victim_id)
    after_each()

    open_document(page, "biopsychosocial")
    after_each()
    fill_date(page, "#assessed_on", today)
    for name, text in (("physical", "Memar di lengan kiri, perlu visum."), ("psychological", "Cemas, sulit tidur."),
                       ("social", "Didukung kakak kandung."), ("economic", "Bergantung pada penghasilan suami."),
                       ("legal", "Ingin melapor ke kepolisian."), ("summary", "Perlu layanan kesehatan dan bantuan hukum.")):
        page.fill(f"#{name}", text)
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "biopsychosocial")
    after_each()

    open_document(page, "intervention_plan")
    after_each()
    page.fill("#goal", "Korban aman, pulih dan mendapat keadilan.")
    page.click("#items-button")  # "Tambah Rencana layanan": one row of the plan
    expect(page.locator("#items-0-provider")).to_be_visible()
    select2_pick(page, "items-0-service_type", "Kesehatan")
    page.fill("#items-0-provider", "RSUD Kota Tangerang")
    select2_pick(page, "items-0-responsible", "Rina Marlina")
    fill_date(page, "#items-0-target_date", today + dt.timedelta(days=3))
    screenshot(page, "intervention-plan-filled")
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "intervention_plan")
    after_each()


# --- 1. the whole SOP through the screens -------------------------------------------------------------------


@pytest.mark.parametrize("screen", ["page", "phone_page"], ids=["desktop", "phone"])
def test_a_case_goes_from_step_1_to_6_through_the_screens(request, screen, live_server, team, json_log):
    """Also at 390 px; every page it visits is read for English and raw values (tests/browser/conftest.py).
    The whole journey's log, in production's JSON lines, carries no name, NIK or phone number of the people in it.

    On the phone, every page of step 3 (Tugas Saya, the case page, each of the seven field forms and the case page
    after each save, the hand-over form) must not scroll sideways. The phone run leaves out what only the server
    decides and the desktop run has already checked: that administration and an officer not on the Surat Tugas
    cannot open the case (two extra logins; the same server rules are also tested on both databases in
    tests/test_need_to_know.py).
    """
    page = request.getfixturevalue(screen)
    phone = screen == "phone_page"
    today = dt.datetime.now(JAKARTA).date()
    wide: dict[str, list[str]] = {}  # on the phone: page path -> what sticks out on the right

    def no_sideways_scroll():
        if phone and not has_no_horizontal_scroll(page):
            wide.setdefault(page.url.replace(live_server, ""), sticking_out(page))

    # Step 1, petugas1: the case information from "Tugas Saya".
    login(page, live_server, "petugas1")
    with page.expect_navigation():
        page.click("#new-case")
    page.select_option("#intake_channel_id", label="WhatsApp SAPA 129")
    received = dt.datetime.now(JAKARTA).replace(second=0, microsecond=0, tzinfo=None) - dt.timedelta(minutes=5)
    page.fill("#received_at", received.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#incident_date", (today - dt.timedelta(days=2)).isoformat())
    page.select_option("#incident_place_id", label="Rumah Tangga")
    page.select_option("#incident_region_id", label="Poris Plawad, Kec. Cipondoh")
    page.fill("#incident_address", "Jl. Melati No. 12 RT 003/RW 002")
    page.fill("#summary", "Tetangga melapor lewat WhatsApp: seorang ibu dipukul suaminya di rumah, terdengar teriakan.")
    page.fill("#victim_hint", "Perempuan dewasa, sekitar 30 tahun")
    tick(page, "#is_domestic_violence")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/cases/details/\?id=\d+$"))
    case_id = int(page.url.rsplit("=", 1)[1])
    case_url = f"{live_server}/admin/cases/details/?id={case_id}"
    expect(page.locator("#action-submit_information")).to_be_visible()

    with page.expect_navigation():
        page.click("#add-victim")
    page.fill("#full_name", "Siti Aminah")
    page.select_option("#sex", label="Perempuan")
    page.fill("#birth_place", "Tangerang")
    fill_date(page, "#birth_date", dt.date(1994, 3, 17))
    page.select_option("#nationality", value="WNI")
    page.fill("#nik", VICTIM_NIK)
    page.fill("#address", "Jl. Melati No. 12")
    page.fill("#rt", "3")
    page.fill("#rw", "2")
    select2_pick(page, "region", "Poris Plawad, Kec. Cipondoh")
    page.fill("#phone", "0812-3456-7890")
    select2_pick(page, "marital_status", "Kawin")
    save_form(page)
    expect(page).to_have_url(case_url)
    expect(page.locator("#victims")).to_contain_text("Siti Aminah")

    with page.expect_navigation():
        page.get_by_role("link", name="+ Pelapor").click()
    page.fill("#full_name", "Dewi Lestari")
    page.fill("#relation_to_victim", "Tetangga")
    page.select_option("#sex", label="Perempuan")
    page.fill("#phone", "0813-1111-2222")
    save_form(page)
    expect(page).to_have_url(case_url)

    with page.expect_navigation():
        page.get_by_role("link", name="+ Terlapor").click()
    page.fill("#full_name", "Budi Santoso")
    page.select_option("#sex", label="Laki-laki")
    page.select_option("#nationality", value="WNI")
    select2_pick(page, "relation", "Suami/Istri")
    tick(page, "#lives_with_victim")
    save_form(page)
    expect(page).to_have_url(case_url)

    fresh()
    victim = db.session.execute(sa.select(Victim).where(Victim.case_id == case_id)).scalar_one()
    assert (victim.sex.value, victim.birth_date, victim.phone) == ("P", dt.date(1994, 3, 17), "+6281234567890")
    assert victim.nik == VICTIM_NIK
    assert victim.region is not None and victim.region.name == "Poris Plawad"
    assert db.session.execute(sa.select(Reporter.full_name).where(Reporter.case_id == case_id)).scalar_one() == "Dewi Lestari"
    assert db.session.execute(sa.select(Perpetrator.full_name).where(Perpetrator.case_id == case_id)).scalar_one() == "Budi Santoso"

    expect(page.locator("#missing-inputs")).to_have_count(0)
    transition(page, "submit_information")
    page.fill("#note", "Mohon instruksi penjangkauan segera.")
    submit_transition(page)
    after_submit = flash_text(page)
    assert "dilaporkan kepada Kepala" in after_submit, after_submit
    logout(page)

    if not phone:  # a server rule, not a layout: checked once, at desktop width
        # Administration sees nothing of the case before step 4: the case page sends it away, the list is empty.
        login(page, live_server, "administrasi")
        response = page.goto(case_url)
        assert response.status == 404 or page.url != case_url, (response.status, page.url)
        expect(page.locator("#timeline")).to_have_count(0)
        assert "Siti Aminah" not in page.content()
        page.goto(f"{live_server}/admin/cases/")
        expect(page.locator("table.model-list")).not_to_contain_text("PJK-")
        logout(page)

    # Step 2, kepala: from Tugas Saya, the outreach instruction (Surat Tugas).
    login(page, live_server, "kepala")
    with page.expect_navigation():
        page.locator("#my-work a", has_text="PJK-").first.click()
    expect(page).to_have_url(case_url)
    expect(page.locator("#action-complete_field_work")).to_have_count(0)
    expect(page.locator("#action-submit_information")).to_have_count(0)
    expect(page.locator("#add-victim")).to_have_count(0)
    transition(page, "instruct_outreach")
    page.locator("#officers").get_by_label("Rina Marlina, S.Psi.", exact=True).check()
    expect(page.locator("#outreach_date")).to_have_value(today.isoformat())
    screenshot(page, "instruct-outreach-form")
    submit_transition(page)
    fresh()
    letter = db.session.execute(sa.select(Letter).where(Letter.case_id == case_id)).scalar_one()
    expect(page.locator("#letters")).to_contain_text(letter.number)
    assert letter.number in flash_text(page)
    expect(page.locator("#action-instruct_outreach")).to_have_count(0)
    expect(page.locator("#action-complete_field_work")).to_have_count(0)  # step 3 is the officer's
    expect(page.locator("#documents a.doc-fill")).to_have_count(0)  # the head reads, never fills
    page.goto(f"{live_server}/admin/cases/")
    expect(page.locator("table.model-list")).to_contain_text("Siti Aminah")
    screenshot(page, "case-list-kepala")
    logout(page)

    if not phone:  # a server rule, not a layout: checked once, at desktop width
        # petugas2 is not on the Surat Tugas: no work, no case.
        login(page, live_server, "petugas2")
        expect(page.locator("#no-work")).to_be_visible()
        response = page.goto(case_url)
        assert response.status == 404 or page.url != case_url, (response.status, page.url)
        expect(page.locator("#timeline")).to_have_count(0)
        logout(page)

    # Step 3, petugas1: the seven field documents, then hand over to administration.
    login(page, live_server, "petugas1")
    no_sideways_scroll()
    with page.expect_navigation():
        page.locator("#my-work a", has_text="PJK-").first.click()
    expect(page).to_have_url(case_url)
    no_sideways_scroll()
    expect(page.locator("#missing-inputs")).to_be_visible()
    screenshot(page, "case-page-step3")
    fill_field_documents(page, victim.id, today, after_each=no_sideways_scroll)
    expect(page.locator("#missing-inputs")).to_have_count(0)
    for code in FIELD_DOCUMENTS:
        row = f"#doc-{code}" + (f"-{victim.id}" if code in PER_VICTIM else "")
        expect(page.locator(row).locator(".badge")).to_have_text("lengkap")
    screenshot(page, "case-page-step3-complete")
    transition(page, "complete_field_work")
    no_sideways_scroll()
    submit_transition(page)
    no_sideways_scroll()
    expect(page.locator(".alert-success")).to_contain_text("Langkah 3 selesai")
    expect(page.locator("#action-complete_field_work")).to_have_count(0)
    expect(page.locator("#action-record_simfoni")).to_have_count(0)  # step 4 is administration's
    fresh()
    assert db.session.get(Case, case_id).current_step == 4
    # Each page of step 3 that scrolls sideways on the phone, with the elements that stick out.
    assert not wide, f"pages that scroll sideways at 390 px: {wide}"
    logout(page)

    # Step 4, administrasi: Simfoni PPA registration; no narrative documents for this role.
    login(page, live_server, "administrasi")
    page.goto(case_url)
    # Administration opens what Simfoni needs (complaint, identification, risk) to read, and nothing narrative.
    expect(page.locator(f"#doc-identification-{victim.id} a", has_text="lihat")).to_have_count(1)
    for code in ("outreach_log", "consent", "biopsychosocial", "intervention_plan"):
        expect(page.locator(f"[id^='doc-{code}']")).to_have_count(0)
    expect(page.locator("#documents a.doc-fill, #documents a.doc-edit")).to_have_count(0)
    expect(page.locator("#action-submit_report")).to_have_count(0)
    transition(page, "record_simfoni")
    page.fill("#registration_number", f"3671-{case_id:05d}-{today.year}")
    submit_transition(page)
    expect(page.locator(".alert-success")).to_contain_text("Simfoni PPA")
    fresh()
    assert db.session.execute(sa.select(SimfoniRecord.registration_number).where(SimfoniRecord.case_id == case_id)).scalar_one() \
        == f"3671-{case_id:05d}-{today.year}"
    logout(page)

    # Step 5, petugas1: the consent to the plan, then the report to the head.
    login(page, live_server, "petugas1")
    page.goto(case_url)
    expect(page.locator("#action-give_instruction")).to_have_count(0)
    expect(page.locator("#missing-inputs")).to_contain_text("rencana intervensi")
    open_document(page, "plan_consent", victim.id)
    page.fill("#consenter_name", "Siti Aminah")
    page.select_option("#decision", label="Setuju")
    fill_date(page, "#consent_date", today)
    tick(page, "#mark_complete")
    save_form(page)
    expect_saved_on_case_page(page, "plan_consent", victim.id)
    expect(page.locator("#missing-inputs")).to_have_count(0)
    transition(page, "submit_report")
    page.fill("#report", "Korban sudah aman di rumah kakaknya, diasesmen, dan setuju dengan rencana intervensi.")
    submit_transition(page)
    expect(page.locator(".alert-success")).to_contain_text("diajukan kepada Kepala")
    logout(page)

    # Step 6, kepala: the follow-up instruction closes the SOP.
    login(page, live_server, "kepala")
    page.goto(case_url)
    expect(page.locator("#action-submit_report")).to_have_count(0)
    transition(page, "give_instruction")
    # Each outcome's fields show only while it is ticked, with its rule said first.
    expect(page.locator("#recipient")).to_be_hidden()
    expect(page.locator("#close_reason")).to_be_hidden()
    page.get_by_label(re.compile("^Rujukan layanan")).check()
    expect(page.locator("#recipient")).to_be_visible()
    expect(page.locator("fieldset:has(#consent_override_reason) .section-rule")).to_contain_text(
        "Persetujuan berbagi data sudah diberikan")
    expect(page.locator("#recipient_address")).to_be_visible()  # the letter's fields, shared with the transfer
    expect(page.locator("#transfer_basis")).to_be_hidden()
    screenshot(page, "instruction-referral-ticked")
    page.get_by_label(re.compile("^Rujukan layanan")).uncheck()
    expect(page.locator("#recipient")).to_be_hidden()
    page.fill("#instruction", "Lanjutkan ke manajemen kasus sesuai rencana intervensi.")
    page.get_by_label("Lanjut ke manajemen kasus").check()
    submit_transition(page)
    expect(page).to_have_url(case_url)
    expect(page.locator("h2 + .text-muted .badge")).to_have_text("Selesai")
    expect(page.locator("#actions")).to_have_count(0)
    rows = page.locator("#timeline tr:has(td)")
    expect(rows).to_have_count(6)
    for index in range(6):
        finished = rows.nth(index).locator("td").nth(4).inner_text()
        assert re.match(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", finished), (index + 1, finished)
    expect(page.locator("#timeline .badge-ontime")).to_have_count(6)
    screenshot(page, "case-page-finished")

    fresh()
    case = db.session.get(Case, case_id)
    assert case.status == CaseStatus.FINISHED
    # What the widgets posted arrived: multi-selects, select2 rows, the checklist.
    assert {v.code for v in case.violence_types} == {"fisik", "psikis"}
    assert {s.code for s in case.services_needed} == {"kesehatan", "bantuan_hukum"}
    log = db.session.execute(sa.select(OutreachLog).where(OutreachLog.case_id == case_id)).scalar_one()
    assert {v.label for v in log.verification_sources} == {"Kelurahan", "RT/RW"}
    risk = db.session.execute(sa.select(RiskAssessment).where(RiskAssessment.case_id == case_id)).scalar_one()
    assert (risk.score, risk.final_level) == (20, RiskLevel.SEDANG)
    plan = db.session.execute(sa.select(InterventionPlan).where(InterventionPlan.case_id == case_id)).scalar_one()
    assert [(i.service_type.code, i.provider, i.responsible.username) for i in plan.items] == \
        [("kesehatan", "RSUD Kota Tangerang", "petugas1")]
    plan_consent = db.session.execute(sa.select(InformedConsent).where(
        InformedConsent.case_id == case_id, InformedConsent.purpose == ConsentPurpose.PLAN)).scalar_one()
    assert plan_consent.status == DocumentStatus.COMPLETE

    # The log of the whole journey: every request is in it, no name, NIK or phone number of the people is.
    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    visited = {line["path"] for line in lines if line["logger"] == "jangkau.access"}
    assert {"/login", "/admin/cases/details/", "/admin/victims/new/", f"/admin/cases/langkah/{case_id}/record_simfoni"} <= visited
    for secret in ("Siti Aminah", "Aminah", "Dewi Lestari", "Lestari", "Budi Santoso", "Santoso", VICTIM_NIK,
                   VICTIM_NIK[:12], "81234567890", "0812-3456-7890", "81311112222", "Jl. Melati"):
        assert secret not in text, f"{secret!r} is in the log"


# --- 2. what sticks out on a phone -------------------------------------------------------------------------


def sticking_out(page) -> list[str]:
    """The outermost elements that stick out past the right edge and are not inside a scrolling box."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth, found = [];
            for (const el of document.querySelectorAll('body *')) {
                if (el.getBoundingClientRect().right <= width + 1) continue;
                let parent = el.parentElement, clipped = false, outer = null;
                for (; parent; parent = parent.parentElement) {
                    if (getComputedStyle(parent).overflowX !== 'visible') { clipped = true; break; }
                    if (parent.id && !outer) outer = parent;
                }
                if (!clipped) found.push('#' + (el.id || (outer && outer.id) || el.tagName.toLowerCase()));
            }
            return [...new Set(found)];
        }"""
    )


# --- 3. a bad NIK ---------------------------------------------------------------------------------------------


def test_bad_values_are_refused_field_by_field_in_the_browser(page, live_server, builder, team):
    case = builder.register(child=False)
    builder.walk(case, 3)
    db.session.commit()
    before = db.session.execute(sa.select(sa.func.count()).select_from(Victim)).scalar_one()

    login(page, live_server, "petugas1")
    page.goto(f"{live_server}/admin/cases/details/?id={case.id}")
    with page.expect_navigation():
        page.click("#add-victim")
    page.fill("#full_name", "Ani Suryani")
    page.select_option("#sex", label="Perempuan")
    page.fill("#nik", "123")
    save_form(page)

    expect(page).to_have_url(re.compile(r"/admin/victims/new/"))
    nik = page.locator("#nik")
    expect(nik).to_have_value("123")  # what was typed stays, to be corrected
    group = page.locator(".form-group", has=nik)
    expect(group).to_contain_text("NIK harus 16 digit")
    expect(page.locator("#full_name")).to_have_value("Ani Suryani")
    screenshot(page, "victim-bad-nik")
    fresh()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Victim)).scalar_one() == before
