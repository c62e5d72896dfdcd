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
from sqlalchemy.sql.elements import True_

from admin_app.models import Case, CaseOfficer, CaseStatus, Role, RoleCode, User, user_roles
from admin_app.sop import team  # noqa: F401 - keeps case_officers in step with the letters and cases
from admin_app.sop.memo import remembered
from admin_app.sop.steps import ACTIONS, FIRST_STEP, Actor, Step, step, step_completing, steps_of

# Administration needs a case from its first step on (Simfoni recording), and keeps it readable afterwards.
ADMINISTRATION_FROM_STEP = min(s.number for s in steps_of(RoleCode.ADMINISTRASI))
# Roles that read the narrative documents (chronology, assessments, plan); administration records Simfoni only.
FULL_CASE_FILE_ROLES = (RoleCode.KEPALA, RoleCode.PETUGAS)
# The step in which administration re-types the case into Simfoni PPA (the step of this action code).
SIMFONI_ACTION = "record_simfoni"
SIMFONI_STEP: Step = step_completing(ACTIONS[SIMFONI_ACTION])
# Who opens the Simfoni recording sheet: the step's owner, and the head, who answers for every record.
SIMFONI_SHEET_ROLES = (SIMFONI_STEP.role, RoleCode.KEPALA)


def team_case_ids(user_id: int):
    """Ids of the cases with an issued (not cancelled) assignment letter naming this officer."""
    return select(CaseOfficer.case_id).where(CaseOfficer.user_id == user_id, CaseOfficer.on_team)


def team_memberships():
    """(user_id, case_id) of every officer named on an issued assignment letter, once per case: `team_case_ids`
    for all officers at once (the head's caseload figures)."""
    return select(CaseOfficer.user_id.label("user_id"), CaseOfficer.case_id.label("case_id")).where(
        CaseOfficer.on_team)


def _per_case(user_id: int, condition) -> ColumnElement[bool]:
    """The officer's row of the case in the enclosing query meets `condition`: a correlated EXISTS, one primary-key
    lookup in `case_officers` per case (`sop/team.py` keeps that table in step with the letters and cases). Every
    test of an officer on a case query takes this form (or `officer_rows_join`), never `Case.id IN (her cases)`:
    that set is built whole for each statement before the first row, while the EXISTS lets a list walk its index
    in order and stop at its page.

    The `OFFSET 0` is for PostgreSQL: without it the planner turns the EXISTS into a hashed subplan, the whole
    set again, because it costs the per-case form for every case rather than for the rows a page reads
    (100k cases: 27 ms instead of 0.5 ms). A subquery with an OFFSET is not rewritten (simplify_EXISTS_query);
    SQLite runs it as the same per-case lookup."""
    # The officer's row is this subquery's own, also in a list that joins her rows already.
    return (select(CaseOfficer.user_id)
            .where(CaseOfficer.case_id == Case.id, CaseOfficer.user_id == user_id, condition)
            .correlate_except(CaseOfficer).offset(0).exists())


def on_team_of_case(user_id: int) -> ColumnElement[bool]:
    """The officer is on the team of the case in the enclosing query (named on one of its issued Surat Tugas)."""
    return _per_case(user_id, CaseOfficer.on_team)


def _officer_sees_row() -> ColumnElement[bool]:
    """What an officer's row of a case gives her: the case while she is on its team, and the case she registered
    while it is at the first step (before a team is assigned)."""
    return or_(CaseOfficer.on_team,
               and_(CaseOfficer.registered, Case.current_step == FIRST_STEP, Case.status == CaseStatus.OPEN))


def reads_own_rows_only(user: User) -> bool:
    """The cases this user sees are exactly those her `case_officers` rows give (an officer with no other case
    role): her list can read them from her rows (`officer_rows_join`)."""
    return (user is not None and getattr(user, "is_active", False) and user.has_role(RoleCode.PETUGAS)
            and not user.has_role(RoleCode.KEPALA, RoleCode.ADMINISTRASI))


def officer_rows_join(user: User):
    """(onclause, condition) that join `case_officers` to `Case` for an officer who `reads_own_rows_only`: her cases
    read from her own rows (`ix_case_officers_user_received`), newest first when a list orders by
    `CaseOfficer.received_at`, and counted there: however few of the archive's cases are hers, a list reads only
    hers, where walking every case newest first reads all the others too. The same cases as
    `visible_cases_clause`."""
    return (and_(CaseOfficer.case_id == Case.id, CaseOfficer.user_id == user.id), _officer_sees_row())


def _role_sees(role: RoleCode, user_id) -> ColumnElement[bool]:
    """The cases one case role gives (`user_id`: a value, or a column of `users` in an enclosing query)."""
    if role is RoleCode.KEPALA:
        return true()
    if role is RoleCode.PETUGAS:
        return _per_case(user_id, _officer_sees_row())
    if role is RoleCode.ADMINISTRASI:
        return or_(Case.current_step >= ADMINISTRATION_FROM_STEP, Case.status == CaseStatus.FINISHED)
    return false()


CASE_ROLES = (RoleCode.KEPALA, RoleCode.PETUGAS, RoleCode.ADMINISTRASI)


