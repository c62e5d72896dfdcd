"""Emergency first: a victim recorded at high risk tells the head at once (Tugas Saya), the emergency referral
form shows the risk result it rests on, and the alert ends when the referral is issued."""

from __future__ import annotations

from admin_app.extensions import db
from admin_app.models import LetterNature, OutcomeKind
from admin_app.sop.letters import OutcomeRequest
from tests.helpers import login


def test_high_risk_reaches_the_head_at_once_and_the_referral_shows_its_basis(client, builder, team):
    calm = builder.register()
    builder.walk(calm, 3)
    builder.fill_field_documents(calm, team.officers[0])
    case = builder.register()
    builder.walk(case, 3)
    builder.fill_field_documents(case, team.officers[0], high_risk=True)
    db.session.commit()
    login(client, "kepala")
    home = client.get("/admin/").get_data(as_text=True)
    assert 'id="high-risk-alerts"' in home and case.case_number in home.split('id="high-risk-alerts"')[1][:2000]
    assert calm.case_number not in home.split('id="high-risk-alerts"')[1].split("</div>")[0]

    form = client.get(f"/admin/cases/langkah/{case.id}/emergency_referral").get_data(as_text=True)
    results = form.split('id="risk-results"')[1].split("</div></div>")[0]
    assert "Tinggi" in results and case.victims[0].full_name in results and "Nyawa korban terancam" in results

    officer = client.application.test_client()
    login(officer, team.officers[0].username)
    assert 'id="high-risk-alerts"' not in officer.get("/admin/").get_data(as_text=True)  # the head's to decide

    builder.process.issue_emergency_referral(team.kepala, case, OutcomeRequest(
        OutcomeKind.REFERRAL, recipient="RSUD Kota Tangerang", purpose="Pertolongan darurat",
        services_given="Pertolongan pertama", current_condition="Terluka", nature=LetterNature.SEGERA,
        consent_override_reason="Korban terluka, perlu tindakan medis segera"))
    db.session.commit()
    assert 'id="high-risk-alerts"' not in client.get("/admin/").get_data(as_text=True)
