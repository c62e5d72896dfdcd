"""The Simfoni PPA recording sheet (issue 13): every field Simfoni asks for, in its section order, for a case with
two victims and two perpetrators; who may open it; identifiers masked until an audited reveal; what is missing
first, linked to where it is filled; the XLSX; and the Simfoni step completed from the sheet."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Education,
    MaritalStatus,
    Nationality,
    Occupation,
    Perpetrator,
    PerpetratorRelation,
    Region,
    RegionLevel,
    Religion,
    Sex,
    SimfoniRecord,
    Victim,
)
from admin_app.reports.simfoni_sheet import SECTIONS, worksheet_title
from admin_app.sop.access import SIMFONI_STEP
from tests.helpers import csrf_token, login

NIK_1 = "3671014708120003"
KK_1 = "3671011203150007"
NIK_2 = "3671015002150001"


def _ref(model, code):
    return db.session.execute(sa.select(model).where(model.code == code)).scalar_one()


def _audit_since(before, action):
    return db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.id > (before or 0), AuditEvent.action == action)).scalars().all()


def _last_audit_id():
    return db.session.execute(sa.select(sa.func.max(AuditEvent.id))).scalar()


@pytest.fixture
def case(builder):
    """A child case at the Simfoni step with two victims and two perpetrators, social data filled."""
    case = builder.register(child=True)
    first = case.victims[0]
    first.nik, first.family_card_number = NIK_1, KK_1
    first.birth_date = (case.incident_date or case.reported_date) - dt.timedelta(days=14 * 365 + 30)
    first.sex = Sex.PEREMPUAN
    first.address, first.rt, first.rw = "Jl. Mawar No. 5", "003", "002"
    kelurahan = db.session.execute(
        sa.select(Region).where(Region.level == RegionLevel.KELURAHAN).order_by(Region.code)).scalars().first()
    first.region_id = kelurahan.id
    first.education_id = _ref(Education, "sltp").id
    first.occupation_id = _ref(Occupation, "pelajar").id
    first.marital_status_id = _ref(MaritalStatus, "belum_kawin").id
    first.religion_id = _ref(Religion, "islam").id
    case.reporters[0].sex = Sex.PEREMPUAN
    case.victims.append(Victim(
        full_name="Siti Aminah", sex=Sex.PEREMPUAN, birth_place="Jakarta",
        birth_date=dt.date(2016, 8, 1), nik=NIK_2, nationality=Nationality.WNI,
        address="Jl. Melati No. 9", address_outside_city="Kel. Pondok Aren, Kec. Pondok Aren, Kota Tangerang Selatan",
        education_id=_ref(Education, "sd").id, occupation_id=_ref(Occupation, "pelajar").id,
        marital_status_id=_ref(MaritalStatus, "belum_kawin").id, religion_id=_ref(Religion, "islam").id,
    ))
    case.perpetrators.append(Perpetrator(
        full_name="Joko Santoso", sex=Sex.LAKI_LAKI, age_estimate=40,
        relation_id=_ref(PerpetratorRelation, "tetangga").id,
    ))
    db.session.flush()
    builder.walk(case, SIMFONI_STEP.number)
    db.session.commit()
    return case


def _sheet_url(case):
    return f"/admin/simfoni/{case.id}"


def test_the_sheet_shows_every_section_in_order_with_each_victim_and_perpetrator(client, case, team):
    login(client, "administrasi")
    response = client.get(_sheet_url(case))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    positions = [html.index(f'id="bagian-{s.code}"') for s in SECTIONS]
    assert positions == sorted(positions)
    assert [s.code for s in SECTIONS] == ["pelapor", "korban", "pelaku", "kasus", "jenis_kekerasan", "tempat",
                                          "hubungan_pelaku", "layanan"]
    first, second = case.victims
    p1, p2 = case.perpetrators
    korban = html[html.index('id="bagian-korban"'):html.index('id="bagian-pelaku"')]
    assert f"Korban 1: {first.full_name}" in korban and "Korban 2: Siti Aminah" in korban
    assert "Perempuan" in korban and ">P<" not in korban
    assert "1 Agustus 2016" in korban  # the second victim's birth date, as people read it
    assert "14 tahun" in korban and "13-17" in korban  # age at the incident and its Simfoni age group
    assert "SLTP" in korban and "Pelajar" in korban and "Belum Kawin" in korban and "Islam" in korban
    assert "KTA (Kekerasan Terhadap Anak)" in korban and "Kota (UPTD PPA Kota Tangerang)" in korban
    assert "RT 003 / RW 002" in korban and "Kota Tangerang Selatan" in korban
    pelaku = html[html.index('id="bagian-pelaku"'):html.index('id="bagian-kasus"')]
    assert f"Pelaku 1: {p1.full_name}" in pelaku and "Pelaku 2: Joko Santoso" in pelaku
    assert "Laki-laki" in pelaku and "40 tahun (perkiraan)" in pelaku
    relation = html[html.index('id="bagian-hubungan_pelaku"'):html.index('id="bagian-layanan"')]
    assert "Orang Tua" in relation and "Tetangga" in relation
    kasus = html[html.index('id="bagian-kasus"'):html.index('id="bagian-jenis_kekerasan"')]
    from admin_app.documents.formatting import tanggal_indonesia
    assert tanggal_indonesia(case.incident_date) in kasus and case.case_number in kasus
    layanan = html[html.index('id="bagian-layanan"'):]
    assert "Kesehatan" in layanan and "Bantuan Hukum" in layanan and "RSUD Kota Tangerang" in layanan
    # Each value has its copy button; only what Simfoni needs: no assessment narrative, no risk notes.
    assert html.count("data-simfoni-copy") > 40
    assert "Cemas dan sulit tidur" not in html and "Konflik dalam keluarga" not in html
    assert "terbuka" not in html and "None" not in html


def test_who_may_open_the_sheet(client, builder, case, team, make_user):
    url = _sheet_url(case)
    for username, roles in (("petugas1", ()), ("sysadmin1", ("sysadmin",))):
        fresh = client.application.test_client()
        if roles:
            make_user(username, *roles)
        login(fresh, username)
        assert fresh.get(url).status_code == 403, username
    early = builder.register(child=False)
    builder.walk(early, SIMFONI_STEP.number - 1)
    db.session.commit()
    login(client, "administrasi")
    assert client.get(_sheet_url(early)).status_code == 404  # before the Simfoni step: not hers to see
    assert client.get("/admin/simfoni/999999").status_code == 404
    assert client.get("/admin/simfoni/abc").status_code == 404
    assert client.get(f"/admin/simfoni/{case.id}/identitas/1").status_code == 405
    head = client.application.test_client()
    login(head, "kepala")
    page = head.get(url)
    assert page.status_code == 200
    assert 'id="simfoni-form"' not in page.get_data(as_text=True)  # the head reads; administration records
    assert 'id="reveal-' not in page.get_data(as_text=True)


def test_identifiers_are_masked_until_an_audited_reveal_one_victim_at_a_time(client, case, team):
    first, second = case.victims
    login(client, "administrasi")
    html = client.get(_sheet_url(case)).get_data(as_text=True)
    assert NIK_1 not in html and KK_1 not in html and NIK_2 not in html
    assert "************0003" in html
    assert f'id="reveal-{first.id}"' in html and f'id="reveal-{second.id}"' in html
    url = f"/admin/simfoni/{case.id}/identitas/{first.id}"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400  # CSRF stays on
    before = _last_audit_id()
    shown = client.post(url, data={"csrf_token": csrf_token(client, _sheet_url(case))})
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert NIK_1 in html and KK_1 in html and NIK_2 not in html  # one person at a time
    entries = _audit_since(before, "reveal")
    assert [(e.object_type, e.object_id, e.case_id) for e in entries] == [("victims", str(first.id), case.id)]
    assert entries[0].detail == {"isian": ["NIK", "Nomor KK"]} and "3671" not in str(entries[0].detail)
    other = client.post(f"/admin/simfoni/{case.id}/identitas/999999",
                        data={"csrf_token": csrf_token(client, _sheet_url(case))})
    assert other.status_code == 404


def test_missing_fields_come_first_and_link_to_where_they_are_filled(client, case, team):
    from admin_app.models import CaseIdentification

    second = case.victims[1]
    second.education_id = None
    identification = db.session.execute(
        sa.select(CaseIdentification).where(CaseIdentification.victim_id == second.id)).scalar_one()
    identification.authority = None
    db.session.commit()
    login(client, "administrasi")
    html = client.get(_sheet_url(case)).get_data(as_text=True)
    assert html.index('id="simfoni-missing"') < html.index('id="bagian-pelapor"')
    missing = html[html.index('id="simfoni-missing"'):html.index('id="bagian-pelapor"')]
    assert re.search(rf'<a href="/admin/victims/details/\?id={second.id}">Pendidikan</a>', missing), missing
    assert re.search(rf'<a href="/admin/identification/details/\?id={identification.id}">Kewenangan Penanganan</a>',
                     missing), missing
    assert "diisi di Formulir identifikasi KTP/KTA" in missing and "diisi di data korban" in missing
    items = re.findall(r'simfoni-missing-item">(.*?)</li>', missing, re.S)
    assert len(items) == 2, items  # nothing else is missing on this case
    assert "Korban 2: Siti Aminah" in missing and "administrasi tidak mengubahnya" in missing
    assert f'/admin/cases/langkah/{case.id}/return_3' in missing or "Kembalikan ke langkah" in missing
    assert 'id="isian-korban-pendidikan-' + str(second.id) + '"' in html


def test_the_xlsx_has_one_sheet_per_section_and_one_row_per_person_masked_and_audited(client, case, team):
    from openpyxl import load_workbook

    login(client, "administrasi")
    before = _last_audit_id()
    response = client.get(f"/admin/simfoni/{case.id}/lembar.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="simfoni-{case.case_number}.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [worksheet_title(s) for s in SECTIONS] and "Data Kasus - Kejadian" in book.sheetnames
    korban = book["Data Korban"]
    cells = [[c.value for c in row] for row in korban.iter_rows()]
    assert cells[1][:2] == ["Nomor kasus", case.case_number]
    header = next(i for i, row in enumerate(cells) if row[0] == "Korban")
    people = [row for row in cells[header + 1:] if row[0]]
    assert len(people) == 2
    names = cells[header].index("Nama Korban")
    assert [row[names] for row in people] == [case.victims[0].full_name, "Siti Aminah"]
    everything = " ".join(str(c) for ws in book for row in ws.iter_rows() for c in (x.value for x in row))
    assert NIK_1 not in everything and KK_1 not in everything and "************0003" in everything
    assert len([r for r in book["Data Pelaku"].iter_rows(min_row=header + 2) if r[0].value]) == 2
    entry = _audit_since(before, "export")
    assert [(e.object_type, e.case_id, e.detail["format"]) for e in entry] == [("cases", case.id, "xlsx")]


def test_completing_the_simfoni_step_from_the_sheet(client, case, team):
    login(client, "administrasi")
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    page = client.get(_sheet_url(case)).get_data(as_text=True)
    assert 'id="simfoni-form"' in page
    token = csrf_token(client, _sheet_url(case))
    url = f"/admin/simfoni/{case.id}/catat"

    empty = client.post(url, data={"csrf_token": token, "registration_number": " ", "input_date": today.isoformat()})
    assert empty.status_code == 200 and "Isi nomor registrasi." in empty.get_data(as_text=True)
    future = client.post(url, data={"csrf_token": token, "registration_number": "3671-2026-0099",
                                    "input_date": (today + dt.timedelta(days=5)).isoformat()})
    assert future.status_code == 200
    assert "tidak boleh di masa depan" in future.get_data(as_text=True)
    assert 'value="3671-2026-0099"' in future.get_data(as_text=True)  # what was typed stays
    bad_date = client.post(url, data={"csrf_token": token, "registration_number": "X", "input_date": "31-31-2026"})
    assert bad_date.status_code == 200
    db.session.expire_all()
    assert db.session.get(Case, case.id).current_step == SIMFONI_STEP.number
    assert db.session.execute(sa.select(SimfoniRecord).where(SimfoniRecord.case_id == case.id)).first() is None

    done = client.post(url, data={"csrf_token": token, "registration_number": "3671-2026-0042",
                                  "input_date": today.isoformat(), "notes": ""})
    assert done.status_code == 302 and done.headers["Location"].endswith(_sheet_url(case))
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert saved.current_step == SIMFONI_STEP.number + 1
    record = db.session.execute(sa.select(SimfoniRecord).where(SimfoniRecord.case_id == case.id)).scalar_one()
    assert record.registration_number == "3671-2026-0042"
    after = client.get(_sheet_url(case)).get_data(as_text=True)
    assert 'id="simfoni-number">3671-2026-0042<' in after and 'id="simfoni-form"' not in after
    assert 'id="reveal-' not in after  # the step has passed: identifiers stay masked
    again = client.post(url, data={"csrf_token": token, "registration_number": "X", "input_date": today.isoformat()})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).current_step == SIMFONI_STEP.number + 1


def test_the_case_page_links_to_the_sheet_at_the_step_and_when_finished(client, builder, case, team):
    login(client, "administrasi")
    page = client.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)
    assert f'href="/admin/simfoni/{case.id}"' in page and "Lembar pencatatan Simfoni PPA" in page
    officer = client.application.test_client()
    login(officer, "petugas1")
    assert "/admin/simfoni/" not in officer.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)
    builder.walk(case, 99)
    db.session.commit()
    assert db.session.get(Case, case.id).status == CaseStatus.FINISHED
    head = client.application.test_client()
    login(head, "kepala")
    page = head.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)
    assert f'href="/admin/simfoni/{case.id}"' in page
    sheet = head.get(_sheet_url(case))
    assert sheet.status_code == 200 and 'id="simfoni-recorded"' in sheet.get_data(as_text=True)
