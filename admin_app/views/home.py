"""The landing screen after login: "Tugas Saya", the cases waiting for this user's steps, most urgent first."""

from __future__ import annotations

from flask_admin import expose
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from admin_app.models import ROLE_LABELS, Case, CaseStep, RoleCode, utcnow
from admin_app.security.grants import pending_grants
from admin_app.sop.access import my_work_clause
from admin_app.sop.deadlines import format_duration
from admin_app.sop.steps import step
from admin_app.views.base import ProtectedIndexView, case_process
from admin_app.views.presentation import time_text


class HomeView(ProtectedIndexView):
    @expose("/")
    def index(self):
        roles = [ROLE_LABELS[RoleCode(code)] for code in sorted(current_user.role_codes)]
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
        policy = case_process().policy
        grants = len(pending_grants(db.session)) if current_user.has_role(RoleCode.KEPALA) else 0
        return self.render(
            "admin/home.html",
            role_labels=roles,
            rows=rows,
            now=utcnow(),
            zone=policy.zone,
            step_of=step,
            fmt_duration=format_duration,
            fmt_time=lambda value: time_text(value, policy.zone),
            pending_grants=grants,
            high_risk=case_process().awaiting_emergency_decision(current_user),
        )
