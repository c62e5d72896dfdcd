"""Generated case data at scale for the benchmarks: N cases in the demo's proportions, written with bulk inserts.

Into an empty scratch database (SQLite file or PostgreSQL): the migrations, the reference data, the demo staff
plus extra officers (so that one officer is on about a tenth of the cases), then per case its victims (1-3),
perpetrators (1-2), a reporter, violence types, the step history (one run per step, late in about one run of
seven, step 2 sometimes returned to step 1 and run again), and from step 3 on the Surat Tugas with its team, the
identification and risk assessment per victim and the intervention plan. About nine cases in ten are finished;
the open ones are the most recent, spread over the six steps.

Cases arrive at a national rate (`DAILY_INTAKE`, Simfoni PPA's 2025 count of about 35,000 victims a year), so the
report dates reach back N / 100 days before `--now` (at least `MIN_SPAN_DAYS`): a million cases are decades of the
whole country, as the issue sizes them, not a million cases crowded into two years. What depends on the intake
rate rather than the size of the archive (the open cases, Tugas Saya, a year's recap) then stays the same from
100k to 1M cases, as it would in a real archive that grows year by year.

Victims carry Indonesian names (a given name and a family name from short lists, so a part of a name matches
many victims, as "sari" does in a real register), and most an NIK and a phone number, encrypted and hashed by the
real code (`EncryptedString`, `nik_index`). The scratch data is encrypted with fixed bench keys (`app_config`), so
the bench's app, in another process, reads what the generator wrote.
Run:  .venv/bin/python bench/generate.py --cases 100000 --database-url sqlite:////tmp/bench-100k.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)
CHUNK = 5000
OFFICERS = 10
DAILY_INTAKE = 100  # cases a day: about Simfoni PPA's 35,000 victims a year, nationwide
MIN_SPAN_DAYS = 60
STEP_MINUTES = {1: 10, 2: 20, 4: 20, 5: 10, 6: 30}  # step 3: two working days, taken as two days here


GIVEN_NAMES = ("Siti", "Nur", "Dewi", "Sri", "Putri", "Ayu", "Rina", "Wulan", "Indah", "Fitri", "Lestari", "Mega",
               "Ratna", "Yuni", "Eka", "Dian", "Maya", "Nadia", "Aisyah", "Salsabila", "Zahra", "Aulia", "Intan",
               "Kartika", "Rizky", "Bayu", "Dimas", "Fajar", "Adit", "Raka")
FAMILY_NAMES = ("Rahayu", "Sari", "Wati", "Lestari", "Handayani", "Susanti", "Kusuma", "Pratiwi", "Utami",
                "Anggraini", "Permata", "Safitri", "Hidayat", "Nugroho", "Saputra", "Maharani", "Puspita",
                "Rahmawati", "Ningsih", "Wijaya", "Setiawan", "Hasanah", "Amalia", "Oktaviani", "Purnama")
NIK_SHARE = 0.7  # victims with a known NIK; the rest came without papers
PHONE_SHARE = 0.5


def app_config(url: str) -> dict:
    """The app settings of every bench process on generated data: the test environment with fixed data keys (the
    generator and the bench are two processes; the test environment's keys are made per process). Scratch data
    only: never a real database's keys."""
    import base64
    import hashlib

    def key(name: str) -> str:
        return base64.b64encode(hashlib.sha256(f"jangkau-bench-{name}".encode()).digest()).decode()

    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_FAST": True,
            "JANGKAU_DATA_KEYS": f"bench:{key('data')}", "JANGKAU_DATA_KEY_ID": "bench",
            "JANGKAU_HMAC_KEY": key("hmac"), "JANGKAU_AUDIT_KEY": key("audit")}


