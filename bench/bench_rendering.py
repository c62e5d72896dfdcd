"""Rendering time of every official document, from a real case, against a 500 ms budget.

Builds a throw-away SQLite database with the migrations and the reference data (as `make run` does), carries one
case through all six SOP steps with the real engine (every field document, a Surat Tugas, a Surat Rujukan and a
Surat Pelimpahan), then for each document type:

- render: the active template rendered `--runs` times (default 100) with the case's context (docxtpl in the
  sandbox, including unzipping and re-zipping the .docx); the context is built once, as its own figure;
- render+archive: `--archive-runs` times (default 20) the whole "Buat dokumen" path without HTTP: build the
  context from the database, render the active template, store a new GeneratedDocument version and commit.

Prints the median per type and its ratio to the budget, and writes bench/results/rendering.json.
Run from the repository root:  .venv/bin/python bench/bench_rendering.py   (see bench/README.md)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET_MS = 500.0
RESULTS = ROOT / "bench" / "results" / "rendering.json"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def build_case(session):
    """One case through all six steps, with the three letters, by the real process engine."""
    from admin_app.models import Authority, OutcomeKind, utcnow
    from admin_app.seeding.casework import CaseWriter as CaseBuilder
    from admin_app.seeding.casework import SettableClock as MovableClock
    from admin_app.seeding.casework import Team
    from admin_app.seeding.demo import load_demo_users
    from admin_app.sop.process import OutcomeRequest

    users = load_demo_users(session, fast_hash=True)
    team = Team(kepala=users["kepala"], officers=[users["petugas1"], users["petugas2"]],
                administrasi=users["administrasi"])
    clock = MovableClock(utcnow().replace(second=0, microsecond=0) - dt.timedelta(days=10))
    builder = CaseBuilder(session, team, clock)
    case = builder.register(child=True)
    builder.walk(case, 7, officers=team.officers, outcomes=[
        OutcomeRequest(OutcomeKind.CASE_MANAGEMENT),
        OutcomeRequest(OutcomeKind.REFERRAL, recipient="Direktur RSUD Kota Tangerang", purpose="Pemeriksaan dan visum",
                       current_condition="Memar di lengan, cemas.", services_given="Penjangkauan dan konseling awal",
                       documents_handed_over="Salinan formulir pengaduan", contact_person="Rina Marlina (0812-0000-0000)",
                       copies_to="Kepala DP3AP2KB\nArsip"),
        OutcomeRequest(OutcomeKind.TRANSFER, recipient="Kepala UPTD PPA Provinsi Banten", authority=Authority.PROVINSI,
                       transfer_basis="Terlapor berdomisili di luar Kota Tangerang."),
    ])
    session.commit()
    return case, users


def letters_by_type(session, case):
    from sqlalchemy import select

    from admin_app.documents.registry import DOCUMENT_TYPES
    from admin_app.models import Letter

    letters = {}
    for code, doc in DOCUMENT_TYPES.items():
        if doc.is_letter:
            letters[code] = session.execute(
                select(Letter).where(Letter.case_id == case.id, Letter.kind == code).order_by(Letter.id.desc())
            ).scalars().first()
    return letters


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="renders per document type (default 100)")
    parser.add_argument("--archive-runs", type=int, default=20, help="render+archive runs per type (default 20)")
    parser.add_argument("--pdf-runs", type=int, default=0, help="PDF conversions per type when soffice exists (default 0)")
    parser.add_argument("--database-url", default=None, help="use this (empty, scratch) database instead of a temp SQLite")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    os.environ.setdefault("JANGKAU_ENV", "testing")
    import logging

    from flask_migrate import upgrade

    from admin_app import create_app
    from admin_app.documents.archive import active_template, generate_document
    from admin_app.documents.pdf import convert_to_pdf, soffice_available
    from admin_app.documents.registry import DOCUMENT_TYPES, build_context
    from admin_app.documents.rendering import render_document
    from admin_app.extensions import db
    from admin_app.seeding.reference import load_reference_data

    tmp = tempfile.TemporaryDirectory(prefix="jangkau-bench-")
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_FAST": True})
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    results: dict[str, dict] = {}
    with app.app_context():
        upgrade()
        load_reference_data(db.session)
        db.session.commit()
        session = db.session
        case, users = build_case(session)
        letters = letters_by_type(session, case)
        author = users["kepala"]
        now = dt.datetime.now(dt.timezone.utc)
        print(f"Kasus {case.case_number}, {args.runs} render per dokumen, anggaran {BUDGET_MS:.0f} ms "
              f"({'SQLite sementara' if not args.database_url else 'DATABASE_URL'})")
        print(f"{'dokumen':32} {'konteks':>9} {'render':>9} {'p95':>9} {'rasio':>7} {'render+arsip':>13} {'KB':>6}"
              + (f" {'PDF':>8}" if args.pdf_runs else ""))
        for code, doc in DOCUMENT_TYPES.items():
            letter = letters.get(code)
            template = active_template(session, code)
            template_bytes = template.content
            start = time.perf_counter()
            context = build_context(code, session, case, letter=letter, now=now)
            context_s = time.perf_counter() - start
            render_document(template_bytes, context)  # warm-up: imports, lxml caches
            timings = []
            for _ in range(args.runs):
                start = time.perf_counter()
                output = render_document(template_bytes, context)
                timings.append(time.perf_counter() - start)
            archive_timings = []
            for _ in range(args.archive_runs):
                start = time.perf_counter()
                generate_document(session, case=case, doc_type=code, letter=letter, user=author, now=now)
                session.commit()
                archive_timings.append(time.perf_counter() - start)
                session.expire_all()
            pdf_timings = []
            if args.pdf_runs and soffice_available():
                for _ in range(args.pdf_runs):
                    start = time.perf_counter()
                    convert_to_pdf(output)
                    pdf_timings.append(time.perf_counter() - start)
            median = statistics.median(timings)
            p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
            row = {
                "title": doc.title,
                "runs": args.runs,
                "context_ms": _ms(context_s),
                "render_median_ms": _ms(median),
                "render_p95_ms": _ms(p95),
                "render_min_ms": _ms(min(timings)),
                "render_max_ms": _ms(max(timings)),
                "budget_ms": BUDGET_MS,
                "ratio_to_budget": round(median * 1000 / BUDGET_MS, 4),
                "archive_runs": args.archive_runs,
                "render_and_archive_median_ms": _ms(statistics.median(archive_timings)) if archive_timings else None,
                "output_bytes": len(output),
            }
            if pdf_timings:
                row["pdf_runs"] = len(pdf_timings)
                row["pdf_median_ms"] = _ms(statistics.median(pdf_timings))
            results[code] = row
            line = (f"{code:32} {row['context_ms']:>7.1f}ms {row['render_median_ms']:>7.1f}ms {row['render_p95_ms']:>7.1f}ms "
                    f"{row['ratio_to_budget']:>7.3f} {row['render_and_archive_median_ms'] or 0:>11.1f}ms "
                    f"{len(output) / 1024:>6.0f}")
            if pdf_timings:
                line += f" {row['pdf_median_ms']:>6.0f}ms"
            print(line)
        db.session.remove()
        db.engine.dispose()
    worst = max(results.values(), key=lambda r: r["render_median_ms"])
    summary = {
        "benchmark": "rendering",
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "database": "sqlite (temporary)" if not args.database_url else app.config["SQLALCHEMY_DATABASE_URI"].split("://")[0],
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],  # wall-clock figures: a busy machine inflates them
        "budget_ms": BUDGET_MS,
        "all_within_budget": all(r["render_median_ms"] <= BUDGET_MS for r in results.values()),
        "slowest": {"doc_type": max(results, key=lambda c: results[c]["render_median_ms"]),
                    "render_median_ms": worst["render_median_ms"]},
        "documents": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Paling lambat: {worst['title']} median {worst['render_median_ms']:.1f} ms "
          f"({worst['ratio_to_budget']:.1%} dari anggaran). Hasil: {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    tmp.cleanup()
    return 0 if summary["all_within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
