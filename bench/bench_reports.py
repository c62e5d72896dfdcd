"""The head's numbers at scale: the year recap, the compliance report and the dashboard on generated data, each
against the floor, a plain hand-written SQL GROUP BY of the same figures (no ORM, no labels, no page).

Per scenario, interleaved run by run (the machine is shared and noisy): ours as a function (`build_recap`,
`build_compliance`, the dashboard's figures), ours as the page through the real app in-process (logged in as the
head, the HTML rendered, charts included), and the floor. Prints p50 / p95 in ms and the ratios ours/floor, and
writes bench/results/reports-<sqlite|postgresql>.json.

  .venv/bin/python bench/generate.py --cases 100000 --database-url sqlite:////tmp/bench-100k.sqlite3
  .venv/bin/python bench/bench_reports.py --database-url sqlite:////tmp/bench-100k.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"  # reports-<database>.json
WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)  # the generator's "now"
YEAR = 2026

# --- the floor: the same figures as plain SQL ------------------------------------------------------------------
_AGE = {
    "sqlite": "CAST((julianday(COALESCE(c.incident_date, c.reported_date)) - julianday({p}.birth_date)) / 365.25 AS INTEGER)",
    "postgresql": "date_part('year', age(COALESCE(c.incident_date, c.reported_date), {p}.birth_date))",
}
_DAYS = {"sqlite": "CAST(julianday(c.reported_date) - julianday(c.incident_date) AS INTEGER)",
         "postgresql": "(c.reported_date - c.incident_date)"}
_SECONDS = {"sqlite": "(julianday({a}) - julianday({b})) * 86400.0", "postgresql": "EXTRACT(EPOCH FROM ({a} - {b}))"}
_LOCAL_MONTH = {"sqlite": "strftime('%Y%m', s.started_at, '+7 hours')",
                "postgresql": "to_char(s.started_at AT TIME ZONE 'Asia/Jakarta', 'YYYYMM')"}


def _age_group(expr: str) -> str:
    return (f"CASE WHEN {expr} IS NULL THEN 'x' WHEN {expr} <= 5 THEN 'a' WHEN {expr} <= 12 THEN 'b' "
            f"WHEN {expr} <= 17 THEN 'c' WHEN {expr} <= 24 THEN 'd' WHEN {expr} <= 44 THEN 'e' "
            f"WHEN {expr} <= 59 THEN 'f' ELSE 'g' END")


def recap_floor(dialect: str) -> list[str]:
    period = "c.reported_date BETWEEN :a AND :b"
    victim_age = f"COALESCE({_AGE[dialect].format(p='v')}, v.age_estimate)"
    perp_age = f"COALESCE({_AGE[dialect].format(p='p')}, p.age_estimate)"
    days = _DAYS[dialect]
    case_dims = [f"SELECT c.{col}, COUNT(DISTINCT c.id), COUNT(v.id) FROM cases c LEFT JOIN victims v ON v.case_id = c.id "
                 f"WHERE {period} GROUP BY 1" for col in ("intake_channel_id", "incident_place_id", "incident_region_id")]
    victim_dims = [f"SELECT {col}, COUNT(*), COUNT(DISTINCT v.case_id) FROM victims v JOIN cases c ON c.id = v.case_id "
                   f"WHERE {period} GROUP BY 1"
                   for col in ("v.sex", "v.education_id", "v.occupation_id", "v.marital_status_id",
                               "CASE WHEN v.has_disability THEN COALESCE(v.disability_kind_id, -1) ELSE 0 END",
                               _age_group(victim_age))]
    ident_dims = [f"SELECT i.{col}, COUNT(*), COUNT(DISTINCT v.case_id) FROM victims v JOIN cases c ON c.id = v.case_id "
                  f"LEFT JOIN case_identifications i ON i.victim_id = v.id WHERE {period} GROUP BY 1"
                  for col in ("case_kind", "is_trafficking", "ampk_category_id")]
    perp_dims = [f"SELECT {col}, COUNT(*), COUNT(DISTINCT p.case_id) FROM perpetrators p JOIN cases c ON c.id = p.case_id "
                 f"WHERE {period} GROUP BY 1"
                 for col in ("p.relation_id", "p.sex", "p.education_id", "p.occupation_id", _age_group(perp_age))]
    return [
        *case_dims, *victim_dims, *ident_dims, *perp_dims,
        f"SELECT t.violence_type_id, COUNT(DISTINCT c.id), COUNT(DISTINCT v.id) FROM cases c JOIN case_violence_types t "
        f"ON t.case_id = c.id LEFT JOIN victims v ON v.case_id = c.id WHERE {period} GROUP BY 1",
        f"SELECT r.parent_id, COUNT(DISTINCT c.id), COUNT(v.id) FROM cases c JOIN regions r ON r.id = c.incident_region_id "
        f"LEFT JOIN victims v ON v.case_id = c.id WHERE {period} GROUP BY 1",
        f"SELECT it.service_type_id, COUNT(DISTINCT v.id), COUNT(DISTINCT v.case_id) FROM victims v JOIN cases c "
        f"ON c.id = v.case_id JOIN intervention_plans pl ON pl.case_id = c.id JOIN intervention_plan_items it "
        f"ON it.plan_id = pl.id AND it.status <> 'batal' WHERE {period} GROUP BY 1",
        f"SELECT CASE WHEN c.incident_date IS NULL THEN 'x' WHEN {days} <= 3 THEN 'a' WHEN {days} <= 5 THEN 'b' "
        f"WHEN {days} <= 14 THEN 'c' WHEN {days} <= 30 THEN 'd' ELSE 'e' END, COUNT(DISTINCT c.id), COUNT(v.id) "
        f"FROM cases c LEFT JOIN victims v ON v.case_id = c.id WHERE {period} GROUP BY 1",
        f"SELECT t.violence_type_id, {_age_group(victim_age)}, v.sex, COUNT(*) FROM victims v JOIN cases c "
        f"ON c.id = v.case_id JOIN case_violence_types t ON t.case_id = c.id WHERE {period} GROUP BY 1, 2, 3",
        f"SELECT EXTRACT(MONTH FROM c.reported_date), COUNT(DISTINCT c.id), COUNT(v.id) FROM cases c "
        f"LEFT JOIN victims v ON v.case_id = c.id WHERE {period} GROUP BY 1" if dialect == "postgresql" else
        f"SELECT strftime('%m', c.reported_date), COUNT(DISTINCT c.id), COUNT(v.id) FROM cases c "
        f"LEFT JOIN victims v ON v.case_id = c.id WHERE {period} GROUP BY 1",
        f"SELECT COUNT(*) FROM cases c WHERE {period}",
        f"SELECT COUNT(*), SUM(CASE WHEN {victim_age} < 18 THEN 1 ELSE 0 END) FROM victims v JOIN cases c "
        f"ON c.id = v.case_id WHERE {period}",
        f"SELECT COUNT(*) FROM perpetrators p JOIN cases c ON c.id = p.case_id WHERE {period}",
    ]


def compliance_floor(dialect: str) -> list[str]:
    period = "s.started_at >= :begin AND s.started_at < :end"
    duration = _SECONDS[dialect].format(a="s.completed_at", b="s.started_at")
    sums = ("COUNT(*), SUM(CASE WHEN s.completed_at IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.completed_at <= s.due_at THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.completed_at > s.due_at OR (s.completed_at IS NULL AND s.due_at < :now) THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.completed_at IS NULL AND s.due_at < :now THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.returned THEN 1 ELSE 0 END)")
    ranked = (f"SELECT {{g}} AS g, d, ROW_NUMBER() OVER (PARTITION BY {{g}} ORDER BY d) AS rn, "
              f"COUNT(*) OVER (PARTITION BY {{g}}) AS n FROM (SELECT s.*, {duration} AS d FROM case_steps s "
              f"WHERE {period} AND s.completed_at IS NOT NULL AND NOT s.returned) s")
    pick = ("SELECT g, MIN(CASE WHEN rn * 100 >= 50 * n THEN d END), MIN(CASE WHEN rn * 100 >= 90 * n THEN d END) "
            "FROM ({r}) x GROUP BY g")
    whole = _SECONDS[dialect].format(a="c.finished_at", b="c.received_at")
    return [
        f"SELECT s.step_no, {sums} FROM case_steps s WHERE {period} GROUP BY 1",
        f"SELECT s.completed_by_id, u.full_name, {sums} FROM case_steps s JOIN users u ON u.id = s.completed_by_id "
        f"WHERE {period} GROUP BY 1, 2",
        f"SELECT {_LOCAL_MONTH[dialect]}, {sums} FROM case_steps s WHERE {period} GROUP BY 1",
        pick.format(r=ranked.format(g="s.step_no")),
        pick.format(r=ranked.format(g="s.completed_by_id")),
        f"SELECT COUNT(*) FROM case_steps s WHERE {period} AND (s.completed_at > s.due_at OR "
        f"(s.completed_at IS NULL AND s.due_at < :now))",
        f"SELECT s.case_id, c.case_number, s.step_no, s.attempt, s.due_at, s.completed_at FROM case_steps s JOIN cases c "
        f"ON c.id = s.case_id WHERE {period} AND (s.completed_at > s.due_at OR (s.completed_at IS NULL AND "
        f"s.due_at < :now)) ORDER BY s.due_at DESC LIMIT 200",
        f"SELECT COUNT(*), SUM(CASE WHEN {whole} <= 178200 THEN 1 ELSE 0 END) FROM cases c "
        f"WHERE c.finished_at >= :begin AND c.finished_at < :end AND c.status = 'selesai'",
        f"SELECT MIN(CASE WHEN rn * 100 >= 50 * n THEN d END), MIN(CASE WHEN rn * 100 >= 90 * n THEN d END) FROM "
        f"(SELECT {whole} AS d, ROW_NUMBER() OVER (ORDER BY {whole}) AS rn, COUNT(*) OVER () AS n FROM cases c "
        f"WHERE c.finished_at >= :begin AND c.finished_at < :end AND c.status = 'selesai') x",
    ]


def dashboard_floor(dialect: str) -> list[str]:
    """The dashboard's figures in plain SQL."""
    one_hour = {"sqlite": "datetime(:now, '+1 hour')", "postgresql": "(CAST(:now AS timestamptz) + interval '1 hour')"}
    return [
        "SELECT c.current_step, COUNT(*), SUM(CASE WHEN s.due_at < :now THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN s.due_at >= :now AND s.due_at <= {one_hour[dialect]} THEN 1 ELSE 0 END) FROM cases c "
        "JOIN case_steps s ON s.case_id = c.id AND s.step_no = c.current_step AND s.completed_at IS NULL "
        "WHERE c.status = 'terbuka' GROUP BY 1",
        "SELECT COUNT(DISTINCT r.case_id) FROM risk_assessments r JOIN cases c ON c.id = r.case_id "
        "WHERE c.status = 'terbuka' AND r.final_level = 'tinggi' AND NOT EXISTS (SELECT 1 FROM letters l "
        "WHERE l.case_id = c.id AND l.kind = 'surat_rujukan' AND l.status = 'terbit')",
        "SELECT SUM(CASE WHEN c.reported_date >= :month_start THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.reported_date < :month_start THEN 1 ELSE 0 END) FROM cases c "
        "WHERE c.reported_date >= :last_month_start AND c.reported_date <= :month_end",
        "SELECT m.user_id, COUNT(DISTINCT c.id), COUNT(DISTINCT CASE WHEN s.due_at < :now THEN c.id END) "
        "FROM assignment_members m JOIN letters l ON l.id = m.letter_id AND l.status = 'terbit' "
        "JOIN cases c ON c.id = l.case_id AND c.status = 'terbuka' LEFT JOIN case_steps s ON s.case_id = c.id "
        "AND s.completed_at IS NULL GROUP BY 1",
    ]


