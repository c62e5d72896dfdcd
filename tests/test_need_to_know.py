"""Need to know, through every kind of URL: an officer opens another officer's case by every URL and is refused;
administration sees cases from step 4 on; the system administrator sees none.

Matrix (who may see a case at the given step):
                     step 1 (reg. by p1)  step 3 (team p1)  step 4 (team p1)  finished (team p2)
    petugas1                yes                 yes               yes              no
    petugas2                no                  no                no               yes
    kepala                  yes                 yes               yes              yes
    administrasi            no                  no                yes              yes
    sysadmin                no (403)            no (403)          no (403)         no (403)
"""

import re

import pytest

from admin_app.extensions import db
from tests.helpers import csrf_token, login

CASE_URLS = [
    "/admin/cases/details/?id={id}",
    "/admin/cases/edit/?id={id}",
    "/admin/cases/langkah/{id}/submit_information",
    "/admin/cases/langkah/{id}/instruct_outreach",
    "/admin/cases/langkah/{id}/complete_field_work",
    "/admin/cases/langkah/{id}/record_simfoni",
    "/admin/cases/langkah/{id}/give_instruction",
    "/admin/cases/langkah/{id}/return_3",
]


@pytest.fixture
def cases(builder, team):
    p1 = team.officers[0]
    step1 = builder.register()
    step3 = builder.register()
    builder.walk(step3, 3, officers=[p1])
    step4 = builder.register()
    builder.walk(step4, 4, officers=[p1])
    db.session.commit()
    return {"step1": step1, "step3": step3, "step4": step4}


@pytest.fixture
def finished_p2(builder, make_user):
    other = make_user("petugas2b", "petugas", full_name="Dedi Kurniawan, S.Sos.")
    case = builder.register()
    builder.walk(case, 7, officers=[other])
    db.session.commit()
    return case, other


VISIBLE = {
    "petugas1": {"step1", "step3", "step4"},
    "kepala": {"step1", "step3", "step4", "finished"},
    "administrasi": {"step4", "finished"},
    "petugas2b": {"finished"},
}


@pytest.mark.parametrize("username", ["petugas1", "kepala", "administrasi", "petugas2b"])
def test_case_visibility_matrix_through_every_url(client, cases, finished_p2, username):
    all_cases = dict(cases, finished=finished_p2[0])
    login(client, username)
    listing = client.get("/admin/cases/").get_data(as_text=True)
    for name, case in all_cases.items():
        visible = name in VISIBLE[username]
        assert (case.case_number in listing) == visible, (username, name)
        details = client.get(f"/admin/cases/details/?id={case.id}")
        if visible:
            assert details.status_code == 200, (username, name)
        else:
            assert details.status_code in (302, 404), (username, name)
            assert case.case_number not in details.get_data(as_text=True)
            for url in CASE_URLS:
                response = client.get(url.format(id=case.id), follow_redirects=True)
                assert response.status_code in (200, 404), url
                assert case.case_number not in response.get_data(as_text=True), (username, url)
            searched = client.get(f"/admin/cases/?search={case.case_number}").get_data(as_text=True)
            assert not re.search(rf"details/\?id={case.id}(&|\")", searched), (username, name)


def test_sysadmin_sees_no_case(client, cases, make_user):
    make_user("root", "sysadmin")
    login(client, "root")
    assert client.get("/admin/cases/").status_code == 403
    for case in cases.values():
        for url in CASE_URLS:
            response = client.get(url.format(id=case.id))
            assert response.status_code == 403, url
            assert case.case_number not in response.get_data(as_text=True)


def test_another_officer_cannot_post_a_transition(client, cases, make_user):
    make_user("petugas9", "petugas")
    login(client, "petugas9")
    case = cases["step3"]
    token = csrf_token(client, "/admin/")
    response = client.post(f"/admin/cases/langkah/{case.id}/complete_field_work", data={"csrf_token": token})
    assert response.status_code == 404
    db.session.refresh(case)
    assert case.current_step == 3


