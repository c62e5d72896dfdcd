"""An installation of the previous release upgrades with its data intact. The schema is built at that release's
migration head (0010: the last before this release's 0011), filled with plain SQL as that release wrote it (staff,
a case at step 3 with its steps and transitions, a victim with an encrypted NIK and phone, a Surat Tugas naming
its team), then upgraded to head as `flask db upgrade` does; every row is still there, unchanged, and readable
through the app: the case page opens, the NIK decrypts, the exact NIK search finds the victim. Both databases."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import Case, Letter, Victim
from admin_app.models import encryption as crypto
from admin_app.readiness import migration_revisions
from admin_app.security.passwords import hash_password
from admin_app.views.web import MIGRATIONS_DIR
from tests.conftest import IsolatedClient, _pg_admin_engine, missing_service, pg_base_url
from tests.helpers import login

PREVIOUS_RELEASE_HEAD = "0015"  # the schema of the release that landed last (stop 20: issue 15, second part)
NIK = "3671055205900003"
PHONE = "+6281234567003"
NAME = "Ratna Sari Dewi"
CASE_NUMBER = "PJK/2026/11/0042"
LETTER_NUMBER = "800.1.11.1/042/ST/UPTD-PPA/XI/2026"
PASSWORD = "kata-sandi-uji-123"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        missing_service(f"PostgreSQL not reachable at {pg_base_url().render_as_string()}: {exc}")
    name = f"{pg_base_url().database}_upgrade_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield pg_base_url().set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _insert(conn, table: str, **values) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"), values).scalar_one()


def _write_as_the_previous_release(conn) -> dict[str, int]:
    """Rows as release 0010 wrote them: plain SQL against its tables, identifiers encrypted as it encrypted them."""
    now = dt.datetime(2026, 11, 2, 3, 0)
    ids: dict[str, int] = {}
    roles = {code: _insert(conn, "roles", code=code, name=name)
             for code, name in (("kepala", "Kepala UPTD PPA"), ("petugas", "Petugas Layanan PPA"))}
    for username, role, full_name in (("kepala", "kepala", "Dra. Siti Nurjanah, M.Si."),
                                      ("petugas1", "petugas", "Rina Marlina, S.Psi.")):
        ids[username] = _insert(conn, "users", username=username, full_name=full_name,
                                password_hash=hash_password(PASSWORD, fast=True))
        conn.execute(sa.text("INSERT INTO user_roles (user_id, role_id) VALUES (:u, :r)"),
                     {"u": ids[username], "r": roles[role]})
    ids["case"] = _insert(conn, "cases", case_number=CASE_NUMBER, status="terbuka", current_step=3, received_at=now,
                          reported_date=now.date(), summary="Laporan tetangga: korban dipukul suami.", urgency="segera",
                          registered_by_id=ids["petugas1"])
    for step, completed_by in ((1, "petugas1"), (2, "kepala"), (3, None)):
        started = now + dt.timedelta(minutes=20 * (step - 1))
        _insert(conn, "case_steps", case_id=ids["case"], step_no=step, attempt=1, started_at=started,
                due_at=started + dt.timedelta(minutes=20),
                completed_at=started + dt.timedelta(minutes=15) if completed_by else None,
                completed_by_id=ids[completed_by] if completed_by else None)
        if completed_by:
            _insert(conn, "case_transitions", case_id=ids["case"], action="ajukan", from_step=step, to_step=step + 1,
                    actor_id=ids[completed_by], acted_at=started + dt.timedelta(minutes=15))
    keys = crypto.keyring()
    ids["victim"] = _insert(conn, "victims", case_id=ids["case"], full_name=NAME, sex="P", nationality="WNI",
                            birth_date=dt.date(1990, 5, 12), nik=keys.encrypt(NIK, "nik"), nik_hash=crypto.nik_index(NIK),
                            phone=keys.encrypt(PHONE, "phone"))
    letter_type = _insert(conn, "letter_types", code="surat_tugas", name="Surat Tugas Penjangkauan Korban",
                          classification="800.1.11.1",
                          number_pattern="{klasifikasi}/{urut:03d}/ST/UPTD-PPA/{bulan_romawi}/{tahun}")
    ids["letter"] = _insert(conn, "letters", kind="surat_tugas", letter_type_id=letter_type, case_id=ids["case"],
                            number=LETTER_NUMBER, year=2026, serial=42, letter_date=now.date(), status="terbit",
                            issued_at=now + dt.timedelta(minutes=30), issued_by_id=ids["kepala"], signer_id=ids["kepala"],
                            signer_name="Dra. Siti Nurjanah, M.Si.", signer_position="Kepala UPTD PPA Kota Tangerang",
                            nature="Segera", outreach_date=now.date(), outreach_until=now.date())
    _insert(conn, "assignment_members", letter_id=ids["letter"], user_id=ids["petugas1"], position_in_list=1,
            name="Rina Marlina, S.Psi.")
    return ids


TABLES = ("users", "user_roles", "cases", "case_steps", "case_transitions", "victims", "letters", "assignment_members")


def _snapshot(conn) -> dict[str, list[tuple]]:
    """Every written row, by its columns of the previous release (new columns may appear; none may change)."""
    snapshot = {}
    for table in TABLES:
        columns = [c["name"] for c in sa.inspect(conn).get_columns(table) if c["name"] not in ("updated_at",)]
        order = "id" if "id" in columns else ", ".join(columns)
        rows = conn.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")).all()
        snapshot[table] = [dict(zip(columns, row)) for row in rows]
    return snapshot


def test_the_previous_release_upgrades_with_its_data_intact(empty_database):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "PASSWORD_HASH_FAST": True,
                      "RAISE_UNEXPECTED_VIEW_ERRORS": True})
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade(revision=PREVIOUS_RELEASE_HEAD)
        with db.engine.begin() as conn:
            ids = _write_as_the_previous_release(conn)
        with db.engine.connect() as conn:
            before = _snapshot(conn)

        upgrade()  # what `flask db upgrade` (and jangkau.service before every start) does
        with db.engine.connect() as conn:
            heads, _known = migration_revisions(MIGRATIONS_DIR)
            assert set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()) == heads
            after = _snapshot(conn)
        for table, rows in before.items():
            assert len(after[table]) == len(rows), table
            for old, new in zip(rows, after[table]):
                assert {k: new[k] for k in old} == old, f"{table} row changed by the upgrade"

        victim = db.session.get(Victim, ids["victim"])
        assert victim.full_name == NAME and victim.nik == NIK and victim.phone == PHONE
        case = db.session.get(Case, ids["case"])
        assert case.case_number == CASE_NUMBER and case.current_step == 3
        assert [s.step_no for s in sorted(case.steps, key=lambda s: s.step_no)] == [1, 2, 3]
        letter = db.session.get(Letter, ids["letter"])
        assert type(letter).__name__ == "AssignmentLetter" and letter.number == LETTER_NUMBER
        db.session.commit()

        client = app.test_client()
        assert login(client, "kepala", PASSWORD).status_code == 302
        page = client.get(f"/admin/cases/details/?id={ids['case']}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert CASE_NUMBER in html and NAME in html and LETTER_NUMBER in html
        found = client.get(f"/admin/victims/?search={NIK}").get_data(as_text=True)
        assert f"details/?id={ids['victim']}" in found
        assert client.get("/readyz").status_code == 200
        # the team of a Surat Tugas issued before case_officers existed (migration 0016 fills it from the letters)
        officer = app.test_client()
        assert login(officer, "petugas1", PASSWORD).status_code == 302
        assert officer.get(f"/admin/cases/details/?id={ids['case']}").status_code == 200
        assert CASE_NUMBER in officer.get("/admin/cases/").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