# --- timing ----------------------------------------------------------------------------------------------------
def timing_stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "runs": len(ordered)}


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database written by bench/generate.py")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--output", type=Path, default=None, help="default: bench/results/reports-<database>.json")
    args = parser.parse_args()

    from sqlalchemy import func, select, text

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.models import Case
    from admin_app.reports.compliance import build_compliance
    from admin_app.reports.dashboard import dashboard_figures
    from admin_app.reports.periods import Period
    from admin_app.reports.recaps import build_recap
    from bench.generate import app_config

    app = create_app({**app_config(args.database_url), "WTF_CSRF_ENABLED": False, "CLOCK": lambda: NOW.timestamp()})
    year = Period.year(YEAR)
    begin, end = year.utc_bounds(WIB)
    results: dict[str, dict] = {}
    with app.app_context():
        dialect = db.engine.dialect.name
        cases = db.session.execute(select(func.count(Case.id))).scalar_one()
        client = app.test_client()
        response = client.post("/login", data={"username": "kepala", "password": "jangkau-demo"})
        assert response.status_code == 302, "log in as kepala (the generator's demo staff)"

        def floor(queries, params):
            def run():
                with db.engine.connect() as connection:
                    for sql in queries:
                        connection.execute(text(sql), params).fetchall()
            return run

        def page(url):
            def run():
                got = client.get(url)
                assert got.status_code == 200, (url, got.status_code)
            return run

        month = Period.month(NOW.astimezone(WIB).year, NOW.astimezone(WIB).month)
        scenarios = {
            "rekap_tahun": {
                "ours": lambda: build_recap(db.session, year),
                "page": page(f"/admin/rekap/?periode=tahun&tahun={YEAR}"),
                "floor": floor(recap_floor(dialect), {"a": year.start, "b": year.end}),
            },
            "kepatuhan_tahun": {
                "ours": lambda: build_compliance(db.session, year, now=NOW, zone=WIB),
                "page": page(f"/admin/kepatuhan/?periode=tahun&tahun={YEAR}"),
                "floor": floor(compliance_floor(dialect), {"begin": begin, "end": end, "now": NOW}),
            },
        }
        last = month.previous()
        scenarios["dasbor"] = {
            "ours": lambda: dashboard_figures(db.session, now=NOW, zone=WIB),
            "page": page("/admin/"),
            "floor": floor(dashboard_floor(dialect), {"now": NOW, "month_start": month.start,
                                                      "month_end": month.end, "last_month_start": last.start}),
        }
        for name, runs in scenarios.items():
            samples = {kind: [] for kind in runs}
            for kind, fn in runs.items():  # warm the caches once
                fn()
                db.session.rollback()
            for _ in range(args.runs):
                for kind, fn in runs.items():
                    samples[kind].append(_timed(fn))
                    db.session.rollback()
            figures_ = {kind: timing_stats(values) for kind, values in samples.items()}
            floor_p50 = figures_["floor"]["p50_ms"] or 0.001
            figures_["ours_over_floor"] = round(figures_["ours"]["p50_ms"] / floor_p50, 2)
            figures_["page_over_floor"] = round(figures_["page"]["p50_ms"] / floor_p50, 2)
            results[name] = figures_
            print(f"{name:16s} ours {figures_['ours']['p50_ms']:8.1f} ms (p95 {figures_['ours']['p95_ms']:8.1f})  "
                  f"page {figures_['page']['p50_ms']:8.1f} ms  floor {figures_['floor']['p50_ms']:8.1f} ms  "
                  f"ours/floor {figures_['ours_over_floor']:5.2f}  page/floor {figures_['page_over_floor']:5.2f}")
    report = {"database": dialect, "cases": cases, "period": year.label, "runs": args.runs,
              "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
              "scenarios": results}
    output = args.output or RESULTS / f"reports-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
