"""The head's dashboard: every figure equals a count made here in plain Python over the rows, and every figure's
link, followed as the head, lists exactly that many cases. Officers and administration keep their Tugas Saya."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from admin_app.models import (
    AssignmentLetter,
    Case,
    CaseStatus,
    LetterNature,
    LetterStatus,
    OutcomeKind,
    ReferralLetter,
    RiskAssessment,
    RiskLevel,
    RoleCode,
    User,
)
from admin_app.reports.dashboard import CASELOAD_BANDS, caseload_band, dashboard_figures
from admin_app.sop.letters import OutcomeRequest
from admin_app.sop.steps import STEPS
from tests.helpers import count_queries, login

WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 3, 4, 0, tzinfo=UTC)  # Thursday 11:00 WIB
HOUR = dt.timedelta(hours=1)


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB).astimezone(UTC)


def _referral(builder, case):
    builder.process.issue_emergency_referral(builder.team.kepala, case, OutcomeRequest(
        OutcomeKind.REFERRAL, recipient="RSUD Kota Tangerang", purpose="Pertolongan darurat",
        services_given="Pertolongan pertama", current_condition="Terluka", nature=LetterNature.SEGERA,
        consent_override_reason="Korban terluka, perlu tindakan medis segera"))


@pytest.fixture
def unit(builder, clock, monkeypatch):
    """Cases at every step, late and not, one due within the hour, two officers with different loads, high risk
    with and without a referral, and reports on both sides of the month boundary (WIB)."""
    p1 = builder.team.officers[0]
    p2 = db.session.execute(sa.select(User).where(User.username == "petugas2")).scalar_one()

    def case_at(when, to_step, officers=None, **kwargs):
        clock.now = when
        case = builder.register(child=kwargs.pop("child", None))
        if to_step > 1:
            builder.walk(case, to_step, officers=officers or [p1], **kwargs)
        return case

    made = {
        "october_finished": case_at(wib(2026, 10, 15, 10, 0), 7),
        "nov_field": case_at(wib(2026, 11, 2, 10, 0), 3),
        "nov_high_risk": case_at(wib(2026, 11, 2, 11, 0), 4, high_risk=True),
        "nov_referred": case_at(wib(2026, 11, 3, 10, 0), 4, high_risk=True),
        "nov_head_step6": case_at(wib(2026, 11, 10, 10, 0), 6, officers=[p1, p2]),
        "nov_head_step2": case_at(wib(2026, 11, 10, 11, 0), 2),
        "nov_step1": case_at(wib(2026, 11, 12, 10, 0), 1),
        "nov_finished": case_at(wib(2026, 11, 12, 11, 0), 7, officers=[p2], high_risk=True),
        "last_minute_nov": case_at(wib(2026, 11, 30, 23, 59), 3, officers=[p2]),
        "first_minute_dec": case_at(wib(2026, 12, 1, 0, 0), 5, officers=[p2]),
        "dec_field": case_at(wib(2026, 12, 2, 10, 0), 3),
        "dec_field_2": case_at(wib(2026, 12, 2, 11, 0), 3),
        "dec_high_risk": case_at(wib(2026, 12, 2, 12, 0), 4, high_risk=True),
        "due_soon": case_at(NOW - dt.timedelta(minutes=15), 2),
    }
    clock.now = wib(2026, 11, 4, 9, 0)
    _referral(builder, made["nov_referred"])
    clock.now = NOW
    db.session.commit()
    # The list filters and the home screen read this clock.
    monkeypatch.setattr("admin_app.views.case_filters._now", lambda: NOW)
    return made, [p1, p2]


def expected_figures(now: dt.datetime) -> dict[str, int]:
    """The figures, counted in Python over every case row (no SQL aggregate, no shared clause)."""
    cases = db.session.execute(sa.select(Case).options(selectinload(Case.steps))).scalars().all()
    high = set(db.session.execute(sa.select(RiskAssessment.case_id).where(
        RiskAssessment.final_level == RiskLevel.TINGGI)).scalars())
    referred = {x.case_id for x in db.session.execute(sa.select(ReferralLetter)).scalars() if x.status == LetterStatus.ISSUED}
    letters = db.session.execute(sa.select(AssignmentLetter).options(selectinload(AssignmentLetter.members))).scalars().all()
    open_cases = [c for c in cases if c.status == CaseStatus.OPEN]

    def run(c):
        runs = [r for r in c.steps if r.step_no == c.current_step and r.completed_at is None]
        assert len(runs) == 1, c.case_number
        return runs[0]

    late = {c.id for c in open_cases if run(c).due_at < now}
    soon = {c.id for c in open_cases if now <= run(c).due_at <= now + HOUR}
    result = {"open": len(open_cases), "overdue": len(late), "due_soon": len(soon),
              "high_risk": sum(1 for c in open_cases if c.id in high and c.id not in referred)}
    for s in STEPS:
        at = [c for c in open_cases if c.current_step == s.number]
        result[f"step_{s.number}_open"] = len(at)
        result[f"step_{s.number}_overdue"] = sum(c.id in late for c in at)
        result[f"step_{s.number}_due_soon"] = sum(c.id in soon for c in at)
    head_steps = [s.number for s in STEPS if s.role is RoleCode.KEPALA]
    result["waiting_head"] = sum(1 for c in open_cases if c.current_step in head_steps)
    for number in head_steps:
        result[f"waiting_step_{number}"] = result[f"step_{number}_open"]
    today = now.astimezone(WIB).date()
    this_month = (today.year, today.month)
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    result["intake_this"] = sum(1 for c in cases if (c.reported_date.year, c.reported_date.month) == this_month)
    result["intake_last"] = sum(1 for c in cases if (c.reported_date.year, c.reported_date.month) == last_month)
    officers = db.session.execute(sa.select(User)).scalars().all()
    for officer in officers:
        if not officer.has_role(RoleCode.PETUGAS):
            continue
        team = {x.case_id for x in letters if x.status == LetterStatus.ISSUED and officer.id in {m.user_id for m in x.members}}
        mine = {c.id for c in open_cases if c.id in team}
        result[f"officer_{officer.id}_open"] = len(mine)
        result[f"officer_{officer.id}_overdue"] = len(mine & late)
    return result


def listed(client, href: str) -> int:
    """How many cases the case list at `href` shows: the count in its tab, checked against its rows."""
    response = client.get(href)
    assert response.status_code == 200, href
    page = response.get_data(as_text=True)
    assert "alert-danger" not in page, (href, page[:3000])  # no "invalid filter" message: the filter applied
    match = re.search(r"Daftar \((\d+)\)", page)
    count = int(match.group(1)) if match else 0
    rows = set(re.findall(r'/admin/cases/details/\?id=(\d+)', page))
    assert len(rows) == count, (href, count, rows)
    return count


def dashboard_links(page: str) -> dict[str, tuple[int, str]]:
    section = page.split('id="dashboard"')[1].split("</section>")[0]
    found = {}
    for href, key, value in re.findall(r'<a class="dash-number[^"]*" href="([^"]+)" data-figure="([^"]+)">(\d+)</a>', section):
        assert key not in found, key
        found[key] = (int(value), html_lib.unescape(href))
    return found


def test_every_figure_equals_an_independent_count_and_its_link_lists_those_cases(client, unit):
    made, (p1, p2) = unit
    # The month boundary is the unit's (WIB): 23:59 on the last day belongs to November, 00:00 to December.
    assert made["last_minute_nov"].reported_date == dt.date(2026, 11, 30)
    assert made["first_minute_dec"].reported_date == dt.date(2026, 12, 1)
    expected = expected_figures(NOW)
    # The data covers what the figures tell apart (else a figure could pass by being zero).
    for key in ("overdue", "due_soon", "high_risk", "waiting_step_2", "waiting_step_6", "intake_this", "intake_last",
                f"officer_{p1.id}_overdue", f"officer_{p2.id}_overdue"):
        assert expected[key] > 0, key
    assert expected["open"] > expected["overdue"] + expected["due_soon"]  # some open cases are neither
    assert caseload_band(expected[f"officer_{p1.id}_open"]) != caseload_band(expected[f"officer_{p2.id}_open"])

    login(client, "kepala")
    page = client.get("/admin/").get_data(as_text=True)
    links = dashboard_links(page)
    assert set(links) == set(expected), set(links) ^ set(expected)
    for key, (shown, href) in links.items():
        assert shown == expected[key], (key, shown, expected[key])
        assert listed(client, href) == shown, (key, href)
    # The dashboard sits above Tugas Saya, which stays on the head's home.
    assert page.index('id="dashboard"') < page.index('id="my-work-title"') < page.index('id="my-work"')


def test_the_figures_are_few_queries_and_agree_with_the_screen(app, unit):
    made, (p1, p2) = unit
    with count_queries(db.engine) as counted:
        figures = dashboard_figures(db.session, now=NOW, zone=WIB)
    assert counted.count <= 5, counted.statements
    expected = expected_figures(NOW)
    assert figures.open == expected["open"] and figures.overdue == expected["overdue"]
    assert figures.waiting_for_head_total == expected["waiting_head"]
    assert [s.step.number for s in figures.waiting_for_head] == [s.number for s in STEPS if s.role is RoleCode.KEPALA]
    assert figures.this_month.period.label == "Desember 2026" and figures.last_month.period.label == "November 2026"
    loads = {o.user_id: o for o in figures.officers}
    assert loads[p1.id].open == expected[f"officer_{p1.id}_open"]
    assert loads[p1.id].band.code == "berat" and loads[p2.id].band.code == "ringan"


def test_caseload_bands_cover_every_count_once():
    assert caseload_band(0).code == "ringan" and caseload_band(3).code == "ringan"
    assert caseload_band(4).code == "sedang" and caseload_band(6).code == "sedang"
    assert caseload_band(7).code == "berat" and caseload_band(500).code == "berat"
    for n in range(0, 20):
        assert sum(1 for b in CASELOAD_BANDS if b.low <= n and (b.high is None or n <= b.high)) == 1


def test_a_case_leaving_a_step_moves_its_figure(client, unit, builder):
    made, _ = unit
    login(client, "kepala")
    before = dashboard_links(client.get("/admin/").get_data(as_text=True))
    builder.walk(made["nov_head_step2"], 3)
    db.session.commit()
    after = dashboard_links(client.get("/admin/").get_data(as_text=True))
    assert after["waiting_step_2"][0] == before["waiting_step_2"][0] - 1
    assert after["step_3_open"][0] == before["step_3_open"][0] + 1
    assert after["waiting_head"][0] == before["waiting_head"][0] - 1


@pytest.mark.parametrize("username", ["petugas1", "administrasi"])
def test_officers_and_administration_keep_their_home_without_the_dashboard(client, unit, username):
    login(client, username)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="dashboard"' not in page and "data-figure" not in page and 'id="my-work-title"' not in page
    assert 'id="my-work"' in page or 'id="no-work"' in page


@pytest.mark.parametrize("value", ["xyz", "", "1 OR 1=1", "%00", "kepala'--"])
def test_odd_filter_values_filter_everything_out(client, unit, value):
    login(client, "kepala")
    links = dashboard_links(client.get("/admin/").get_data(as_text=True))
    for key in ("high_risk", "waiting_head", "due_soon"):
        href = links[key][1]
        name = href.rsplit("&", 1)[-1].split("=")[0] if key == "due_soon" else href.split("?")[1].split("=")[0]
        response = client.get(f"/admin/cases/?{name}={value}")
        assert response.status_code in (200, 400), (key, value)  # 400: a NUL byte, refused before any view
        assert not re.findall(r'/admin/cases/details/\?id=(\d+)', response.get_data(as_text=True)), (key, value)


def test_an_officer_following_a_dashboard_link_sees_only_her_own_cases(client, unit):
    made, (p1, p2) = unit
    login(client, "kepala")
    links = dashboard_links(client.get("/admin/").get_data(as_text=True))
    officer = client.application.test_client()
    login(officer, "petugas2")
    letters = db.session.execute(sa.select(AssignmentLetter).options(selectinload(AssignmentLetter.members))).scalars()
    visible = {x.case_id for x in letters if x.status == LetterStatus.ISSUED and p2.id in {m.user_id for m in x.members}}
    for key in ("open", "overdue", "high_risk", "waiting_head", f"officer_{p1.id}_open", "intake_last"):
        page = officer.get(links[key][1]).get_data(as_text=True)
        shown = {int(i) for i in re.findall(r'/admin/cases/details/\?id=(\d+)', page)}
        assert shown <= visible, key
    assert 'id="dashboard"' not in officer.get("/admin/").get_data(as_text=True)
