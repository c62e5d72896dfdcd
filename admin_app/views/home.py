"""The landing screen after login: "Tugas Saya", the cases waiting for this user's steps, most urgent first; for the
head of unit, the unit's dashboard above it (figures from `reports.dashboard`, each a link to its cases)."""

from __future__ import annotations

from flask import current_app
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from admin_app.models import ROLE_LABELS, Case, CaseStatus, CaseStep, RoleCode
from admin_app.reports.dashboard import CASELOAD_BANDS, DashboardFigures, dashboard_figures
from admin_app.reports.periods import Period
from admin_app.security.grants import pending_grants
from admin_app.sop.access import my_work_clause
from admin_app.sop.deadlines import format_duration
from admin_app.sop.steps import step
from admin_app.views import case_filters
from admin_app.views.base import ProtectedIndexView, case_process
from admin_app.views.case_filters import EmergencyFilter, OverdueFilter
from admin_app.views.cases import CaseView
from admin_app.views.presentation import time_text


class DashboardLinks:
    """The case list behind each figure: the same filters, so the list counts the cases the figure counts."""

    def __init__(self, view: CaseView):
        self.view = view

    def _url(self, *criteria) -> str:
        return case_filters.list_url(self.view, *criteria)

    def _open(self, step_number: int | None, *more) -> str:
        at_step = [(self.view.step_filter, str(step_number))] if step_number is not None else []
        return self._url((self.view.status_filter, CaseStatus.OPEN.value), *at_step, *more)

    def open(self, step_number: int | None = None) -> str:
        return self._open(step_number)

    def overdue(self, step_number: int | None = None) -> str:
        return self._open(step_number, (self.view.clock_filter, OverdueFilter.LATE_NOW))

    def due_soon(self, step_number: int | None = None) -> str:
        return self._open(step_number, (self.view.clock_filter, OverdueFilter.DUE_SOON))

    def high_risk(self) -> str:
        return self._url((self.view.emergency_filter, EmergencyFilter.UNREFERRED))

    def waiting_for(self, role: RoleCode) -> str:
        return self._url((self.view.waiting_filter, role.value))

    def reported(self, period: Period) -> str:
        return self._url((self.view.reported_filter, f"{period.start.isoformat()} to {period.end.isoformat()}"))

    def officer(self, user_id: int, overdue: bool = False) -> str:
        late = [(self.view.clock_filter, OverdueFilter.LATE_NOW)] if overdue else []
        return self._open(None, (self.view.officer_filter, str(user_id)), *late)


def _case_view() -> CaseView:
    return next(v for v in current_app.extensions["admin"][0]._views if isinstance(v, CaseView))


class HomeView(ProtectedIndexView):
    @expose("/")
    def index(self):
        roles = [ROLE_LABELS[RoleCode(code)] for code in sorted(current_user.role_codes)]
        now = case_filters._now()  # the clock the list filters read, so a figure and its list agree
        policy = case_process().policy
        dashboard: DashboardFigures | None = None
        if current_user.has_role(RoleCode.KEPALA):
            dashboard = dashboard_figures(db.session, now=now, zone=policy.zone)
        clause = my_work_clause(current_user)
        rows = []
        if clause is not None:
            rows = db.session.execute(
                select(Case, CaseStep)
                .join(CaseStep, and_(CaseStep.case_id == Case.id, CaseStep.step_no == Case.current_step, CaseStep.completed_at.is_(None)))
                .where(clause)
                .options(selectinload(Case.victims))
                .order_by(CaseStep.due_at.asc())
                .limit(200)
            ).all()
        grants = len(pending_grants(db.session)) if current_user.has_role(RoleCode.KEPALA) else 0
        return self.render(
            "admin/home.html",
            role_labels=roles,
            rows=rows,
            now=now,
            zone=policy.zone,
            step_of=step,
            fmt_duration=format_duration,
            fmt_time=lambda value: time_text(value, policy.zone),
            pending_grants=grants,
            high_risk=case_process().awaiting_emergency_decision(current_user),
            dashboard=dashboard,
            dashboard_links=DashboardLinks(_case_view()) if dashboard else None,
            caseload_bands=CASELOAD_BANDS,
            role_label=ROLE_LABELS,
        )
