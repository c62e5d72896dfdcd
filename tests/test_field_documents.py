"""The field documents of step 3 through the real screens: the officer on the team fills all of them and step 3
becomes completable; others are refused; bad values are refused field by field and change nothing."""

import re

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import (
    BiopsychosocialAssessment,
    CaseIdentification,
    Complaint,
    ConsentPurpose,
    DocumentStatus,
    IncidentPlace,
    InformedConsent,
    InterventionPlan,
    OutreachLog,
    RiskAssessment,
    RiskIndicator,
    RiskLevel,
    ServiceType,
    Victim,
    ViolenceType,
)
from tests.helpers import csrf_token, form_tokens, login, page_messages


def ref(model, code):
    return db.session.execute(sa.select(model).where(model.code == code)).scalar_one()


@pytest.fixture
def case_at_step3(builder, team):
    """A case at step 3 with one adult woman victim, one reporter and one perpetrator, no documents yet."""
    case = builder.register(child=False)
    builder.walk(case, 3)
    db.session.commit()
    return case


def post(client, url, data):
    return client.post(url, data={**form_tokens(client, url), **data})


def fill_all_forms(client, case):
    victim = case.victims[0]
    base = f"case_id={case.id}"
    per_victim = f"{base}&victim_id={victim.id}"
    indicators = db.session.execute(sa.select(RiskIndicator).where(RiskIndicator.active.is_(True))).scalars().all()
    lives_with = next(i for i in indicators if i.code == "pelaku_serumah")
    responses = {
        "outreach_log": post(client, f"/admin/outreach_log/new/?{base}", {
            "verification_notes": "Dicocokkan dengan lurah dan ketua RT 003.",
            "address_traced": "Jl. Mawar No. 5 RT 003/RW 002",
            "departed_at": "2026-11-02T13:00", "arrived_at": "2026-11-02T13:40", "returned_at": "2026-11-02T16:00",
            "team_present": "Rina Marlina", "companions": "Unit PPA Polres", "rescue_actions": "tidak diperlukan",
            "safety_actions": "Korban dipindah ke rumah kakak", "initial_support": "Konseling awal", "mark_complete": "y",
        }),
        "complaint": post(client, f"/admin/complaint/new/?{base}", {
            "complaint_date": case.reported_date.isoformat(), "what": "Dipukul suami", "who": "Korban dan suami",
            "when": "Malam hari", "where": "Di rumah", "why": "Cekcok", "how": "Dengan tangan", "expectations": "Aman",
            "incident_place": str(ref(IncidentPlace, "rumah_tangga").id),
            "violence_types": [str(ref(ViolenceType, "fisik").id), str(ref(ViolenceType, "psikis").id)],
            "services_needed": [str(ref(ServiceType, "kesehatan").id)], "mark_complete": "y",
        }),
        "identification": post(client, f"/admin/identification/new/?{per_victim}", {
            "case_kind": "KTP", "authority": "kota", "mark_complete": "y",
        }),
        "risk_assessment": post(client, f"/admin/risk_assessment/new/?{per_victim}", {
            f"ind_{lives_with.id}": "y", "final_level": "", "mark_complete": "y",
        }),
        "consent": post(client, f"/admin/consent/new/?{per_victim}&purpose=layanan", {
            "consenter_name": victim.full_name, "consents_to_services": "y", "consents_to_data_sharing": "y",
            "sharing_institutions": "RSUD Kota Tangerang", "consents_to_simfoni": "y", "decision": "setuju",
            "consent_date": case.reported_date.isoformat(), "place": "Tangerang", "witness_name": "Rina", "nationality": "WNI",
            "mark_complete": "y",
        }),
        "biopsychosocial": post(client, f"/admin/biopsychosocial/new/?{base}", {
            "assessed_on": case.reported_date.isoformat(), "physical": "Memar", "psychological": "Cemas", "social": "Didukung kakak",
            "economic": "Tergantung suami", "legal": "Ingin lapor polisi", "summary": "Perlu layanan kesehatan", "mark_complete": "y",
        }),
        "intervention_plan": post(client, f"/admin/intervention_plan/new/?{base}", {
            "goal": "Korban aman dan pulih", "items-0-service_type": str(ref(ServiceType, "kesehatan").id),
            "items-0-provider": "RSUD Kota Tangerang", "items-0-target_date": case.reported_date.isoformat(),
            "items-0-status": "direncanakan", "mark_complete": "y",
        }),
    }
    return responses


