"""The work the unit does on a large archive, through the real app in-process, beside the lists of bench_lists.py:
issuing a Surat Tugas (the step-2 form: the engine numbers the letter, the document is rendered and archived),
saving a field form (the officer's outreach log), the year recap and the compliance report (the pages, charts
included), and the month's recap as an XLSX file.

The floor of a report is the same figures as plain hand-written SQL GROUP BYs (bench_reports.py); a write has no
single-SQL floor (it is the engine's rules, the number, the document) and shows none. Each write is undone
after it is timed, untimed, so the scratch data stays as generated: the Surat Tugas is cancelled through the
engine (which returns the case to step 2, its number kept and marked, as the SOP wants), the form is saved again
and again on the same record. Rows as bench_lists.py writes them, with `ours_*`, `floor_p95_ms` and `queries`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

from bench import generate
from bench.bench_lists import OFFICER, PASSWORD, p50_p95
from bench.bench_reports import compliance_floor, recap_floor

WIB = ZoneInfo("Asia/Jakarta")
VERSION = re.compile(r'name="row_version"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="row_version"')
LOADED = re.compile(r'name="row_loaded_at"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="row_loaded_at"')


def run(database_url: str, runs: int = 15, *, quiet: bool = False) -> list[dict]:  # noqa: C901 - one spelled-out run
    from sqlalchemy import event, func, select, text

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.models import AssignmentLetter, Case, CaseOfficer, CaseStatus, LetterStatus, OutreachLog, User
    from admin_app.reports.periods import Period
    from admin_app.serving import settle_garbage_collector
    from admin_app.sop.policy import load_deadline_policy
    from admin_app.sop.process import CaseProcess

    say = (lambda *a, **k: None) if quiet else print
    app = create_app({**generate.app_config(database_url), "WTF_CSRF_ENABLED": False})
    statements: list[str] = []
    today = dt.datetime.now(WIB).date()
    year = Period.year(today.year)
    month = Period.month(today.year, today.month).previous()
    with app.app_context():
        dialect = db.engine.dialect.name
        cases = db.session.execute(select(func.count(Case.id))).scalar_one()
        head = db.session.execute(select(User).where(User.username == "kepala")).scalar_one()
        officer = db.session.execute(select(User).where(User.username == OFFICER)).scalar_one()
        at_step = lambda number, *more: db.session.execute(  # noqa: E731
            select(Case.id).where(Case.status == CaseStatus.OPEN, Case.current_step == number, *more)
            .order_by(Case.received_at.desc()).limit(1)).scalar_one_or_none()
        to_assign = at_step(2)
        outreach_case = at_step(3, select(CaseOfficer.case_id).where(
            CaseOfficer.case_id == Case.id, CaseOfficer.user_id == officer.id, CaseOfficer.on_team).exists())
        head_id, officer_id = head.id, officer.id
        db.session.rollback()
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    clients = {}
    for username in ("kepala", OFFICER):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        clients[username] = client
    settle_garbage_collector()  # as a gunicorn worker does (deploy/gunicorn.conf.py)

    def floor(queries, params):
        def timed_floor():
            with app.app_context(), db.engine.connect() as connection:
                for sql in queries:
                    connection.execute(text(sql), params).fetchall()
        return timed_floor

    def page(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    def issue_surat_tugas():
        response = clients["kepala"].post(f"/admin/cases/langkah/{to_assign}/instruct_outreach", data={
            "officers": str(officer_id), "purpose": "Melaksanakan penjangkauan korban (pengukuran kinerja).",
            "outreach_date": today.isoformat(), "signer_capacity": "", "note": ""})
        assert response.status_code == 302 and f"id={to_assign}" in response.headers["Location"], response.status_code

    def cancel_surat_tugas():  # untimed: the case back at step 2 for the next run, as the SOP's cancel does
        with app.app_context():
            letter = db.session.execute(select(AssignmentLetter).where(
                AssignmentLetter.case_id == to_assign, AssignmentLetter.status == LetterStatus.ISSUED)).scalar_one()
            process = CaseProcess(db.session, load_deadline_policy(db.session))
            process.cancel_letter(db.session.get(User, head_id), letter, "Pengukuran kinerja: dibatalkan kembali")
            db.session.commit()

    form_fields = {"verification_notes": "Dicocokkan dengan kelurahan (pengukuran kinerja).",
                   "address_traced": "Jl. Contoh No. 1", "team_present": "Petugas Bench", "companions": "",
                   "rescue_actions": "tidak diperlukan", "safety_actions": "", "initial_support": "",
                   "departed_at": "", "arrived_at": "", "returned_at": ""}
    form_url: list[str] = []

    def prepare_form():  # untimed: the edit page of the outreach log, for its row version
        client = clients[OFFICER]
        if not form_url:
            response = client.get(f"/admin/outreach_log/new/?case_id={outreach_case}")
            if response.status_code == 200:
                assert client.post(f"/admin/outreach_log/new/?case_id={outreach_case}",
                                   data=form_fields).status_code == 302
            with app.app_context():
                log_id = db.session.execute(select(OutreachLog.id).where(
                    OutreachLog.case_id == outreach_case)).scalar_one()
            form_url.append(f"/admin/outreach_log/edit/?id={log_id}")
        html = client.get(form_url[0]).get_data(as_text=True)
        version, loaded = VERSION.search(html), LOADED.search(html)
        return {"row_version": next(v for v in version.groups() if v is not None),
                "row_loaded_at": next(v for v in loaded.groups() if v is not None)}

    def save_form(hidden):
        data = {**form_fields, **hidden, "verification_notes": f"Dicocokkan pukul {time.time():.0f}."}
        response = clients[OFFICER].post(form_url[0], data=data)
        assert response.status_code == 302, response.status_code

    recap_params = {"a": year.start, "b": year.end}
    begin, end = year.utc_bounds(WIB)
    scenarios = {
        ("rekap_tahun", "kepala"): (page(clients["kepala"], f"/admin/rekap/?periode=tahun&tahun={year.start.year}"),
                                    floor(recap_floor(dialect), recap_params)),
        ("kepatuhan_tahun", "kepala"): (
            page(clients["kepala"], f"/admin/kepatuhan/?periode=tahun&tahun={year.start.year}"),
            floor(compliance_floor(dialect), {"begin": begin, "end": end, "now": dt.datetime.now(dt.timezone.utc)})),
        ("ekspor_rekap_bulan_xlsx", "kepala"): (
            page(clients["kepala"], f"/admin/rekap/xlsx?periode=bulan&tahun={month.start.year}&bulan={month.start.month}"),
            floor(recap_floor(dialect), {"a": month.start, "b": month.end})),
    }
    writes = {}
    if to_assign is not None:
        writes[("terbitkan_surat_tugas", "kepala")] = (lambda: None, issue_surat_tugas, cancel_surat_tugas)
    if outreach_case is not None:
        writes[("simpan_formulir", OFFICER)] = (prepare_form, save_form, lambda: None)

    rows_out = []
    say(f"{dialect}, {cases} cases, {runs} runs each: work and reports")

    def report(name, role, ours, floor_samples, queries):
        ours_p50, ours_p95 = p50_p95(ours)
        floor_p95 = p50_p95(floor_samples)[1] if floor_samples else None
        row = {"scenario": name, "role": role, "cases": cases, "db": dialect, "ours_p50_ms": ours_p50,
               "ours_p95_ms": ours_p95, "plain_p95_ms": None, "floor_p95_ms": floor_p95,
               "ours_over_floor": round(ours_p95 / max(floor_p95, 0.1), 2) if floor_p95 else None,
               "plain_over_ours": None, "queries": queries}
        rows_out.append(row)
        say(f"{name:24s} {role:9s} {ours_p50:9.1f} {ours_p95:9.1f} {'':>10s} "
            f"{floor_p95 if floor_p95 is not None else float('nan'):10.1f} "
            f"{row['ours_over_floor'] or float('nan'):10.2f} {'':>10s} {queries:7d}")

    def timed(fn, *args) -> float:
        started = time.perf_counter()
        fn(*args)
        return time.perf_counter() - started

    for (name, role), (ours, floor_fn) in scenarios.items():
        ours(), floor_fn()  # warm once
        statements.clear()
        ours()
        queries = len([s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))])
        samples = {"ours": [], "floor": []}
        for _ in range(max(3, runs // 3)):  # a report reads a year: fewer runs
            samples["ours"].append(timed(ours))
            samples["floor"].append(timed(floor_fn))
        report(name, role, samples["ours"], samples["floor"], queries)
    for (name, role), (prepare, write, undo) in writes.items():
        ready = prepare()
        write(*([ready] if ready is not None else []))  # warm once
        undo()
        ours, queries = [], 0
        for attempt in range(runs):
            ready = prepare()
            statements.clear()
            ours.append(timed(write, *([ready] if ready is not None else [])))
            if attempt == 0:
                queries = len([s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))])
            undo()
        report(name, role, ours, [], queries)
    return rows_out
