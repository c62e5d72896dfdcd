"""The base of the field-document screens: a document is always opened from its case (`?case_id=`, and
`&victim_id=` for per-victim forms); there is no case picker in any form. Who may fill it is checked below the
screen by the process engine on every save. "Tandai lengkap" runs the completeness rules the step checks."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField
from wtforms.validators import ValidationError

from admin_app.extensions import db
from admin_app.models import (
    Case,
    DocumentStatus,
    PlanItemStatus,
    Role,
    RoleCode,
    User,
    Victim,
    utcnow,
)
from admin_app.sop.access import FULL_CASE_FILE_ROLES
from admin_app.sop.errors import ProcessError
from admin_app.sop.steps import OUTREACH_LOG, step_editing
from admin_app.sop.validation import FieldInvalid, check_not_future
from admin_app.views.base import CaseScopedView, OfficerFormsMixin, case_process, unit_zone

CATEGORY = "Dokumen Lapangan"
# The narrative documents are for the team and the head; administration records Simfoni from the complaint,
# the identification, the risk level and the people (need to know).
CASE_FILE_ROLES = FULL_CASE_FILE_ROLES
FIELD_WORK_STEP = step_editing(OUTREACH_LOG.code)
MARK_COMPLETE = f"Tandai lengkap (siap diperiksa untuk menyelesaikan langkah {FIELD_WORK_STEP.number})"
PLAN_ITEM_STATUS_LABELS = {
    PlanItemStatus.PLANNED: "Direncanakan",
    PlanItemStatus.IN_PROGRESS: "Berjalan",
    PlanItemStatus.DONE: "Selesai",
    PlanItemStatus.CANCELLED: "Batal",
}


def active_choices(model):
    return lambda: db.session.execute(select(model).where(model.active.is_(True)).order_by(model.sort_order)).scalars().all()


def officer_choices():
    return db.session.execute(
        select(User).join(User.roles).where(Role.code == RoleCode.PETUGAS.value, User.is_active_account.is_(True)).order_by(User.full_name)
    ).scalars().all()


def office_today():
    return utcnow().astimezone(unit_zone()).date()


class FieldDocumentView(OfficerFormsMixin, CaseScopedView):
    """Base of the seven field-document screens."""

    doc_code = ""
    per_victim = False
    shows_consent_evidence = False
    can_delete = False
    create_template = "admin/document_form.html"
    edit_template = "admin/document_form.html"
    details_template = "admin/document_print.html"
    column_list = ("case", "status", "updated_at")
    column_labels = {"case": "Kasus", "status": "Status", "updated_at": "Diubah", "victim": "Korban"}
    form_excluded_columns = ("case", "status", "completed_at", "filled_by", "created_at", "updated_at", "version", "victim")
    form_extra_fields = {"mark_complete": BooleanField(MARK_COMPLETE)}

    # -- which case (and victim) a new document belongs to: from the URL (CaseScopedView.case_from_args)
    def _victim_from_args(self, case: Case) -> Victim:
        try:
            victim_id = int(request.args.get("victim_id", ""))
        except ValueError:
            abort(404)
        victim = next((v for v in case.victims if v.id == victim_id), None)
        if victim is None:
            abort(404)
        return victim

    def _existing(self, case: Case, victim: Victim | None):
        stmt = select(self.model).where(self.model.case_id == case.id)
        if victim is not None:
            stmt = stmt.where(self.model.victim_id == victim.id)
        stmt = self._existing_filter(stmt)
        return db.session.execute(stmt).scalar_one_or_none()

    def _existing_filter(self, stmt):
        return stmt

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        case = self.case_from_args()
        victim = self._victim_from_args(case) if self.per_victim else None
        existing = self._existing(case, victim)
        if existing is not None:  # one document per case (or victim): open it instead of making a second
            return redirect(self.get_url(".edit_view", id=existing.id, url=self._case_url(case)))
        try:
            self._ensure_editable(case)
        except ProcessError as exc:
            flash(str(exc), "error")
            return redirect(self._case_url(case))
        return super().create_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        model = self.get_one(request.args.get("id", ""))
        if model is not None and request.method == "POST":
            try:
                self._ensure_editable(model.case)
            except ProcessError as exc:
                flash(str(exc), "error")
                return redirect(self._case_url(model.case))
        return super().edit_view()

    def _ensure_editable(self, case: Case) -> None:
        case_process().ensure_document_editable(current_user._get_current_object(), case, self.doc_code)

    def _case_url(self, case: Case) -> str:
        return url_for("cases.details_view", id=case.id)

    def get_save_return_url(self, model, is_created=False):
        return self._case_url(model.case)

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        case = model.case if model is not None else (self.case_from_args() if request.args.get("case_id") else None)
        kwargs.setdefault("doc_title", self.name)
        kwargs.setdefault("doc_case", case)
        kwargs.setdefault("case_url", self._case_url(case) if case else None)
        victim = getattr(model, "victim", None) if model is not None else None
        if victim is None and self.per_victim and case is not None and request.args.get("victim_id"):
            victim = self._victim_from_args(case)
        kwargs.setdefault("doc_victim", victim)
        return super().render(template, **kwargs)

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)  # the row version the edit is based on
        model = self.get_one(id)
        if model is not None and hasattr(form, "mark_complete"):
            form.mark_complete.data = model.status == DocumentStatus.COMPLETE

    # -- saving: ownership, engine check, validation, completeness
    def on_model_change(self, form, model, is_created):
        # Flask-Admin has already added the new row to the session: no flush before its case is set.
        with db.session.no_autoflush:
            self._apply_model_change(form, model, is_created)

    def _apply_model_change(self, form, model, is_created):
        if is_created:
            case = self.case_from_args()
            model.case_id = case.id
            model.case = case
            if self.per_victim:
                victim = self._victim_from_args(case)
                model.victim_id = victim.id
                model.victim = victim
        case = model.case
        try:
            self._ensure_editable(case)
        except ProcessError as exc:
            raise ValidationError(str(exc)) from None
        model.filled_by_id = current_user.id
        self.validate_document(form, model)
        if form.mark_complete.data:
            missing = self.missing(model)
            if missing:
                raise ValidationError("Belum dapat ditandai lengkap. Yang belum ada: " + "; ".join(missing) + ".")
            model.status = DocumentStatus.COMPLETE
            model.completed_at = utcnow()
        else:
            model.status = DocumentStatus.DRAFT
            model.completed_at = None

    def validate_document(self, form, model) -> None:
        """Rules every save must meet, draft or not (clear message per field)."""

    def missing(self, model) -> list[str]:
        raise NotImplementedError


def not_future(label):
    def check(form, field):
        if field.data is not None:
            try:
                check_not_future(field.data, office_today(), label)
            except FieldInvalid as exc:
                raise ValidationError(str(exc)) from None

    return check
