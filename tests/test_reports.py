"""The recap and the SOP compliance report: every figure equals a count made here, independently, in plain Python
over the rows the engine wrote (no SQL of ours), on SQLite and PostgreSQL. The cases cover several victims and
perpetrators in one case, a returned step, a late step, cases in the month before, and the month's boundary at
midnight WIB; the recap is also read back from the XLSX the head downloads."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import (
    Case,
    CaseIdentification,
    CaseStatus,
    CaseStep,
    Education,
    InterventionPlan,
    MaritalStatus,
    Occupation,
    Perpetrator,
    PerpetratorRelation,
    PlanItemStatus,
    Sex,
    User,
    Victim,
    ViolenceType,
)
from admin_app.reports import recaps
from admin_app.reports.compliance import build_compliance
from admin_app.reports.periods import Period, PeriodError, parse_period
from admin_app.sop.steps import STEPS, total_service_time
from tests.helpers import login

WIB = ZoneInfo("Asia/Jakarta")
NOVEMBER = Period.month(2026, 11)
NOT_FILLED = "Tidak diisi"
SEX = {Sex.PEREMPUAN: "Perempuan", Sex.LAKI_LAKI: "Laki-laki"}


def _ref(model, code):
    return db.session.execute(select(model).where(model.code == code)).scalar_one()


@pytest.fixture
def cases(builder, clock, team):
    """Five cases: October (finished), November (two victims and two perpetrators, finished with a late step;
    one with a step returned), 23:59 WIB on 30 November, and 00:00 WIB on 1 December."""
    clock.now = dt.datetime(2026, 10, 5, 3, 0, tzinfo=dt.timezone.utc)
    october = builder.register(child=False, story=0)
    builder.walk(october, 7)

    clock.now = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.timezone.utc)
    several = builder.register(child=True, story=1)
    several.victims.append(Victim(full_name="Ani Lestari", sex=Sex.PEREMPUAN, age_estimate=30,
                                  education=_ref(Education, "slta"), occupation=_ref(Occupation, "ibu_rumah_tangga"),
                                  marital_status=_ref(MaritalStatus, "kawin")))
    several.perpetrators.append(Perpetrator(full_name="Tono", sex=Sex.LAKI_LAKI, birth_date=dt.date(1990, 12, 1),
                                            relation=_ref(PerpetratorRelation, "tetangga"),
                                            education=_ref(Education, "sd")))
    db.session.flush()
    builder.walk(several, 7, late_step=3)
    several.victims[1].has_disability = True  # recorded after the field work (its kind left empty)

    clock.now = dt.datetime(2026, 11, 9, 3, 0, tzinfo=dt.timezone.utc)
    returned = builder.register(child=False, story=2)
    builder.walk(returned, 2)
    clock.advance(minutes=5)
    builder.process.perform("return_1", team.kepala, returned, reason="Alamat korban belum lengkap, mohon dilengkapi.")
    builder.walk(returned, 5)

    clock.now = dt.datetime(2026, 11, 30, 16, 59, tzinfo=dt.timezone.utc)  # 23:59 WIB, 30 November
    last_minute = builder.register(child=False, story=5)
    builder.walk(last_minute, 2)
    clock.now = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.timezone.utc)  # 00:00 WIB, 1 December
    next_month = builder.register(child=True, story=6)
    builder.walk(next_month, 3)
    db.session.commit()
    assert last_minute.reported_date == dt.date(2026, 11, 30) and next_month.reported_date == dt.date(2026, 12, 1)
    return {"october": october, "several": several, "returned": returned, "last_minute": last_minute,
            "next_month": next_month}


# ------------------------------------------------------------------------------- the independent count
def _age_group(years):
    if years is None:
        return NOT_FILLED
    for low, high, label in ((0, 5, "0-5"), (6, 12, "6-12"), (13, 17, "13-17"), (18, 24, "18-24"),
                             (25, 44, "25-44"), (45, 59, "45-59")):
        if low <= years <= high:
            return label
    return "60+"


def _delay(case):
    if case.incident_date is None:
        return NOT_FILLED
    days = (case.reported_date - case.incident_date).days
    if days < 0:
        return NOT_FILLED
    if days <= 3:
        return "0-3 hari"
    if days <= 5:
        return "4-5 hari"
    if days <= 14:
        return "6-14 hari"
    if days <= 30:
        return "15 hari - 1 bulan"
    return "Lebih dari 1 bulan"


def _label(value):
    return value.label if value is not None else NOT_FILLED


def expected_recap(period: Period, kecamatan_id: int | None = None) -> dict[str, Counter]:  # noqa: C901 - one spelled-out count
    """Per table code: Counter of (row label, first count, second count) for rows with a count, and totals."""
    chosen = [c for c in db.session.execute(select(Case)).scalars()
              if period.start <= c.reported_date <= period.end
              and (kecamatan_id is None or (c.incident_region and c.incident_region.parent_id == kecamatan_id))]
    identification = {i.victim_id: i for i in db.session.execute(select(CaseIdentification)).scalars()}
    plans = {p.case_id: p for p in db.session.execute(select(InterventionPlan)).scalars()}
    by_case: dict[str, dict] = defaultdict(lambda: defaultdict(set))  # code -> label -> case ids
    by_victim: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    by_perpetrator: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    cases_of: dict[str, dict] = defaultdict(lambda: defaultdict(set))  # second column of victim/perp tables
    victims_of: dict[str, dict] = defaultdict(lambda: defaultdict(set))  # second column of case tables
    cross = Counter()
    for case in chosen:
        day = case.incident_date or case.reported_date
        case_labels = {
            "bentuk_kekerasan": [t.label for t in case.violence_types] or [NOT_FILLED],
            "tempat_kejadian": [_label(case.incident_place)],
            "kecamatan": [case.incident_region.parent.name if case.incident_region else NOT_FILLED],
            "kelurahan": [case.incident_region.name if case.incident_region else NOT_FILLED],
            "kanal": [_label(case.intake_channel)],
            "waktu_lapor": [_delay(case)],
        }
        for code, labels in case_labels.items():
            for label in labels:
                by_case[code][label].add(case.id)
                victims_of[code][label].update(v.id for v in case.victims)
        plan = plans.get(case.id)
        services = sorted({i.service_type.label for i in (plan.items if plan else []) if i.status != PlanItemStatus.CANCELLED})
        for victim in case.victims:
            ident = identification.get(victim.id)
            if not victim.has_disability:
                disability = "Bukan penyandang disabilitas"
            else:
                disability = victim.disability_kind.label if victim.disability_kind else "Disabilitas (jenis tidak diisi)"
            victim_labels = {
                "korban_jenis_kelamin": [SEX.get(victim.sex, NOT_FILLED)],
                "korban_usia": [_age_group(victim.age_on(day))],
                "korban_pendidikan": [_label(victim.education)],
                "korban_pekerjaan": [_label(victim.occupation)],
                "korban_status_perkawinan": [_label(victim.marital_status)],
                "korban_disabilitas": [disability],
                "jenis_kasus": [NOT_FILLED if ident is None or ident.case_kind is None else
                                {"KTP": "KTP (Kekerasan Terhadap Perempuan)", "KTA": "KTA (Kekerasan Terhadap Anak)"}[ident.case_kind.value]],
                "tppo": [NOT_FILLED if ident is None else ("TPPO" if ident.is_trafficking else "Bukan TPPO")],
                "ampk": [NOT_FILLED if ident is None or ident.ampk_category is None else ident.ampk_category.label],
                "layanan": services or [NOT_FILLED],
            }
            for code, labels in victim_labels.items():
                for label in labels:
                    by_victim[code][label].add(victim.id)
                    cases_of[code][label].add(case.id)
            for violence in case.violence_types:
                cross[(violence.label, _age_group(victim.age_on(day)), SEX.get(victim.sex))] += 1
        for perpetrator in case.perpetrators:
            perpetrator_labels = {
                "hubungan_pelaku": _label(perpetrator.relation),
                "pelaku_jenis_kelamin": SEX.get(perpetrator.sex, NOT_FILLED),
                "pelaku_usia": _age_group(perpetrator.age_on(day)),
                "pelaku_pendidikan": _label(perpetrator.education),
                "pelaku_pekerjaan": _label(perpetrator.occupation),
            }
            for code, label in perpetrator_labels.items():
                by_perpetrator[code][label].add(perpetrator.id)
                cases_of[code][label].add(case.id)
    result: dict[str, Counter] = {}
    for code, rows in by_case.items():
        result[code] = Counter((label, len(ids), len(victims_of[code][label])) for label, ids in rows.items())
    for source in (by_victim, by_perpetrator):
        for code, rows in source.items():
            result[code] = Counter((label, len(ids), len(cases_of[code][label])) for label, ids in rows.items())
    result["silang"] = cross
    months = Counter()
    for case in chosen:
        months[(case.reported_date.year, case.reported_date.month, "kasus")] += 1
        months[(case.reported_date.year, case.reported_date.month, "korban")] += len(case.victims)
    result["tren"] = months
    victims = [v for c in chosen for v in c.victims]
    result["totals"] = Counter({
        "kasus": len(chosen), "korban": len(victims), "pelaku": sum(len(c.perpetrators) for c in chosen),
        "korban_anak": sum(1 for c in chosen for v in c.victims
                           if (v.age_on(c.incident_date or c.reported_date) or 99) < 18),
    })
    return result


def _nonzero(table) -> Counter:
    return Counter((row.label, *row.counts) for row in table.rows if any(row.counts))


def _compare(recap, expected):
    for category in recaps.CATEGORIES:
        assert _nonzero(recap.table(category.code)) == expected.get(category.code, Counter()), category.code
    cross = recap.table("silang")
    heads = cross.columns[1:-1]
    got = Counter()
    for row in cross.rows:
        for head, count in zip(heads, row.counts[:-1]):
            if count:
                group, sex = head.rsplit(" ", 1)
                got[(row.label, group, {"P": "Perempuan", "L": "Laki-laki"}[sex])] += count
    assert got == Counter({k: v for k, v in expected["silang"].items() if k[1] != NOT_FILLED and k[2]})
    for row in cross.rows:
        assert row.counts[-1] == sum(v for k, v in expected["silang"].items() if k[0] == row.label)
    trend = {row.label: row.counts for row in recap.table("tren").rows}
    for (year, month, what), count in expected["tren"].items():
        label = f"{['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'][month - 1]} {year}"
        assert trend[label][0 if what == "kasus" else 1] == count
    assert sum(c[0] for c in trend.values()) == expected["totals"]["kasus"]
    assert recap.totals == dict(expected["totals"])


# ------------------------------------------------------------------------------- the recap
def test_recap_matches_the_independent_count(cases):
    for period in (NOVEMBER, Period.month(2026, 10), Period.month(2026, 12), Period.year(2026),
                   Period.quarter(2026, 4), Period(dt.date(2026, 11, 30), dt.date(2026, 12, 1))):
        expected = expected_recap(period)
        _compare(recaps.build_recap(db.session, period), expected)
    november = expected_recap(NOVEMBER)
    assert november["totals"]["kasus"] == 3  # the 23:59 WIB case is November's, the 00:00 WIB one December's
    assert november["totals"]["korban"] == 4 and november["totals"]["pelaku"] == 4


def test_recap_runs_a_fixed_number_of_queries_and_two_for_all_labels(cases):
    from tests.helpers import count_queries

    with count_queries(db.engine) as counted:
        recap = recaps.build_recap(db.session, NOVEMBER)
    # one statement per subject for every category that joins no table of its own (or one row of one: the
    # period's victims are read once for all their tables; the trend and the totals come with them), one per
    # category joining a many-valued table (violence types, services), the cross table, and the labels of every
    # table from two queries (all reference values, all regions)
    many = [c for c in recaps.CATEGORIES if c.join is not None and not c.one_to_one]
    assert counted.count == len(recaps.Subject) + len(many) + 1 + 2, counted.statements
    assert len(recap.tables) == len(recaps.CATEGORIES) + 2


def test_recap_of_one_kecamatan_and_of_an_empty_period(cases):
    kecamatan = cases["several"].incident_region.parent_id
    _compare(recaps.build_recap(db.session, NOVEMBER, kecamatan), expected_recap(NOVEMBER, kecamatan))
    empty = recaps.build_recap(db.session, Period.month(2025, 1))
    assert empty.totals == {"kasus": 0, "korban": 0, "korban_anak": 0, "pelaku": 0}
    assert all(not any(row.counts) for table in empty.tables for row in table.rows)
    # every category still lists its rows (e.g. each violence type) with zeros
    assert len(empty.table("bentuk_kekerasan").rows) == len(db.session.execute(select(ViolenceType)).all())


def _sheet_rows(sheet):
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r[0] == "Dibuat") + 2  # title, heading lines, table title
    rows = []
    for row in values[header + 1:]:
        if row[0] is None:
            break
        rows.append(row)
    return values[header - 1][0], rows


def test_the_head_downloads_the_month_as_xlsx_and_every_figure_matches(cases, client):
    login(client, "kepala")
    response = client.get("/admin/rekap/xlsx?periode=bulan&tahun=2026&bulan=11")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="rekap-2026-11-01-2026-11-30.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.data))
    expected = expected_recap(NOVEMBER)
    titles = {c.title: c.code for c in recaps.CATEGORIES}
    seen = set()
    for sheet in book.worksheets:
        assert sheet["B2"].value == "November 2026"  # the period at the top of every sheet
        title, rows = _sheet_rows(sheet)
        if title == "Ringkasan":
            got = {r[0]: r[1] for r in rows}
            assert got == {"Kasus": 3, "Korban": 4, "Korban anak (di bawah 18 tahun)": expected["totals"]["korban_anak"],
                           "Pelaku": 4}
        elif title in titles:
            assert Counter(tuple(r[:3]) for r in rows if any(r[1:3])) == expected[titles[title]], title
            seen.add(titles[title])
        elif title == "Tren bulanan":
            assert rows == [["November 2026", 3, 4]]
    assert seen == set(titles.values())
    names = [c.full_name for c in cases["several"].victims] + [p.full_name for p in cases["several"].perpetrators]
    text = " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    assert not any(name in text for name in names)  # aggregates only


def test_recap_screen_shows_the_figures_and_charts(cases, client):
    login(client, "kepala")
    page = client.get("/admin/rekap/?periode=bulan&tahun=2026&bulan=11").get_data(as_text=True)
    assert 'data-total="kasus">3<' in page and 'data-total="korban">4<' in page
    assert page.count("<svg") >= 8 and "cdn" not in page.lower()
    assert "Ani Lestari" not in page
    assert "November 2026" in page


@pytest.mark.parametrize("query, message", [
    ("periode=bulan&tahun=2026&bulan=13", "Bulan harus angka 1 sampai 12."),
    ("periode=mingguan", "Jenis periode tidak dikenal"),
    ("periode=rentang&dari=2026-12-01&sampai=2026-11-01", "Tanggal akhir periode tidak boleh sebelum"),
    ("periode=rentang&dari=kemarin&sampai=2026-11-01", "Isi tanggal awal dengan tanggal yang benar"),
    ("periode=tahun&tahun=1800", "Tahun harus angka"),
    ("kecamatan=99999999", "Kecamatan tidak dikenal"),
    ("kecamatan=abc", "Kecamatan tidak dikenal"),
])
def test_bad_report_input_gets_a_clear_message(app, team, client, query, message):
    login(client, "kepala")
    for path in ("/admin/rekap/", "/admin/rekap/xlsx", "/admin/kepatuhan/", "/admin/kepatuhan/xlsx"):
        response = client.get(f"{path}?{query}")
        if "kecamatan" in query and "kepatuhan" in path:
            # The compliance report is the unit's, not a kecamatan's: it neither reads nor refuses one.
            assert response.status_code == 200, path
            continue
        assert response.status_code == 400, path
        assert message in response.get_data(as_text=True), path


def test_reports_are_the_heads_only(app, team):
    for user in ("petugas1", "administrasi"):
        client = app.test_client()
        login(client, user)
        for path in ("/admin/rekap/", "/admin/rekap/xlsx", "/admin/kepatuhan/", "/admin/kepatuhan/xlsx"):
            assert client.get(path).status_code == 403, (user, path)


def test_period_parsing_at_the_edges():
    today = dt.date(2026, 12, 3)
    assert parse_period({}, today) == Period.month(2026, 12)
    assert parse_period({"periode": "triwulan", "tahun": "2026", "triwulan": "1"}, today) == Period.quarter(2026, 1)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    begin, end = NOVEMBER.utc_bounds(WIB)
    assert begin == dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.timezone.utc)
    assert end == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.timezone.utc)
    with pytest.raises(PeriodError):
        Period(dt.date(2010, 1, 1), dt.date(2026, 1, 1))


# ------------------------------------------------------------------------------- compliance
def _nearest_rank(values, percent):
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)  # ceil
    return ordered[rank - 1]


def _close(a, b):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1.0)


def expected_compliance(period: Period, now: dt.datetime):
    begin, end = period.utc_bounds(WIB)
    runs = [r for r in db.session.execute(select(CaseStep)).scalars() if begin <= r.started_at < end]

    def counts(rows):
        on_time = sum(1 for r in rows if r.completed_at and r.completed_at <= r.due_at)
        late = sum(1 for r in rows if (r.completed_at and r.completed_at > r.due_at) or (not r.completed_at and r.due_at < now))
        return (len(rows), sum(1 for r in rows if r.completed_at), on_time, late,
                sum(1 for r in rows if not r.completed_at and r.due_at < now), sum(1 for r in rows if r.returned))

    def durations(rows):
        values = [(r.completed_at - r.started_at).total_seconds() for r in rows if r.completed_at and not r.returned]
        return len(values), _nearest_rank(values, 50), _nearest_rank(values, 90)

    steps = {s.number: (counts([r for r in runs if r.step_no == s.number]),
                        durations([r for r in runs if r.step_no == s.number])) for s in STEPS}
    people = {}
    for user_id in {r.completed_by_id for r in runs if r.completed_by_id}:
        mine = [r for r in runs if r.completed_by_id == user_id]
        people[user_id] = (counts(mine), durations(mine))
    months = {}
    for year, month in period.months():
        b, e = Period.month(year, month).utc_bounds(WIB)
        months[(year, month)] = counts([r for r in runs if b <= r.started_at < e])
    late = [r for r in runs if (r.completed_at and r.completed_at > r.due_at) or (not r.completed_at and r.due_at < now)]
    finished = [c for c in db.session.execute(select(Case)).scalars()
                if c.status == CaseStatus.FINISHED and begin <= c.finished_at < end]
    whole = [(c.finished_at - c.received_at).total_seconds() for c in finished]
    standard = total_service_time().total_seconds()
    service = (len(finished), sum(1 for w in whole if w <= standard), _nearest_rank(whole, 50), _nearest_rank(whole, 90))
    return steps, people, months, late, service


def _check_compliance(period, now):
    report = build_compliance(db.session, period, now=now, zone=WIB)
    steps, people, months, late, service = expected_compliance(period, now)
    for figures in report.steps:
        want_counts, (n, median, p90) = steps[figures.step.number]
        c = figures.counts
        assert (c.runs, c.ended, c.on_time, c.late, c.open_late, c.returned) == want_counts, figures.step.number
        assert figures.durations.count == n
        assert _close(figures.durations.median, median) and _close(figures.durations.p90, p90), figures.step.number
    assert {p.user_id for p in report.people} == set(people)
    for person in report.people:
        want_counts, (n, median, p90) = people[person.user_id]
        c = person.counts
        assert (c.runs, c.ended, c.on_time, c.late, c.open_late, c.returned) == want_counts
        assert _close(person.durations.median, median) and _close(person.durations.p90, p90)
        assert person.name == db.session.get(User, person.user_id).full_name
    for month, (year_month, want) in zip(report.months, months.items()):
        c = month.counts
        assert (c.runs, c.ended, c.on_time, c.late, c.open_late, c.returned) == want, year_month
    assert report.late_total == len(late)
    assert sorted((r.case_id, r.step.number, r.attempt) for r in report.late_runs) == sorted(
        (r.case_id, r.step_no, r.attempt) for r in late)
    for run in report.late_runs:
        assert run.late_by == (run.ended_at or now) - run.due_at and run.late_by > dt.timedelta(0)
    finished, within, median, p90 = service
    assert (report.service.finished, report.service.within) == (finished, within)
    assert _close(report.service.durations.median, median) and _close(report.service.durations.p90, p90)
    return report


def test_compliance_matches_the_independent_count(cases, clock):
    now = clock.now + dt.timedelta(days=3)  # some open steps are past their due time by then
    november = _check_compliance(NOVEMBER, now)
    assert any(f.counts.returned for f in november.steps)  # the returned step 2 is counted as a return
    assert any(r.step.number == 3 for r in november.late_runs)  # the late outreach
    assert november.service.finished == 1
    for period in (Period.month(2026, 10), Period.month(2026, 12), Period.year(2026), Period.month(2025, 1)):
        _check_compliance(period, now)
    empty = build_compliance(db.session, Period.month(2025, 1), now=now, zone=WIB)
    assert all(f.counts.runs == 0 and f.durations.median is None for f in empty.steps)
    assert empty.service.finished == 0 and empty.late_runs == ()


def test_compliance_screen_lists_the_late_steps_with_links(cases, client, clock):
    login(client, "kepala")
    page = client.get("/admin/kepatuhan/?periode=tahun&tahun=2026").get_data(as_text=True)
    late = build_compliance(db.session, Period.year(2026), now=dt.datetime.now(dt.timezone.utc), zone=WIB).late_runs
    assert late
    for run in late:
        assert f'/admin/cases/details/?id={run.case_id}">{run.case_number}</a>' in page
    assert 'id="compliance-steps"' in page and "<svg" in page
    xlsx = client.get("/admin/kepatuhan/xlsx?periode=tahun&tahun=2026")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert [s.title for s in book.worksheets][:3] == ["Kepatuhan per langkah", "Per pelaksana", "Tren bulanan"]
    numbers = {r[0] for r in book["Langkah terlambat"].iter_rows(values_only=True)}
    assert {run.case_number for run in late} <= numbers


def test_demo_cases_late_steps_are_in_the_compliance_report(app, client):
    from admin_app.seeding.demo import load_demo_data

    load_demo_data(db.session, fast_hash=True)
    db.session.commit()
    now = dt.datetime.now(dt.timezone.utc)
    late_cases = {c.case_number for c, r in db.session.execute(select(Case, CaseStep).join(CaseStep)).all()
                  if (r.completed_at and r.completed_at > r.due_at) or (not r.completed_at and r.due_at < now)}
    assert late_cases
    login(client, "kepala", "jangkau-demo")
    today = now.astimezone(WIB).date()
    page = client.get(f"/admin/kepatuhan/?periode=rentang&dari={today.year - 1}-01-01&sampai={today.isoformat()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(number in text for number in late_cases)
