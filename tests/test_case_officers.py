"""`case_officers` (sop/team.py): the officers a case concerns (its team, derived from its issued Surat Tugas, and
its registrant), kept in step with the letters and the case in the same flush, whatever changed them. The
need-to-know rule and an officer's list read it (sop/access.py), so a row left behind would show a case to an
officer taken off it: each way the team changes is checked against the letters, and against the screens."""

from __future__ import annotations

import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import AssignmentLetter, AssignmentMember, Case, CaseOfficer, LetterStatus, User
from admin_app.sop.team import officer_rows, rebuild_case_officers
from tests.helpers import login


def _team(case_id: int) -> set[int]:
    return set(db.session.execute(sa.select(CaseOfficer.user_id).where(
        CaseOfficer.case_id == case_id, CaseOfficer.on_team)).scalars())


def _rows_of(case_id: int) -> set[tuple]:
    return {(r.user_id, bool(r.on_team), bool(r.registered)) for r in db.session.execute(
        sa.select(CaseOfficer).where(CaseOfficer.case_id == case_id)).scalars()}


def _as_derived() -> set[tuple]:
    return {(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in db.session.execute(officer_rows()).all()}


def _table() -> set[tuple]:
    return {(r.case_id, r.user_id, r.received_at, bool(r.on_team), bool(r.registered))
            for r in db.session.execute(sa.select(CaseOfficer)).scalars()}


def _officers():
    """petugas1 and petugas2 (the builder fixture keeps only the first in `team.officers`)."""
    return [db.session.execute(sa.select(User).where(User.username == f"petugas{n}")).scalar_one() for n in (1, 2)]


def _letter(case) -> AssignmentLetter:
    return db.session.execute(sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id,
                                                               AssignmentLetter.status == LetterStatus.ISSUED)).scalar_one()


def test_the_rows_follow_registering_issuing_and_cancelling(builder, team):
    first, second = _officers()
    registered = builder.register()  # by petugas1
    db.session.commit()
    assert _rows_of(registered.id) == {(first.id, False, True)}
    case = builder.walk(builder.register(), 3, officers=[first, second])
    db.session.commit()
    assert _rows_of(case.id) == {(first.id, True, True), (second.id, True, False)}
    builder.process.cancel_letter(team.kepala, _letter(case), "Salah menunjuk petugas")
    db.session.commit()
    assert _team(case.id) == set() and _rows_of(case.id) == {(first.id, False, True)}
    assert _table() == _as_derived()


def test_a_member_taken_off_or_added_to_a_letter_changes_the_team_at_once(builder, team):
    first, second = _officers()
    case = builder.walk(builder.register(), 3, officers=[first, second])
    db.session.commit()
    letter = _letter(case)
    letter.members.remove(next(m for m in letter.members if m.user_id == second.id))
    db.session.flush()  # no commit: the same transaction already sees it
    assert _team(case.id) == {first.id}
    letter.members.append(AssignmentMember(user_id=second.id, position_in_list=2, name=second.full_name))
    db.session.flush()
    assert _team(case.id) == {first.id, second.id}
    db.session.rollback()  # and a rollback takes the rebuilt rows back with the change
    assert _team(case.id) == {first.id, second.id}
    assert _table() == _as_derived()


def test_an_officer_on_two_letters_of_a_case_stays_while_one_is_issued(builder, team):
    first = team.officers[0]
    case = builder.walk(builder.register(), 3, officers=[first])
    db.session.commit()
    letter = _letter(case)
    twin = AssignmentLetter(case_id=case.id, purpose=letter.purpose, outreach_date=letter.outreach_date)
    builder.process.letters.fill(twin, team.kepala, letter.letter_date, None)
    twin.members.append(AssignmentMember(user_id=first.id, position_in_list=1, name=first.full_name))
    db.session.add(twin)
    db.session.commit()
    assert _team(case.id) == {first.id}  # once, however many letters name her
    letter.status, letter.cancel_reason = LetterStatus.CANCELLED, "Diganti surat baru"
    db.session.commit()
    assert _team(case.id) == {first.id}
    twin.status, twin.cancel_reason = LetterStatus.CANCELLED, "Dibatalkan"
    db.session.commit()
    assert _team(case.id) == set()


def test_the_rows_carry_the_cases_date_after_it_is_corrected(builder, team):
    import datetime as dt

    case = builder.walk(builder.register(), 3)
    db.session.commit()
    case.received_at = case.received_at - dt.timedelta(hours=5)
    db.session.commit()
    dates = set(db.session.execute(sa.select(CaseOfficer.received_at).where(CaseOfficer.case_id == case.id)).scalars())
    assert dates == {db.session.get(Case, case.id).received_at}


def test_a_rebuild_from_the_letters_and_cases_gives_the_same_table(builder, team):
    cases = [builder.walk(builder.register(), n, officers=[_officers()[n % 2]]) for n in (1, 2, 3, 5, 7)]
    builder.process.cancel_letter(team.kepala, _letter(cases[2]), "Salah menunjuk petugas")
    db.session.commit()
    kept = _table()
    assert kept == _as_derived() and kept
    db.session.execute(sa.delete(CaseOfficer))
    rebuild_case_officers(db.session.connection())
    assert _table() == kept


def test_an_officer_taken_off_by_a_cancelled_letter_no_longer_opens_the_case(app, builder, team):
    second = _officers()[1]
    case = builder.walk(builder.register(), 3, officers=[second])
    db.session.commit()
    officer = app.test_client()
    login(officer, second.username)
    assert case.case_number in officer.get("/admin/cases/").get_data(as_text=True)
    assert officer.get(f"/admin/cases/details/?id={case.id}").status_code == 200
    builder.process.cancel_letter(team.kepala, _letter(case), "Salah menunjuk petugas")
    db.session.commit()
    assert case.case_number not in officer.get("/admin/cases/").get_data(as_text=True)
    assert officer.get(f"/admin/cases/details/?id={case.id}").status_code in (302, 404)


def test_an_officers_own_list_shows_what_her_rows_give_and_no_more(app, builder, team):
    """Her list in date order reads her rows (sop/access.py:officer_rows_join): a case she registered shows while
    it is at the first step and goes once it has a team she is not on; her team's cases show; another officer's
    registered case never does."""
    first, second = _officers()
    waiting = builder.register()  # by petugas1, still at step 1
    handed_on = builder.walk(builder.register(), 3, officers=[second])  # registered by petugas1, team petugas2
    hers = builder.walk(builder.register(), 3, officers=[first])
    db.session.commit()
    for username, sees, not_sees in (("petugas1", {waiting, hers}, {handed_on}),
                                     ("petugas2", {handed_on}, {waiting, hers})):
        client = app.test_client()
        login(client, username)
        page = client.get("/admin/cases/").get_data(as_text=True)
        assert all(c.case_number in page for c in sees), username
        assert not any(c.case_number in page for c in not_sees), username
        assert f"Daftar ({len(sees)})" in page, username
