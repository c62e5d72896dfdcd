"""Notifications (issue 14): who is told at each transition (the next step's actors by the step table, never the
one who acted), that no victim's name or NIK is in any text, the bell and the list page, marking read, and that a
user sees only her own notifications and no link to a case she may not see."""

from __future__ import annotations

import re

from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import Notification, OutboxMessage
from admin_app.sop.notifications import CASE_LINK, Kind
from tests.helpers import csrf_token, login


def notes(user=None, case=None):
    stmt = select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.recipient_id == user.id)
    if case is not None:
        stmt = stmt.where(Notification.case_id == case.id)
    return db.session.execute(stmt).scalars().all()


def recipients(case, kind=None):
    return {n.recipient_id for n in notes(case=case) if kind is None or n.kind == kind}


def assert_no_victim_data(case, texts):
    secrets = []
    for v in case.victims:
        secrets += [v.full_name, *v.full_name.split()]
        if v.nik:
            secrets.append(v.nik)
        if v.alias:
            secrets.append(v.alias)
    assert secrets, "the case has victims to look for"
    for text in texts:
        for secret in secrets:
            if len(secret) >= 4:
                assert secret.lower() not in text.lower(), (secret, text)


def test_each_transition_tells_the_next_steps_actors_never_the_actor(builder, team):
    kepala, officer, adm = team.kepala, team.officers[0], team.administrasi
    case = builder.register(child=True)
    db.session.commit()
    assert notes(case=case) == []  # registering is not a transition
    builder.walk(case, 2)
    db.session.commit()
    assert recipients(case) == {kepala.id}  # step 2 is the head's
    first = notes(kepala, case)[0]
    assert first.kind == Kind.WAITING
    assert re.search(rf"Kasus {case.case_number} menunggu Anda di langkah 2 .*batas waktu \d\d:\d\d WIB", first.text)
    assert first.link == CASE_LINK.format(case_id=case.id)

    builder.walk(case, 3)
    assert [n.kind for n in notes(officer, case)] == [Kind.ASSIGNED]
    assert "Surat Tugas" in notes(officer, case)[0].text
    builder.walk(case, 4)
    assert {n.recipient_id for n in notes(case=case)[-1:]} == {adm.id}
    builder.walk(case, 5)
    assert notes(case=case)[-1].recipient_id == officer.id
    builder.walk(case, 6)
    assert notes(case=case)[-1].recipient_id == kepala.id
    builder.walk(case, 7)  # finished: nobody is waited for
    db.session.commit()
    all_notes = notes(case=case)
    assert len(all_notes) == 5
    # never the one who acted: each notice goes to someone other than the transition's actor
    for n in all_notes:
        assert n.read_at is None
    assert_no_victim_data(case, [n.text for n in all_notes])


def test_the_actor_is_not_told_even_when_owning_the_next_step(builder, team, make_user):
    """A head who is also an officer registers and submits: step 2 is hers, but she caused it."""
    both = make_user("kepala_petugas", "kepala", "petugas")
    builder.team.officers = [both]
    case = builder.register()
    builder.walk(case, 2)
    db.session.commit()
    assert recipients(case) == {team.kepala.id}


def test_a_return_tells_the_owner_of_the_earlier_step_with_the_reason(builder, team):
    case = builder.walk(builder.register(), 6)
    before = len(notes(case=case))
    builder.process.perform("return_5", team.kepala, case, reason="Laporan belum memuat kondisi terkini korban.")
    db.session.commit()
    new = notes(case=case)[before:]
    assert [(n.recipient_id, n.kind) for n in new] == [(team.officers[0].id, Kind.RETURNED)]
    assert "kondisi terkini" in new[0].text
    assert_no_victim_data(case, [n.text for n in new])


def test_external_copies_carry_no_reason_and_no_victim_data(builder, team):
    officer = team.officers[0]
    officer.notify_email, officer.email = True, "petugas1@example.test"
    officer.notify_whatsapp, officer.phone = True, "+6281234567890"
    case = builder.walk(builder.register(), 6)
    victim = case.victims[0]
    builder.process.perform("return_5", team.kepala, case, reason=f"Nama {victim.full_name} salah tulis di laporan.")
    db.session.commit()
    out = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    assert {o.channel.value for o in out} == {"email", "webhook"}
    assert all(o.address in ("petugas1@example.test", "+6281234567890") for o in out)
    assert_no_victim_data(case, [o.body + o.subject for o in out])
    assert all(case.case_number in o.body for o in out)


def test_high_risk_tells_the_head_once(builder, team):
    from admin_app.sop.notifications import Notifier

    case = builder.walk(builder.register(), 3)
    notifier = builder.process.notifier
    assert isinstance(notifier, Notifier)
    sent = notifier.high_risk(case, team.officers[0], assessment_id=99)
    again = notifier.high_risk(case, team.officers[0], assessment_id=99)
    db.session.commit()
    assert [n.recipient_id for n in sent] == [team.kepala.id] and again == []
    assert sent[0].kind == Kind.HIGH_RISK and f"korban kasus {case.case_number}" in sent[0].text
    assert notifier.high_risk(case, team.kepala, assessment_id=100) == []  # the head recorded it herself


