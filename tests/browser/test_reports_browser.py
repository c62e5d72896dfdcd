"""The head's reports in a real browser: the month's recap with its charts, its XLSX download, and the
compliance report linking a late step to its case; also on a phone, without sideways scrolling of the page."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from admin_app.extensions import db
from tests.browser.conftest import has_no_horizontal_scroll, login


def _cases(builder, clock):
    clock.now = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.timezone.utc)
    finished = builder.register(child=True, story=1)
    builder.walk(finished, 7, late_step=3)
    open_case = builder.register(child=False, story=0)
    builder.walk(open_case, 2)
    db.session.commit()
    return finished, open_case


def test_the_head_reads_the_month_and_downloads_it(page, live_server, builder, clock, team):
    finished, _ = _cases(builder, clock)
    login(page, live_server, "kepala")
    page.click("text=Laporan")
    page.click("text=Rekap Kasus")
    page.select_option("#periode", "bulan")
    page.select_option("#tahun", "2026")
    page.select_option("#bulan", "11")
    with page.expect_navigation():
        page.click("#period-form button[type=submit]")
    assert page.locator("[data-total=kasus]").inner_text() == "2"
    assert page.locator("#tabel-bentuk_kekerasan svg").count() == 1  # the chart beside its table
    assert "November 2026" in page.locator(".report-heading").inner_text()
    with page.expect_download() as download:
        page.click("#download-xlsx")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row[0]}
    assert summary["Kasus"] == 2 and summary["Periode"] == "November 2026"

    page.click("text=Laporan")
    page.click("text=Kepatuhan SOP")
    page.select_option("#bulan", "11")
    with page.expect_navigation():
        page.click("#period-form button[type=submit]")
    late = page.locator("#compliance-late a", has_text=finished.case_number)
    assert late.count() >= 1
    with page.expect_navigation():
        late.first.click()
    assert finished.case_number in page.locator("h1, h2, h3").first.inner_text() or finished.case_number in page.content()


def test_the_recap_on_a_phone(phone_page, live_server, builder, clock, team):
    _cases(builder, clock)
    login(phone_page, live_server, "kepala")
    phone_page.goto(f"{live_server}/admin/rekap/?periode=bulan&tahun=2026&bulan=11")
    assert phone_page.locator("[data-total=korban]").is_visible()
    assert has_no_horizontal_scroll(phone_page)