def test_the_officer_fills_all_six_forms_and_step_three_completes(client, case_at_step3, team):
    case = case_at_step3
    login(client, "petugas1")
    responses = fill_all_forms(client, case)
    for name, response in responses.items():
        assert response.status_code == 302, (name, page_messages(response))
    for model in (OutreachLog, Complaint, CaseIdentification, RiskAssessment, BiopsychosocialAssessment, InterventionPlan):
        doc = db.session.execute(sa.select(model).where(model.case_id == case.id)).scalar_one()
        assert doc.status == DocumentStatus.COMPLETE, model.__name__
    risk = db.session.execute(sa.select(RiskAssessment).where(RiskAssessment.case_id == case.id)).scalar_one()
    assert (risk.score, risk.computed_level, risk.final_level) == (20, RiskLevel.SEDANG, RiskLevel.SEDANG)
    assert {v.code for v in db.session.get(type(case), case.id).violence_types} == {"fisik", "psikis"}
    page = client.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)
    assert "action-complete_field_work" in page and "missing-inputs" not in page
    response = post(client, f"/admin/cases/langkah/{case.id}/complete_field_work", {"note": ""})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.current_step == 4


def test_marking_complete_with_gaps_is_refused_and_nothing_is_saved(client, case_at_step3):
    login(client, "petugas1")
    response = post(client, f"/admin/biopsychosocial/new/?case_id={case_at_step3.id}", {"physical": "Memar", "mark_complete": "y"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Belum dapat ditandai lengkap" in text and "kondisi psikologis" in text
    assert db.session.execute(sa.select(BiopsychosocialAssessment)).first() is None


def test_a_draft_can_be_saved_incomplete(client, case_at_step3):
    login(client, "petugas1")
    response = post(client, f"/admin/biopsychosocial/new/?case_id={case_at_step3.id}", {"physical": "Memar"})
    assert response.status_code == 302
    doc = db.session.execute(sa.select(BiopsychosocialAssessment)).scalar_one()
    assert doc.status == DocumentStatus.DRAFT


def test_lowering_the_risk_level_needs_a_reason(client, case_at_step3):
    case = case_at_step3
    login(client, "petugas1")
    threat = db.session.execute(sa.select(RiskIndicator).where(RiskIndicator.code == "nyawa_terancam")).scalar_one()
    url = f"/admin/risk_assessment/new/?case_id={case.id}&victim_id={case.victims[0].id}"
    response = post(client, url, {f"ind_{threat.id}": "y", "final_level": "rendah"})
    assert response.status_code == 200
    assert "wajib disertai alasan" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(RiskAssessment)).first() is None
    response = post(client, url, {f"ind_{threat.id}": "y", "final_level": "sedang", "level_change_reason": "Pelaku sudah ditahan polisi"})
    assert response.status_code == 302
    saved = db.session.execute(sa.select(RiskAssessment)).scalar_one()
    assert (saved.computed_level, saved.final_level) == (RiskLevel.TINGGI, RiskLevel.SEDANG)


def test_high_risk_shows_the_emergency_first_warning(client, case_at_step3):
    case = case_at_step3
    login(client, "petugas1")
    threat = db.session.execute(sa.select(RiskIndicator).where(RiskIndicator.code == "nyawa_terancam")).scalar_one()
    url = f"/admin/risk_assessment/new/?case_id={case.id}&victim_id={case.victims[0].id}"
    response = post(client, url, {f"ind_{threat.id}": "y"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "RISIKO TINGGI" in page and "high-risk-warning" in page


def test_kta_only_for_a_child(client, case_at_step3):
    case = case_at_step3
    login(client, "petugas1")
    response = post(client, f"/admin/identification/new/?case_id={case.id}&victim_id={case.victims[0].id}", {"case_kind": "KTA", "authority": "kota"})
    assert response.status_code == 200
    assert "KTA" in response.get_data(as_text=True) and "anak" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(CaseIdentification)).first() is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("nik", "12345", "NIK harus 16 digit"),
        ("family_card_number", "abc", "Nomor KK harus 16 digit"),
        ("phone", "12", "Nomor telepon tidak valid"),
        ("birth_date", "2999-01-01", "tidak boleh"),
        ("rt", "12345", "RT"),
    ],
)
def test_bad_identity_values_are_refused_field_by_field(client, case_at_step3, field, value, message):
    case = case_at_step3
    login(client, "petugas1")
    before = db.session.execute(sa.select(sa.func.count()).select_from(Victim)).scalar_one()
    data = {"full_name": "Ani", "nationality": "WNI", field: value}
    response = post(client, f"/admin/victims/new/?case_id={case.id}", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Victim)).scalar_one() == before


