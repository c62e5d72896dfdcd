"""Need to know, as query clauses every screen, export, filter, action and download goes through.

- petugas: the cases whose team (an issued assignment letter) they are on, and the step-1 cases they registered;
- kepala: every case of the unit;
- administrasi: cases that reached step 4 (and finished ones);
- sysadmin: none.
A user with several roles sees the union.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from admin_app.models import AssignmentLetter, AssignmentMember, Case, CaseStatus, LetterStatus, User

ADMINISTRATION_FROM_STEP = 4


def team_case_ids(user_id: int):
    """Ids of the cases with an issued (not cancelled) assignment letter naming this officer."""
    return (
        select(AssignmentLetter.case_id)
        .join(AssignmentMember, AssignmentMember.letter_id == AssignmentLetter.id)
        .where(AssignmentMember.user_id == user_id, AssignmentLetter.status == LetterStatus.ISSUED)
    )


def visible_cases_clause(user: User) -> ColumnElement[bool]:
    if user is None or not getattr(user, "is_active", False):
        return false()
    if user.has_role("kepala"):
        return true()
    clauses: list[ColumnElement[bool]] = []
    if user.has_role("petugas"):
        clauses.append(Case.id.in_(team_case_ids(user.id)))
        clauses.append(
            and_(Case.registered_by_id == user.id, Case.current_step == 1, Case.status == CaseStatus.OPEN)
        )
    if user.has_role("administrasi"):
        clauses.append(or_(Case.current_step >= ADMINISTRATION_FROM_STEP, Case.status == CaseStatus.FINISHED))
    return or_(*clauses) if clauses else false()


def can_view_case(session: Session, user: User, case_id: int | None) -> bool:
    if case_id is None:
        return False
    return bool(session.execute(select(exists().where(Case.id == case_id, visible_cases_clause(user)))).scalar())


def is_on_team(session: Session, user: User, case_id: int) -> bool:
    query = team_case_ids(user.id).where(AssignmentLetter.case_id == case_id)
    return bool(session.execute(select(query.exists())).scalar())


def sees_full_case_file(user: User) -> bool:
    """Administration records Simfoni data only; the narrative documents are for the team and the head."""
    return user.has_role("kepala", "petugas")