def _setup(url: str):
    from flask_migrate import upgrade

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.seeding.demo import load_demo_users
    from admin_app.seeding.reference import load_reference_data

    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        load_reference_data(db.session)
        users = load_demo_users(db.session, fast_hash=True)
        from admin_app.models import Role, User
        from admin_app.security.passwords import hash_password

        officer_role = db.session.execute(db.select(Role).where(Role.code == "petugas")).scalar_one()
        for number in range(3, OFFICERS + 1):
            name = f"petugas{number}"
            if db.session.execute(db.select(User).where(User.username == name)).scalar_one_or_none() is None:
                db.session.add(User(username=name, full_name=f"Petugas Bench {number}", roles=[officer_role],
                                    password_hash=hash_password("jangkau-demo", fast=True)))
        db.session.commit()
        del users
    return app


def _reference_ids(session):
    from sqlalchemy import select

    from admin_app.models import LetterType, ReferenceValue, Region, RegionLevel

    ids: dict[str, list[int]] = {}
    for list_code, value_id in session.execute(select(ReferenceValue.list_code, ReferenceValue.id)).all():
        ids.setdefault(list_code, []).append(value_id)
    ids["kelurahan"] = list(session.execute(select(Region.id).where(Region.level == RegionLevel.KELURAHAN)).scalars())
    ids["surat_tugas"] = [session.execute(select(LetterType.id).where(LetterType.code == "surat_tugas")).scalar_one()]
    return ids