def test_phone_is_normalised_and_nik_mismatch_is_only_a_warning(client, case_at_step3):
    case = case_at_step3
    login(client, "petugas1")
    response = post(client, f"/admin/victims/new/?case_id={case.id}", {
        "full_name": "Ani Suryani", "sex": "P", "birth_date": "1990-05-12", "nationality": "WNI",
        "nik": "3671 0552 0590 0001", "phone": "0812-3456-7890",
    })
    assert response.status_code == 302
    victim = db.session.execute(sa.select(Victim).where(Victim.full_name == "Ani Suryani")).scalar_one()
    assert victim.phone == "+6281234567890" and victim.nik == "3671055205900001"
    page = client.get(response.location).get_data(as_text=True)
    assert "Periksa kembali" not in page  # date and sex match the NIK
    response = post(client, f"/admin/victims/edit/?id={victim.id}", {
        "full_name": "Ani Suryani", "sex": "P", "birth_date": "1991-05-12", "nationality": "WNI", "nik": "3671055205900001",
    })
    assert response.status_code == 302
    assert "Periksa kembali" in client.get(response.location).get_data(as_text=True)


def test_an_officer_not_on_the_team_cannot_open_or_save_documents(client, case_at_step3, make_user):
    case = case_at_step3
    make_user("petugas9", "petugas")
    login(client, "petugas9")
    for url in (f"/admin/complaint/new/?case_id={case.id}", f"/admin/victims/new/?case_id={case.id}",
                f"/admin/identification/new/?case_id={case.id}&victim_id={case.victims[0].id}"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, "/admin/")
    response = client.post(f"/admin/complaint/new/?case_id={case.id}", data={"csrf_token": token, "what": "x"})
    assert response.status_code == 404
    assert db.session.execute(sa.select(Complaint)).first() is None


def test_the_head_can_read_but_not_fill(client, case_at_step3, team):
    case = case_at_step3
    login(client, "kepala")
    response = client.get(f"/admin/complaint/new/?case_id={case.id}")
    assert response.status_code in (302, 403)
    assert db.session.execute(sa.select(Complaint)).first() is None


def test_documents_cannot_change_after_step_three(client, builder, team):
    case = builder.register(child=False)
    builder.walk(case, 4)
    db.session.commit()
    login(client, "petugas1")
    bio = db.session.execute(sa.select(BiopsychosocialAssessment).where(BiopsychosocialAssessment.case_id == case.id)).scalar_one()
    response = post(client, f"/admin/biopsychosocial/edit/?id={bio.id}", {"physical": "Diubah", "mark_complete": "y"})
    assert response.status_code == 302
    db.session.refresh(bio)
    assert bio.physical != "Diubah"


def test_plan_consent_is_filled_in_step_five(client, builder, team):
    case = builder.register(child=False)
    builder.walk(case, 5)
    consent = db.session.execute(
        sa.select(InformedConsent).where(InformedConsent.case_id == case.id, InformedConsent.purpose == ConsentPurpose.PLAN)
    ).scalar_one()
    db.session.delete(consent)
    db.session.commit()
    login(client, "petugas1")
    url = f"/admin/consent/new/?case_id={case.id}&victim_id={case.victims[0].id}&purpose=rencana_intervensi"
    response = post(client, url, {"consenter_name": case.victims[0].full_name, "decision": "setuju",
                                   "consent_date": case.reported_date.isoformat(), "mark_complete": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert db.session.execute(
        sa.select(InformedConsent).where(InformedConsent.case_id == case.id, InformedConsent.purpose == ConsentPurpose.PLAN)
    ).scalar_one().status == DocumentStatus.COMPLETE


def test_each_form_prints_without_admin_chrome(client, builder, team):
    case = builder.register(child=False)
    builder.walk(case, 4)
    db.session.commit()
    login(client, "petugas1")
    page = client.get(f"/admin/cases/details/?id={case.id}").get_data(as_text=True)
    links = re.findall(r'href="(/admin/[a-z_]+/details/\?id=\d+)"', page)
    assert len(links) >= 8
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert "data-jangkau-print" in response.get_data(as_text=True)
    css = client.get("/static/jangkau.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css


def test_the_witness_is_not_the_officer_who_explains():
    from admin_app.models import InformedConsent, User
    from admin_app.sop.completeness import consent_missing, same_person

    officer = User(username="rina", full_name="Rina Marlina, S.Psi.")
    consent = InformedConsent(consenter_name="Siti", decision=None, filled_by=officer)
    for witness, flagged in (("rina  marlina", True), ("Rina Marlina, S.Psi.", True), ("Suryani (Ketua RT 003)", False),
                             (None, False)):
        consent.witness_name = witness
        assert any("saksi" in m for m in consent_missing(consent, victim_is_child=False)) is flagged, witness
    assert not same_person("", "") and not same_person(None, "Rina")
