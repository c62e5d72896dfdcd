"""`python -m bench`: generated data of a given size on SQLite or PostgreSQL, then the list, search, filter and
case-page scenarios (bench/bench_lists.py: ours, stock Flask-Admin, the single-SQL floor, interleaved) and the
work and reports (bench/bench_work.py: issuing a Surat Tugas, saving a field form, the year recap, the compliance
report, a month's recap as XLSX).

    python -m bench --cases 10000 --db sqlite --json bench/results/lists-sqlite-10k.json
    python -m bench --cases 100000 --db postgresql

The scratch database is kept and reused while it holds that many cases at the current migration head:
SQLite `$JANGKAU_BENCH_DIR/bench-<N>.sqlite3` (default /tmp), PostgreSQL `jangkau_bench_<N>` on
`$JANGKAU_BENCH_PG` (default postgresql+psycopg://postgres@127.0.0.1:5432/). `--fresh` builds it again.
Rows written: {scenario, role, cases, db, ours_p50_ms, ours_p95_ms, plain_p95_ms, floor_p95_ms, queries, ...}.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_lists, bench_work, generate  # noqa: E402 - after the path


def scratch_database(db: str, cases: int, fresh: bool) -> str:
    """The URL of the scratch database with `cases` generated cases (made first when missing or `fresh`): the
    list bench and the load bench (bench/load.py) run on the same one."""
    import sqlalchemy as sa

    if db == "sqlite":
        path = Path(os.environ.get("JANGKAU_BENCH_DIR", "/tmp")) / f"bench-{cases}.sqlite3"
        url = f"sqlite:///{path}"
        if fresh or not _holds(url, cases):
            path.unlink(missing_ok=True)
            print(generate.generate(url, cases))
        return url
    base = sa.engine.make_url(os.environ.get("JANGKAU_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    name = f"jangkau_bench_{cases}"
    url = base.set(database=name).render_as_string(hide_password=False)
    if fresh or not _holds(url, cases):
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        print(generate.generate(url, cases))
    return url


def _holds(url: str, cases: int) -> bool:
    """The scratch database exists, is at the migration head and holds exactly `cases` cases."""
    import sqlalchemy as sa

    from admin_app.readiness import migration_revisions
    from admin_app.views.web import MIGRATIONS_DIR

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            count = connection.exec_driver_sql("SELECT count(*) FROM cases").scalar()
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    heads, _known = migration_revisions(MIGRATIONS_DIR)
    return count == cases and revision in heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=None,
                        help="default: bench/results/lists-<db>-<N>.json")
    parser.add_argument("--fresh", action="store_true", help="generate the data again")
    args = parser.parse_args()
    url = scratch_database(args.db, args.cases, args.fresh)
    rows = bench_lists.run(url, args.runs) + bench_work.run(url, args.runs)
    bench_lists.write(rows, args.runs, args.json or bench_lists.RESULTS / f"lists-{args.db}-{args.cases}.json")


if __name__ == "__main__":
    main()
