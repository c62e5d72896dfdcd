"""The head's dashboard: the unit's open cases per SOP step, what is late or about to be, high-risk victims
still without an emergency referral, the cases waiting for the head, this month's intake against last month's,
and each officer's caseload.

Five queries whatever the number of cases, steps or officers (GROUP BY, `IN` subqueries over the open step
runs: `ix_case_steps_open_due`, and the open cases: `ix_cases_status_step`). Each figure is defined by a clause
declared here (or, for the emergency rule, in `sop.process`), and the case list's filters apply the same clauses,
so a number on the dashboard and the list its link opens count the same cases.

The figures are the unit's, for the head, who sees every case (`sop.access`); no victim data is read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from admin_app.models import (
    Case,
    CaseStatus,
    CaseStep,
    Role,
    RoleCode,
    User,
    user_roles,
)
from admin_app.reports.periods import Period
from admin_app.sop.access import team_memberships
from admin_app.sop.process import awaiting_emergency_clause
from admin_app.sop.steps import STEPS, Step, steps_of

# "Due soon": the step's deadline falls within this window from now (and has not passed yet).
DUE_SOON = dt.timedelta(hours=1)


@dataclass(frozen=True)
class CaseloadBand:
    code: str
    label: str
    low: int  # open cases, included
    high: int | None  # included; None: no upper bound


# How heavy an officer's load of open cases is, after Primero's caseload indicator. The SOP gives the field work
# (step 3) two working days for a visit, the rescue and six documents; the unit reckons an officer carries about
# three such cases at once within the standard (ringan), up to six by working late (sedang), and beyond that cases
# start to miss their standards (berat). The unit's working assumption, not the SOP's: change it here.
CASELOAD_BANDS: tuple[CaseloadBand, ...] = (
    CaseloadBand("ringan", "Ringan", 0, 3),
    CaseloadBand("sedang", "Sedang", 4, 6),
    CaseloadBand("berat", "Berat", 7, None),
)


def caseload_band(open_cases: int) -> CaseloadBand:
    return next(b for b in CASELOAD_BANDS if open_cases >= b.low and (b.high is None or open_cases <= b.high))


# ---------------------------------------------------------------- the clauses (shared with the case list filters)
def open_clause() -> ColumnElement[bool]:
    return Case.status == CaseStatus.OPEN


def _open_runs(condition):
    """Ids of the cases whose open step run (a case has one: its current step's) meets `condition`. Used as
    `IN (SELECT case_id ...)`, not a correlated EXISTS: SQLite runs the latter once per case (quadratic)."""
    return select(CaseStep.case_id).where(CaseStep.completed_at.is_(None), condition)


def overdue_case_ids(now: dt.datetime):
    return _open_runs(CaseStep.due_at < now)


def overdue_now_clause(now: dt.datetime) -> ColumnElement[bool]:
    """The case's open step run is past its deadline."""
    return Case.id.in_(overdue_case_ids(now))


def due_soon_clause(now: dt.datetime, window: dt.timedelta = DUE_SOON) -> ColumnElement[bool]:
    """The open run's deadline has not passed and falls within `window`."""
    return Case.id.in_(_open_runs(and_(CaseStep.due_at >= now, CaseStep.due_at <= now + window)))


def waiting_for_clause(role: RoleCode) -> ColumnElement[bool]:
    """Open cases at a step whose owner is `role` in the step table."""
    return and_(open_clause(), Case.current_step.in_([s.number for s in steps_of(role)]))


def reported_in_clause(period: Period) -> ColumnElement[bool]:
    return Case.reported_date.between(period.start, period.end)


# ---------------------------------------------------------------- the figures
@dataclass(frozen=True)
class StepFigures:
    step: Step
    open: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Intake:
    period: Period
    count: int


@dataclass(frozen=True)
class OfficerLoad:
    user_id: int
    name: str
    active: bool
    open: int
    overdue: int

    @property
    def band(self) -> CaseloadBand:
        return caseload_band(self.open)


@dataclass(frozen=True)
class DashboardFigures:
    now: dt.datetime
    steps: tuple[StepFigures, ...]  # every step of the table, in order, zeros included
    high_risk_unreferred: int
    this_month: Intake
    last_month: Intake
    officers: tuple[OfficerLoad, ...]

    @property
    def open(self) -> int:
        return sum(s.open for s in self.steps)

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.steps)

    @property
    def due_soon(self) -> int:
        return sum(s.due_soon for s in self.steps)

    @property
    def head_role(self) -> RoleCode:
        return RoleCode.KEPALA

    @property
    def waiting_for_head(self) -> tuple[StepFigures, ...]:
        """The steps the head owns (by the step table), with their open cases."""
        return tuple(s for s in self.steps if s.step.role is self.head_role)

    @property
    def waiting_for_head_total(self) -> int:
        return sum(s.open for s in self.waiting_for_head)