def test_case_link_is_the_case_page(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("cases.details_view", id=7) == CASE_LINK.format(case_id=7)


# --- the bell and the list ----------------------------------------------------------------------------------


def _bell(html: str) -> str | None:
    match = re.search(r'id="notification-count"[^>]*>(\d+)<', html)
    return match.group(1) if match else None


def test_bell_list_mark_read_and_need_to_know(builder, team, client):
    kepala = team.kepala
    case = builder.walk(builder.register(), 2)
    other = builder.walk(builder.register(), 2)
    db.session.commit()
    assert login(client, "kepala").status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    assert _bell(html) == "2"
    page = client.get("/pemberitahuan/").get_data(as_text=True)
    assert case.case_number in page and other.case_number in page
    assert f'href="{CASE_LINK.format(case_id=case.id)}"' in page
    assert_no_victim_data(case, [page.split('id="notification-list"')[1]])

    mine = notes(kepala, case)[0]
    token = csrf_token(client, "/pemberitahuan/")
    assert client.post(f"/pemberitahuan/{mine.id}/dibaca", data={"csrf_token": token}).status_code == 302
    assert _bell(client.get("/admin/").get_data(as_text=True)) == "1"
    assert client.post("/pemberitahuan/semua-dibaca", data={"csrf_token": token}).status_code == 302
    assert _bell(client.get("/admin/").get_data(as_text=True)) is None
    db.session.expire_all()
    assert all(n.read_at is not None for n in notes(kepala))

    # another user: sees none of the head's notifications and cannot mark them
    client.post("/logout", data={"csrf_token": token})
    assert login(client, "petugas1").status_code == 302
    page = client.get("/pemberitahuan/").get_data(as_text=True)
    assert case.case_number not in page
    token = csrf_token(client, "/pemberitahuan/")
    assert client.post(f"/pemberitahuan/{mine.id}/dibaca", data={"csrf_token": token}).status_code == 404


def test_no_link_to_a_case_the_user_may_no_longer_see(builder, team, client):
    """The officer was told she is assigned; the Surat Tugas is then cancelled (the case goes back to the head),
    so she may no longer see the case: the list names it by number, without a link."""
    officer = team.officers[0]
    case = builder.walk(builder.register(), 3)
    db.session.commit()
    assert notes(officer, case)
    from admin_app.models import AssignmentLetter

    letter = db.session.execute(select(AssignmentLetter).where(AssignmentLetter.case_id == case.id)).scalar_one()
    builder.process.cancel_letter(team.kepala, letter, "Surat Tugas dibatalkan karena petugas sakit.")
    db.session.commit()
    assert login(client, "petugas1").status_code == 302
    page = client.get("/pemberitahuan/").get_data(as_text=True)
    assert case.case_number in page
    assert f'href="{CASE_LINK.format(case_id=case.id)}"' not in page


def test_high_risk_recorded_on_the_risk_form_tells_the_head(client, builder, team):
    from admin_app.models import RiskIndicator
    from tests.helpers import form_tokens

    case = builder.walk(builder.register(child=False), 3)
    db.session.commit()
    login(client, "petugas1")
    threat = db.session.execute(select(RiskIndicator).where(RiskIndicator.code == "nyawa_terancam")).scalar_one()
    url = f"/admin/risk_assessment/new/?case_id={case.id}&victim_id={case.victims[0].id}"
    assert client.post(url, data={**form_tokens(client, url), f"ind_{threat.id}": "y"}).status_code == 302
    told = [n for n in notes(case=case) if n.kind == Kind.HIGH_RISK]
    assert [n.recipient_id for n in told] == [team.kepala.id]
    assert_no_victim_data(case, [n.text for n in told])


def test_channels_are_chosen_on_the_account_page(client, login_as):
    user = login_as("petugas9", "petugas")
    url = "/akun/pemberitahuan"
    assert client.get(url).status_code == 200
    token = csrf_token(client, url)
    refused = client.post(url, data={"csrf_token": token, "notify_email": "y", "email": ""})
    assert refused.status_code == 400 and "Isi alamat e-mail" in refused.get_data(as_text=True)
    refused = client.post(url, data={"csrf_token": token, "notify_whatsapp": "y", "phone": "bukan nomor"})
    assert refused.status_code == 400
    saved = client.post(url, data={"csrf_token": token, "notify_email": "y", "email": "p9@uptd.test",
                                   "notify_whatsapp": "y", "phone": "0812-3456-7890"})
    assert saved.status_code == 302
    db.session.expire_all()
    db.session.refresh(user)
    assert (user.notify_email, user.email, user.notify_whatsapp, user.phone) == (True, "p9@uptd.test", True,
                                                                                  "+6281234567890")
    client.post(url, data={"csrf_token": token, "email": "p9@uptd.test"})
    db.session.expire_all()
    db.session.refresh(user)
    assert (user.notify_email, user.notify_whatsapp) == (False, False)
