"""`case_team` (sop/team.py): who is on a case's team, derived from its issued Surat Tugas and kept in step with
them in the same flush, whatever changed the letters. The need-to-know rule reads it (sop/access.py), so a row
left behind would show a case to an officer taken off it: each way the team changes is checked against the
letters, and against the screens."""

from __future__ import annotations

import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import AssignmentLetter, AssignmentMember, CaseTeamMember, LetterStatus, User
from admin_app.sop.team import rebuild_case_team, team_rows
from tests.helpers import login


def _team(case_id: int) -> set[int]:
    return set(db.session.execute(sa.select(CaseTeamMember.user_id).where(CaseTeamMember.case_id == case_id)).scalars())


def _as_the_letters_say() -> set[tuple[int, int]]:
    return {tuple(r) for r in db.session.execute(team_rows()).all()}


def _table() -> set[tuple[int, int]]:
    return {tuple(r) for r in db.session.execute(sa.select(CaseTeamMember.case_id, CaseTeamMember.user_id)).all()}


def _officers():
    """petugas1 and petugas2 (the builder fixture keeps only the first in `team.officers`)."""
    return [db.session.execute(sa.select(User).where(User.username == f"petugas{n}")).scalar_one() for n in (1, 2)]


def _letter(case) -> AssignmentLetter:
    return db.session.execute(sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id,
                                                               AssignmentLetter.status == LetterStatus.ISSUED)).scalar_one()


def test_the_team_follows_issuing_and_cancelling_the_surat_tugas(builder, team):
    first, second = _officers()
    registered = builder.register()
    db.session.commit()
    assert _team(registered.id) == set()  # registering names nobody: the registrant's access is a rule of its own
    case = builder.walk(builder.register(), 3, officers=[first, second])
    db.session.commit()
    assert _team(case.id) == {first.id, second.id}
    builder.process.cancel_letter(team.kepala, _letter(case), "Salah menunjuk petugas")
    db.session.commit()
    assert _team(case.id) == set()  # the case went back to step 2 with nobody on it
    assert _table() == _as_the_letters_say()


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
    assert _table() == _as_the_letters_say()


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


def test_a_rebuild_from_the_letters_gives_the_same_table(builder, team):
    cases = [builder.walk(builder.register(), n, officers=[_officers()[n % 2]]) for n in (1, 2, 3, 5, 7)]
    builder.process.cancel_letter(team.kepala, _letter(cases[2]), "Salah menunjuk petugas")
    db.session.commit()
    kept = _table()
    assert kept == _as_the_letters_say() and kept
    db.session.execute(sa.delete(CaseTeamMember))
    rebuild_case_team(db.session.connection())
    assert _table() == kept


def test_an_officer_taken_off_by_a_cancelled_letter_no_longer_opens_the_case(app, builder, team):
    case = builder.walk(builder.register(), 3, officers=[team.officers[0]])
    db.session.commit()
    officer = app.test_client()
    login(officer, team.officers[0].username)
    assert case.case_number in officer.get("/admin/cases/").get_data(as_text=True)
    assert officer.get(f"/admin/cases/details/?id={case.id}").status_code == 200
    builder.process.cancel_letter(team.kepala, _letter(case), "Salah menunjuk petugas")
    db.session.commit()
    assert case.case_number not in officer.get("/admin/cases/").get_data(as_text=True)
    assert officer.get(f"/admin/cases/details/?id={case.id}").status_code in (302, 404)