def test_the_export_is_scoped_and_only_for_the_head(client, cases, finished_p2, team):
    login(client, "petugas1")
    assert client.get("/admin/cases/export/csv/").status_code in (302, 403)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "kepala")
    response = client.get("/admin/cases/export/csv/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for case in list(cases.values()) + [finished_p2[0]]:
        assert case.case_number in text


def test_filters_cannot_widen_the_scope(client, cases, finished_p2):
    login(client, "petugas2b")
    for query in ("flt0_0=3", "flt1_0=3", "search=PJK", "flt0_6=1", "sort=0&desc=1", "page=0&page_size=100"):
        text = client.get(f"/admin/cases/?{query}").get_data(as_text=True)
        for case in cases.values():
            assert case.case_number not in text, query


@pytest.mark.parametrize("bad_id", ["abc", "-1", "99999", "1 OR 1=1", "%00", "1;DROP TABLE cases"])
def test_bad_ids_are_not_found_not_errors(client, cases, bad_id):
    login(client, "kepala")
    assert client.get(f"/admin/cases/details/?id={bad_id}").status_code in (302, 404)
    assert client.get(f"/admin/cases/edit/?id={bad_id}").status_code in (302, 404)


def test_administration_sees_what_simfoni_needs_and_not_the_narrative_documents(client, builder, team):
    case = builder.register(child=False)
    builder.walk(case, 4)
    db.session.commit()
    login(client, "administrasi")
    assert client.get(f"/admin/cases/details/?id={case.id}").status_code == 200
    for endpoint in ("complaint", "identification", "risk_assessment", "victims"):
        assert client.get(f"/admin/{endpoint}/").status_code == 200, endpoint
    for endpoint in ("outreach_log", "consent", "biopsychosocial", "intervention_plan"):
        assert client.get(f"/admin/{endpoint}/").status_code == 403, endpoint


def test_administration_reveals_a_victims_identifiers_for_simfoni_one_person_at_a_time_audited(client, builder, team):
    import sqlalchemy as sa

    from admin_app.models import AuditEvent, Victim

    case = builder.register(child=False)
    builder.walk(case, 4)
    victim = case.victims[0]
    victim.nik, victim.family_card_number = "3671014708920003", "3671011203150007"
    db.session.commit()
    page_url = f"/admin/cases/details/?id={case.id}"
    url = f"/admin/cases/identitas/{case.id}/{victim.id}"
    login(client, "administrasi")
    page = client.get(page_url).get_data(as_text=True)
    assert f'id="reveal-{victim.id}"' in page and "3671014708920003" not in page  # masked until asked
    assert client.get(url).status_code == 405  # never a link: a browser could prefetch it
    assert client.post(url).status_code == 400  # no CSRF token
    before = db.session.execute(sa.select(sa.func.max(AuditEvent.id))).scalar()
    shown = client.post(url, data={"csrf_token": csrf_token(client, page_url)})
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "3671014708920003" in html and "3671011203150007" in html and victim.full_name in html
    entry = db.session.execute(sa.select(AuditEvent).where(AuditEvent.id > before, AuditEvent.action == "reveal")
                               ).scalar_one()
    assert (entry.object_type, entry.object_id, entry.case_id) == ("victims", str(victim.id), case.id)
    assert entry.detail == {"isian": ["NIK", "Nomor KK"]}
    assert "3671" not in str(entry.detail)  # what was shown is named, never written
    other = builder.register(child=False)
    builder.walk(other, 4)
    db.session.commit()
    wrong = client.post(f"/admin/cases/identitas/{case.id}/{other.victims[0].id}",
                        data={"csrf_token": csrf_token(client, page_url)})
    assert wrong.status_code == 404  # a victim of another case, through this case

    # Nobody else's rules change: the team and the head do not get the button or the page, and neither does
    # administration once the case has left step 4.
    for username in ("petugas1", "kepala"):
        fresh = client.application.test_client()
        login(fresh, username)
        assert f'id="reveal-{victim.id}"' not in fresh.get(page_url).get_data(as_text=True)
        assert fresh.post(url, data={"csrf_token": csrf_token(fresh, page_url)}).status_code == 403, username
    builder.walk(case, 5)
    db.session.commit()
    assert f'id="reveal-{victim.id}"' not in client.get(page_url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token(client, page_url)}).status_code in (403, 404)
    assert db.session.get(Victim, victim.id).nik == "3671014708920003"
