"""The case list, its searches and filters, and the case page at scale: ours against two references in the same
run, interleaved request by request (the machine is shared and noisy).

- OURS: the real app in-process (test client), logged in as the head (sees every case) and as an officer (sees
  the cases of her Surat Tugas, about a tenth).
- PLAIN: a stock Flask-Admin `ModelView` with default settings over the same `cases` table in the same app
  (`/plain/cases/`), searching the same columns (case number, victims' names) and filtering on the step.
- FLOOR: a minimal Flask view (`/floor/...`) running the best single SQL for the same page and a plain Jinja table.

Per scenario: p50 and p95 of each, ours/floor, plain/ours (above 1: ours is faster) and the SQL statements ours
ran for one request. Needs a database written by `bench/generate.py`.

Run:  .venv/bin/python bench/bench_lists.py --database-url sqlite:////tmp/bench-100k.sqlite3 --runs 15
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402 - after the path
from bench.bench_reports import timing_stats  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "jangkau-demo"
OFFICER = "petugas1"

FLOOR_TABLE = """<table>{% for r in rows %}<tr>{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table>"""


def p50_p95(samples: list[float]) -> tuple[float, float]:
    figures = timing_stats(samples)  # the same p50 / p95 as the reports bench
    return figures["p50_ms"], figures["p95_ms"]


def _floor_sql(dialect: str) -> dict[str, str]:
    """The best single statement per page: 20 rows with their victims' names, newest first. The officer's team
    test is the per-case EXISTS the app uses (sop/access.py); a common name part, a risk level and a violence type
    each a per-case EXISTS as the list walks newest first (the fastest form for values many cases hold)."""
    names = "group_concat(v.full_name, ', ')" if dialect == "sqlite" else "string_agg(v.full_name, ', ')"
    row = (f"SELECT c.id, c.case_number, c.received_at, c.current_step, c.status, "
           f"(SELECT {names} FROM victims v WHERE v.case_id = c.id) AS victims FROM cases c")
    fence = "LIMIT -1 OFFSET 0" if dialect == "sqlite" else "OFFSET 0"
    team = ("EXISTS (SELECT 1 FROM case_officers t WHERE t.case_id = {case} AND t.user_id = :officer AND t.on_team "
            + fence + ")")
    seen = "(:all = 1 OR " + team.format(case="c.id") + ")"
    page = " ORDER BY c.received_at DESC LIMIT 20 OFFSET :offset"
    return {
        "list": row + " WHERE " + seen + page,
        "case_number": row + " WHERE c.case_number = :number AND " + seen,
        # The part is common (a family name's first letters): newest first, each case's victims checked.
        "name": row + " WHERE " + seen + " AND EXISTS (SELECT 1 FROM victims v2 WHERE v2.case_id = c.id AND "
                      "lower(v2.full_name) LIKE :pattern " + fence + ")" + page,
        "step": row + " WHERE c.current_step = :step AND " + seen + page,
        "overdue": row + " WHERE " + seen + " AND c.id IN (SELECT s.case_id FROM case_steps s "
                         "WHERE s.completed_at IS NULL AND s.due_at < :now)" + page,
        "risk": row + " WHERE " + seen + " AND EXISTS (SELECT 1 FROM risk_assessments r WHERE r.case_id = c.id "
                      "AND r.final_level = :value " + fence + ")" + page,
        "violence": row + " WHERE " + seen + " AND EXISTS (SELECT 1 FROM case_violence_types t2 WHERE "
                          "t2.case_id = c.id AND t2.violence_type_id = :value " + fence + ")" + page,
        "kecamatan": row + " WHERE " + seen + " AND c.incident_region_id IN (SELECT id FROM regions "
                           "WHERE parent_id = :value OR id = :value)" + page,
        "officer": row + " WHERE " + seen + " AND " + team.format(case="c.id").replace(":officer", ":value") + page,
        "reported": row + " WHERE " + seen + " AND c.reported_date BETWEEN :start AND :end" + page,
        "by_number": row + " WHERE " + seen + " ORDER BY c.case_number DESC LIMIT 20",
        "my_work": row + " WHERE c.status = 'terbuka' AND " + seen + " ORDER BY c.received_at LIMIT 200",
        "nik": "SELECT v.id, v.full_name, v.case_id FROM victims v WHERE v.nik_hash = :hash AND (:all = 1 OR "
               + team.format(case="v.case_id") + ")",
        "case": row + " WHERE c.id = :case_id",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database written by bench/generate.py")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=None, help="default: bench/results/lists-<database>.json")
    args = parser.parse_args()
    rows = run(args.database_url, args.runs)
    write(rows, args.runs, args.json or RESULTS / f"lists-{rows[0]['db']}.json")


def write(rows: list[dict], runs: int, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": {"python": platform.python_version(),
                                              "cpus": __import__("os").cpu_count()},
                                  "runs": runs, "rows": rows}, indent=2) + "\n")
    print(f"written to {output}")


def run(database_url: str, runs: int = 15, *, quiet: bool = False) -> list[dict]:  # noqa: C901 - one spelled-out run
    """Every scenario as the head and as an officer; returns one row per scenario and role."""
    import datetime as dt

    from flask import render_template_string, request
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from sqlalchemy import event, func, select, text

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.models import Case, CaseOfficer, Region, RegionLevel, User, Victim, ViolenceType
    from admin_app.models.encryption import nik_index
    from admin_app.serving import settle_garbage_collector

    say = (lambda *a, **k: None) if quiet else print
    app = create_app({**generate.app_config(database_url), "WTF_CSRF_ENABLED": False})

    class PlainCases(ModelView):  # Flask-Admin's defaults, searching what ours searches
        can_view_details = True
        column_searchable_list = ("case_number", "victims.full_name")
        column_filters = ("current_step",)

    plain = Admin(app, name="Plain", url="/plain", endpoint="plain")
    plain.add_view(PlainCases(Case, db, endpoint="plain_cases", url="/plain/cases"))

    with app.app_context():
        dialect = db.engine.dialect.name
    sql = _floor_sql(dialect)

    @app.route("/floor/<name>")
    def floor(name: str):
        args = request.args
        params = {"offset": int(args.get("offset", 0)), "all": int(args.get("all", 1)),
                  "officer": int(args.get("officer", 0)), "number": args.get("number", ""),
                  "pattern": f"%{args.get('q', '').lower()}%", "step": int(args.get("step", 0)),
                  "now": dt.datetime.now(dt.timezone.utc), "case_id": int(args.get("case_id", 0)),
                  "value": args.get("value", ""), "start": args.get("start", ""), "end": args.get("end", ""),
                  "hash": nik_index(args.get("nik", "")) or ""}
        if params["value"].isdigit():
            params["value"] = int(params["value"])
        statement = text(sql[name])
        params = {k: v for k, v in params.items() if f":{k}" in sql[name]}
        rows = db.session.execute(statement, params).all()
        return render_template_string(FLOOR_TABLE, rows=rows)

    statements: list[str] = []
    rows_out = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        cases = db.session.execute(select(func.count(Case.id))).scalar_one()
        officer_id = db.session.execute(select(User.id).where(User.username == OFFICER)).scalar_one()
        # her team's cases now (a Surat Tugas the work bench issued and cancelled again names her, but no longer)
        officer_cases = select(CaseOfficer.case_id).where(CaseOfficer.user_id == officer_id, CaseOfficer.on_team)
        officer_case = db.session.execute(officer_cases.order_by(CaseOfficer.case_id.desc()).limit(1)).scalar_one()
        some_case = db.session.execute(select(Case.id).order_by(Case.id).offset(cases // 2).limit(1)).scalar_one()
        numbers = dict(db.session.execute(select(Case.id, Case.case_number).where(
            Case.id.in_([officer_case, some_case]))).all())
        name_part = db.session.execute(select(Victim.full_name).where(Victim.case_id == some_case)
                                       .limit(1)).scalar_one().split()[-1][:4].lower()
        niks = {case_id: db.session.execute(select(Victim.nik).where(Victim.nik.is_not(None), among)
                                            .order_by(Victim.case_id.desc()).limit(1)).scalar_one()
                for case_id, among in ((officer_case, Victim.case_id.in_(officer_cases)),
                                       (some_case, Victim.case_id <= some_case))}
        violence = db.session.execute(select(ViolenceType.id).order_by(ViolenceType.sort_order).limit(1)).scalar_one()
        kecamatan = db.session.execute(select(Region.id).where(Region.level == RegionLevel.KECAMATAN)
                                       .order_by(Region.id).limit(1)).scalar_one()
        month = db.session.execute(select(func.max(Case.reported_date))).scalar_one().replace(day=1)
        month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        db.session.rollback()

    clients = {}
    for username in ("kepala", OFFICER):
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"log in as {username} (the generator's demo staff)"
        clients[username] = client
    # As a gunicorn worker does once the app is loaded (deploy/gunicorn.conf.py): ours, plain and floor alike.
    settle_garbage_collector()

    def scenarios(role: str):
        head = role == "kepala"
        case_id = some_case if head else officer_case
        scope = f"all={1 if head else 0}&officer={officer_id}"
        return {
            "daftar_kasus_hal1": ("/admin/cases/", "/plain/cases/", f"/floor/list?{scope}"),
            "daftar_kasus_hal50": ("/admin/cases/?page=49", "/plain/cases/?page=49", f"/floor/list?{scope}&offset=980"),
            "cari_nomor_kasus": (f"/admin/cases/?search={numbers[case_id]}", f"/plain/cases/?search={numbers[case_id]}",
                                 f"/floor/case_number?{scope}&number={numbers[case_id]}"),
            "cari_nama_korban": (f"/admin/cases/?search={name_part}", f"/plain/cases/?search={name_part}",
                                 f"/floor/name?{scope}&q={name_part}"),
            "saring_langkah": ("/admin/cases/?flt0_0=3", "/plain/cases/?flt0_0=3", f"/floor/step?{scope}&step=3"),
            "saring_terlambat": ("/admin/cases/?flt0_2=sekarang", None, f"/floor/overdue?{scope}"),
            "saring_risiko": ("/admin/cases/?flt0_3=tinggi", None, f"/floor/risk?{scope}&value=tinggi"),
            "saring_bentuk": (f"/admin/cases/?flt0_4={violence}", None, f"/floor/violence?{scope}&value={violence}"),
            "saring_kecamatan": (f"/admin/cases/?flt0_5={kecamatan}", None,
                                 f"/floor/kecamatan?{scope}&value={kecamatan}"),
            "saring_petugas": (f"/admin/cases/?flt0_6={officer_id}", None, f"/floor/officer?{scope}&value={officer_id}"),
            "saring_tanggal": (f"/admin/cases/?flt0_8={month.isoformat()}+to+{month_end.isoformat()}", None,
                               f"/floor/reported?{scope}&start={month.isoformat()}&end={month_end.isoformat()}"),
            "urut_nomor": ("/admin/cases/?sort=0&desc=1", "/plain/cases/?sort=0&desc=1", f"/floor/by_number?{scope}"),
            "tugas_saya": ("/admin/", None, f"/floor/my_work?{scope}"),
            "cari_nik": (f"/admin/victims/?search={niks[case_id]}", None, f"/floor/nik?{scope}&nik={niks[case_id]}"),
            "halaman_kasus": (f"/admin/cases/details/?id={case_id}", f"/plain/cases/details/?id={case_id}",
                              f"/floor/case?case_id={case_id}"),
        }

    def timed(client, url) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    say(f"{dialect}, {cases} cases, {runs} runs each, interleaved")
    say(f"{'scenario':20s} {'role':9s} {'ours p50':>9s} {'ours p95':>9s} {'plain p95':>10s} {'floor p95':>10s} "
          f"{'ours/floor':>10s} {'plain/ours':>10s} {'queries':>7s}")
    for role, client in clients.items():
        for name, (ours, plain_url, floor_url) in scenarios(role).items():
            kinds = {"ours": ours, "plain": plain_url, "floor": floor_url}
            kinds = {k: v for k, v in kinds.items() if v is not None}
            for url in kinds.values():  # warm the caches once
                timed(client, url)
            statements.clear()
            timed(client, ours)
            queries = len([s for s in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))])
            samples: dict[str, list[float]] = {k: [] for k in kinds}
            for _ in range(runs):
                for kind, url in kinds.items():
                    samples[kind].append(timed(client, url))
            figures = {k: p50_p95(v) for k, v in samples.items()}
            ours_p50, ours_p95 = figures["ours"]
            plain_p95 = figures.get("plain", (None, None))[1]
            floor_p95 = figures["floor"][1]
            row = {"scenario": name, "role": role, "cases": cases, "db": dialect, "ours_p50_ms": ours_p50,
                   "ours_p95_ms": ours_p95, "plain_p95_ms": plain_p95, "floor_p95_ms": floor_p95,
                   "ours_over_floor": round(ours_p95 / max(floor_p95, 0.1), 2),
                   "plain_over_ours": round(plain_p95 / max(ours_p95, 0.1), 2) if plain_p95 else None,
                   "queries": queries}
            rows_out.append(row)
            say(f"{name:20s} {role:9s} {ours_p50:9.1f} {ours_p95:9.1f} {plain_p95 or float('nan'):10.1f} "
                  f"{floor_p95:10.1f} {row['ours_over_floor']:10.2f} {row['plain_over_ours'] or float('nan'):10.2f} "
                  f"{queries:7d}")
    return rows_out


if __name__ == "__main__":
    main()