def generate(url: str, cases: int, *, now: dt.datetime = DEFAULT_NOW, seed: int = 695) -> dict:  # noqa: C901 - one case's rows, spelled out
    app = _setup(url)
    from sqlalchemy import insert, select

    from admin_app.extensions import db
    from admin_app.models import (
        AssignmentMember,
        Case,
        CaseIdentification,
        CaseStep,
        InterventionPlan,
        InterventionPlanItem,
        Perpetrator,
        Reporter,
        RiskAssessment,
        Role,
        User,
        Victim,
        case_violence_types,
        user_roles,
    )
    from admin_app.models.cases import CASE_NUMBER_PREFIX
    from admin_app.models.encryption import nik_index
    from admin_app.models.letters import Letter

    started = time.perf_counter()
    rng = random.Random(seed)
    with app.app_context():
        session = db.session
        ref = _reference_ids(session)
        officers = list(session.execute(
            select(User.id).join(user_roles, user_roles.c.user_id == User.id).join(Role, Role.id == user_roles.c.role_id)
            .where(Role.code == "petugas")).scalars())
        head = session.execute(select(User.id).where(User.username == "kepala")).scalar_one()
        admin = session.execute(select(User.id).where(User.username == "administrasi")).scalar_one()
        first_id = (session.execute(select(db.func.max(Case.id))).scalar() or 0) + 1
        span = dt.timedelta(days=max(MIN_SPAN_DAYS, cases / DAILY_INTAKE))
        rows: dict[str, list[dict]] = {}
        ids = {"victim": 0, "perpetrator": 0, "reporter": 0, "step": 0, "letter": 0, "plan": 0}
        for table, model in (("victim", Victim), ("perpetrator", Perpetrator), ("reporter", Reporter),
                             ("step", CaseStep), ("letter", Letter), ("plan", InterventionPlan)):
            ids[table] = session.execute(select(db.func.max(model.id))).scalar() or 0
        serial_by_year: dict[int, int] = {}
        counts = {"cases": 0, "victims": 0, "perpetrators": 0, "steps": 0}

        def add(name, row):
            rows.setdefault(name, []).append(row)

        def flush():
            for name, model_table in (("cases", Case.__table__), ("victims", Victim.__table__),
                                      ("perpetrators", Perpetrator.__table__), ("reporters", Reporter.__table__),
                                      ("violence", case_violence_types), ("steps", CaseStep.__table__),
                                      ("letters", Letter.__table__), ("members", AssignmentMember.__table__),
                                      ("identifications", CaseIdentification.__table__),
                                      ("risks", RiskAssessment.__table__), ("plans", InterventionPlan.__table__),
                                      ("items", InterventionPlanItem.__table__)):
                if rows.get(name):
                    session.execute(insert(model_table), rows[name])
            rows.clear()
            session.commit()

        for index in range(cases):
            case_id = first_id + index
            # Older cases first; the last few hundred are the open ones.
            received = now - span + span * (index / max(cases, 1)) + dt.timedelta(minutes=rng.randint(0, 600))
            received = min(received, now - dt.timedelta(minutes=5))
            age_days = (now - received).days
            finished = age_days > 5 or rng.random() < 0.3
            current = 6 if finished else rng.randint(1, 6)
            local = received.astimezone(dt.timezone(dt.timedelta(hours=7)))
            reported = local.date()
            incident = None if rng.random() < 0.1 else reported - dt.timedelta(days=int(rng.expovariate(1 / 9)))
            domestic = rng.random() < 0.55
            # -- the step history: returns only in finished cases; an open case stops at its current step
            at, run_rows, last_end = received, [], None
            planned = list(range(1, current + 1))
            if finished and rng.random() < 0.03:
                planned = [1, 2, 1, 2, 3, 4, 5, 6]  # step 2 returned to step 1, then both again
            attempts: dict[int, int] = {}
            for position, number in enumerate(planned):
                minutes = STEP_MINUTES.get(number, 2 * 24 * 60)
                due = at + dt.timedelta(minutes=minutes)
                returned = position + 1 < len(planned) and planned[position + 1] < number
                still_open = not finished and position == len(planned) - 1
                attempts[number] = attempts.get(number, 0) + 1
                late = rng.random() < 0.14
                took = dt.timedelta(minutes=minutes * (rng.uniform(1.05, 3.0) if late else rng.uniform(0.2, 0.95)))
                completed = None if still_open else at + took
                ids["step"] += 1
                run_rows.append(dict(id=ids["step"], case_id=case_id, step_no=number, attempt=attempts[number],
                                     started_at=at, due_at=due, completed_at=completed, returned=returned,
                                     completed_by_id=None if completed is None else (
                                         head if number in (2, 6) else admin if number == 4 else None)))
                if completed is None:
                    break
                at = last_end = completed
            team = rng.sample(officers, 2 if rng.random() < 0.3 else 1)
            for run in run_rows:
                if run["completed_at"] is not None and run["completed_by_id"] is None:
                    run["completed_by_id"] = team[0]
            add("cases", dict(
                id=case_id, case_number=f"{CASE_NUMBER_PREFIX}-{reported.year}-{case_id:05d}", status="selesai" if finished else "terbuka",
                current_step=current, intake_channel_id=rng.choice(ref["intake_channel"]), received_at=received,
                reported_date=reported, incident_date=incident,
                incident_place_id=rng.choice(ref["incident_place"]), incident_region_id=rng.choice(ref["kelurahan"]),
                incident_address="Jl. Contoh No. 1", summary="Kasus untuk pengukuran kinerja.",
                urgency=rng.choice(["biasa", "biasa", "segera", "darurat"]), is_domestic_violence=domestic,
                registered_by_id=team[0], finished_at=last_end if finished else None,
            ))
            for run in run_rows:
                add("steps", run)
            for type_id in rng.sample(ref["violence_type"], 2 if rng.random() < 0.2 else 1):
                add("violence", dict(case_id=case_id, violence_type_id=type_id))
            victims = []
            for _ in range(1 if rng.random() < 0.85 else 2 if rng.random() < 0.8 else 3):
                ids["victim"] += 1
                child = rng.random() < 0.45
                years = rng.randint(1, 17) if child else rng.randint(18, 65)
                victims.append(ids["victim"])
                nik = f"3671{rng.randint(0, 99_999_999_999):012d}" if rng.random() < NIK_SHARE else None
                add("victims", dict(
                    id=ids["victim"], case_id=case_id,
                    full_name=f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
                    nik=nik, nik_hash=nik_index(nik),
                    phone=f"+628{rng.randint(100_000_000, 999_999_999)}" if rng.random() < PHONE_SHARE else None,
                    sex="P" if not child or rng.random() < 0.75 else "L",
                    birth_date=reported - dt.timedelta(days=years * 365 + rng.randint(0, 300)),
                    education_id=rng.choice(ref["education"]), occupation_id=rng.choice(ref["occupation"]),
                    marital_status_id=rng.choice(ref["marital_status"]), has_disability=rng.random() < 0.05,
                    region_id=rng.choice(ref["kelurahan"]), nationality="WNI",
                ))
            for _ in range(1 if rng.random() < 0.9 else 2):
                ids["perpetrator"] += 1
                add("perpetrators", dict(
                    id=ids["perpetrator"], case_id=case_id, full_name=f"Pelaku {ids['perpetrator']}", sex="L",
                    age_estimate=rng.randint(18, 60), relation_id=rng.choice(ref["perpetrator_relation"]),
                    education_id=rng.choice(ref["education"]), occupation_id=rng.choice(ref["occupation"]),
                    lives_with_victim=domestic, nationality="WNI",
                ))
            ids["reporter"] += 1
            add("reporters", dict(id=ids["reporter"], case_id=case_id, full_name=f"Pelapor {ids['reporter']}",
                                  nationality="WNI"))
            if current >= 3:
                ids["letter"] += 1
                serial_by_year[reported.year] = serial_by_year.get(reported.year, 0) + 1
                issued = run_rows[0]["started_at"] + dt.timedelta(minutes=15)
                add("letters", dict(
                    id=ids["letter"], kind="surat_tugas", letter_type_id=ref["surat_tugas"][0], case_id=case_id,
                    number=f"BENCH/{ids['letter']}/ST/{reported.year}", year=reported.year,
                    serial=serial_by_year[reported.year], letter_date=reported, status="terbit", issued_at=issued,
                    issued_by_id=head, signer_id=head, signer_name="Kepala", signer_position="Kepala UPTD PPA",
                    outreach_date=reported,
                ))
                for position, officer in enumerate(team, start=1):
                    add("members", dict(letter_id=ids["letter"], user_id=officer, position_in_list=position,
                                        name=f"Petugas {officer}"))
            if current >= 4 or finished:
                for victim in victims:
                    add("identifications", dict(case_id=case_id, victim_id=victim, status="lengkap",
                                                case_kind=rng.choice(["KTP", "KTA"]), authority="kota",
                                                is_trafficking=rng.random() < 0.02))
                    level = "tinggi" if rng.random() < 0.05 else rng.choice(["rendah", "sedang"])
                    add("risks", dict(case_id=case_id, victim_id=victim, status="lengkap", score=0,
                                      computed_level=level, final_level=level))
                ids["plan"] += 1
                add("plans", dict(id=ids["plan"], case_id=case_id, status="lengkap", goal="Pemulihan korban"))
                for service in rng.sample(ref["service_type"], 2):
                    add("items", dict(plan_id=ids["plan"], service_type_id=service, provider="Penyedia layanan",
                                      status=rng.choice(["direncanakan", "berjalan", "selesai"])))
            counts["cases"] += 1
            counts["victims"] += len(victims)
            counts["perpetrators"] = ids["perpetrator"]
            counts["steps"] += len(run_rows)
            if (index + 1) % CHUNK == 0:
                flush()
        flush()
        # The rows went in as bulk inserts, past the session's flush hook that keeps case_officers in step.
        from admin_app.sop.team import rebuild_case_officers

        rebuild_case_officers(session.connection())
        # The counters the app numbers its next letters from (sop/numbering.py): after the generated ones.
        from admin_app.models import LetterCounter

        session.execute(insert(LetterCounter.__table__), [
            dict(letter_type_id=ref["surat_tugas"][0], year=year, last_serial=serial)
            for year, serial in sorted(serial_by_year.items())])
        session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("cases", "victims", "perpetrators", "reporters", "case_steps", "letters",
                          "intervention_plans"):
                session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
            session.commit()
            session.execute(db.text("ANALYZE"))
        else:
            session.execute(db.text("ANALYZE"))
        session.commit()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", required=True, help="an EMPTY scratch database")
    parser.add_argument("--seed", type=int, default=695)
    args = parser.parse_args()
    print(generate(args.database_url, args.cases, seed=args.seed))


if __name__ == "__main__":
    main()