def _count_if(condition) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _step_figures(session: Session, now: dt.datetime) -> tuple[tuple[StepFigures, ...], int]:
    rows = session.execute(
        select(Case.current_step, func.count(), _count_if(overdue_now_clause(now)), _count_if(due_soon_clause(now)),
               _count_if(awaiting_emergency_clause()))
        .where(open_clause())
        .group_by(Case.current_step)
    ).all()
    by_step = {number: (int(o), int(late), int(soon), int(high)) for number, o, late, soon, high in rows}
    figures = tuple(StepFigures(s, *by_step.get(s.number, (0, 0, 0, 0))[:3]) for s in STEPS)
    return figures, sum(v[3] for v in by_step.values())


def _intake(session: Session, this: Period, last: Period) -> tuple[Intake, Intake]:
    now_count, last_count = session.execute(
        select(_count_if(reported_in_clause(this)), _count_if(reported_in_clause(last)))
        .where(Case.reported_date.between(last.start, this.end))
    ).one()
    return Intake(this, int(now_count)), Intake(last, int(last_count))


def _officers(session: Session, now: dt.datetime) -> tuple[OfficerLoad, ...]:
    # Each (officer, open case) once (case_officers has one row per case and officer), found from the open cases
    # (a few hundred, `ix_cases_status_received`), not by reading every officer's whole team.
    memberships = team_memberships().subquery()
    team = (
        select(memberships.c.user_id, memberships.c.case_id)
        .where(memberships.c.case_id.in_(select(Case.id).where(open_clause())))
        .subquery()
    )
    officers = select(user_roles.c.user_id).join(Role, Role.id == user_roles.c.role_id).where(
        Role.code == RoleCode.PETUGAS.value)
    rows = session.execute(
        select(User.id, User.full_name, User.is_active_account, func.count(team.c.case_id),
               _count_if(team.c.case_id.in_(overdue_case_ids(now))))
        .outerjoin(team, team.c.user_id == User.id)
        .where(User.id.in_(officers))
        .group_by(User.id, User.full_name, User.is_active_account)
        .order_by(User.full_name)
    ).all()
    # A deactivated officer stays on the list while cases still name her or him: those need a new team.
    return tuple(OfficerLoad(i, name, bool(active), int(o), int(late)) for i, name, active, o, late in rows
                 if active or o)


def dashboard_figures(session: Session, *, now: dt.datetime, zone: ZoneInfo) -> DashboardFigures:
    """The head's figures at `now`; months are the unit's calendar months (`zone`) by `Case.reported_date`."""
    today = now.astimezone(zone).date()
    this_month = Period.month(today.year, today.month)
    steps, high_risk = _step_figures(session, now)
    this, last = _intake(session, this_month, this_month.previous())
    return DashboardFigures(now=now, steps=steps, high_risk_unreferred=high_risk, this_month=this, last_month=last,
                            officers=_officers(session, now))