def visible_cases_clause(user: User) -> ColumnElement[bool]:
    """The cases this user may see (the need-to-know rule), as a condition on `Case` rows: for an officer a test per
    case (`_per_case`), so one case by id reads only that case's row and a list reads only the cases its page
    needs."""
    if user is None or not getattr(user, "is_active", False):
        return false()
    if user.has_role(RoleCode.KEPALA):
        return true()
    clauses = [_role_sees(role, user.id) for role in CASE_ROLES if user.has_role(role)]
    return or_(*clauses) if clauses else false()


def visible_case_ids_clause(case_id_column, user: User) -> ColumnElement[bool] | None:
    """Rows whose case (`case_id_column`, e.g. `Victim.case_id` or `Case.id` itself) this user may see; None when
    that is every case (the head), so her queries carry no condition at all: a lookup by id or by an index stays
    a lookup, and the sort can use its index. On the case table itself the clause applies directly; on another
    table as a correlated EXISTS on the row's case (one lookup by id per row read), never as an
    `IN (SELECT cases.id ...)` that builds every visible case first."""
    clause = visible_cases_clause(user)
    if isinstance(clause, True_):
        return None
    if case_id_column is Case.id:
        return clause
    return exists().where(Case.id == case_id_column, clause)


def visible_case(session: Session, user: User, case_id: int) -> Case | None:
    """The case by id if this user may see it, else None."""
    return session.execute(
        select(Case).where(Case.id == case_id, visible_cases_clause(user))).scalar_one_or_none()


def can_view_case(session: Session, user: User, case_id: int | None) -> bool:
    if case_id is None:
        return False
    return remembered(session, ("view", getattr(user, "id", None), case_id), lambda: bool(session.execute(
        select(exists().where(Case.id == case_id, visible_cases_clause(user)))).scalar()))


def is_on_team(session: Session, user: User, case_id: int) -> bool:
    # A query, not session.get: the identity map could hold a row the rebuild has just deleted.
    query = team_case_ids(user.id).where(CaseOfficer.case_id == case_id)
    return remembered(session, ("team", user.id, case_id),
                       lambda: bool(session.execute(select(query.exists())).scalar()))


def acts_on_case(session: Session, user: User, case_id: int) -> bool:
    """The head of the unit, and the officers of the case's team (its issued Surat Tugas): those who print, have
    signed and file the case's papers (e.g. upload a signed scan). Administration reads the letters, not more."""
    if not can_view_case(session, user, case_id):
        return False
    if user.has_role(RoleCode.KEPALA):
        return True
    return user.has_role(RoleCode.PETUGAS) and is_on_team(session, user, case_id)


def sees_full_case_file(user: User) -> bool:
    """Administration records Simfoni data only; the narrative documents are for the team and the head."""
    return user.has_role(*FULL_CASE_FILE_ROLES)


def _acts_on_step(s: Step, user_id, sees) -> ColumnElement[bool]:
    """The step's `Actor` rule for a user who holds its role (the same rules the engine's guards apply): its team,
    its registrant or its team, or anyone who sees the case (`sees`)."""
    if s.actor is Actor.TEAM:
        return on_team_of_case(user_id)
    if s.actor is Actor.REGISTRANT:  # her row of the case: she registered it, or is on its team
        return _per_case(user_id, or_(CaseOfficer.registered, CaseOfficer.on_team))
    return sees


def my_work_clause(user: User) -> ColumnElement[bool] | None:
    """Open cases whose current step is this user's to act on, by the step table's role and `Actor` rule; None when
    the user owns no step."""
    clauses: list[ColumnElement[bool]] = []
    for role in RoleCode:
        if not user.has_role(role):
            continue
        for s in steps_of(role):
            clauses.append(and_(Case.current_step == s.number, _acts_on_step(s, user.id, visible_cases_clause(user))))
    if not clauses:
        return None
    return and_(Case.status == CaseStatus.OPEN, or_(*clauses))


def step_actors_clause(s: Step) -> ColumnElement[bool]:
    """A user (a row of `users` in the enclosing query, holding the step's role) may act on step `s` of the case in
    the same query: `my_work_clause` for every user at once, her roles read in SQL (the notifications of a
    transition ask it in one statement, however many staff the unit has)."""
    held = [and_(select(user_roles.c.user_id).join(Role, Role.id == user_roles.c.role_id)
                 .where(user_roles.c.user_id == User.id, Role.code == role.value).exists(),
                 _role_sees(role, User.id)) for role in CASE_ROLES]
    return _acts_on_step(s, User.id, or_(*held))


def revealable_identifiers(user: User, case: Case) -> tuple[str, ...]:
    """The victim identifiers `user` may have shown in full on this case now: those the current step declares
    (`Step.reveals`), to the step's owner role, while the case is open. Case access is checked by the caller."""
    current = step(case.current_step)
    if case.status != CaseStatus.OPEN or not current.reveals or not user.has_role(current.role):
        return ()
    return current.reveals


def sees_simfoni_sheet(user: User, case: Case) -> bool:
    """The Simfoni recording sheet of a case the user may see: for its roles, once the case reached the Simfoni
    step (read-only after it, also when finished). Case access itself is the caller's (`visible_cases_clause`)."""
    if user is None or not user.has_role(*SIMFONI_SHEET_ROLES):
        return False
    return case.status == CaseStatus.FINISHED or case.current_step >= SIMFONI_STEP.number
