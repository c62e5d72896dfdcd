"""The Simfoni PPA recording sheet of a case: every field Simfoni asks for, in its order, with copy buttons; what
is still empty first, with where the officer fills it; the victim's identifiers shown in full on request (the
case page's reveal, audited); print (A4) and XLSX; and the Simfoni step completed from the sheet itself.

What the sheet holds is declared in `reports/simfoni_sheet.py`; this module only finds the case (through the
case view's `get_one`: need to know, audited), runs the step's action through the case view's own path
(`CaseView.perform_action`) and renders.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_app.extensions import db
from admin_app.models import Case
from admin_app.reports.simfoni_sheet import FILLED_IN, Missing, Subject, build_sheet, has_identifiers, sheet_workbook
from admin_app.sop.access import SIMFONI_SHEET_ROLES, SIMFONI_STEP, revealable_identifiers, sees_simfoni_sheet
from admin_app.sop.steps import CASE_INFORMATION, EDIT_PEOPLE, Return
from admin_app.views.auditing import audit_now
from admin_app.views.base import ProtectedView, case_process, unit_zone
from admin_app.views.case_forms import FORMS
from admin_app.views.case_page import allowed, document_row
from admin_app.views.cases import reveal_identifiers_of
from admin_app.views.presentation import date_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSON_SCREENS = {Subject.VICTIM: "victims", Subject.REPORTER: "reporters", Subject.PERPETRATOR: "perpetrators"}


def _cases_view():
    return next(v for v in current_app.extensions["admin"][0]._views if v.endpoint == "cases")



def _today() -> dt.date:
    return dt.datetime.now(unit_zone()).date()


class SimfoniSheetView(ProtectedView):
    """Not in the menu: reached from the case page (and from Tugas Saya through it)."""

    allowed_roles = SIMFONI_SHEET_ROLES

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("admin.index"))

    def _case(self, case_id: int) -> Case:
        case = _cases_view().get_one(str(case_id))  # scoped and audited: a case this user may not see is not found
        if case is None or not sees_simfoni_sheet(current_user, case):
            abort(404)
        return case

    def _action(self, case: Case):
        """The step's action when this user may complete it now (the engine's guards), else None."""
        actions = case_process().available_actions(current_user._get_current_object(), case)
        return next((a for a in actions if a == SIMFONI_STEP.action), None)

    @expose("/<int:case_id>")
    def sheet_view(self, case_id: int):
        return self._page(self._case(case_id))

    @expose("/<int:case_id>/identitas/<int:victim_id>", methods=("POST",))
    def reveal_view(self, case_id: int, victim_id: int):
        case = self._case(case_id)
        victim = next((v for v in case.victims if v.id == victim_id), None)
        if victim is None:
            abort(404)
        shown = tuple(name for name, _, _ in reveal_identifiers_of(case, victim))  # 403 unless the step reveals
        return self._page(case, revealed={victim_id: shown})

    @expose("/<int:case_id>/catat", methods=("POST",))
    def record_view(self, case_id: int):
        case = self._case(case_id)
        chosen = self._action(case)
        sheet_url = url_for(".sheet_view", case_id=case.id)
        if chosen is None:
            flash("Pencatatan Simfoni PPA tidak dapat Anda lakukan pada kasus ini sekarang.", "error")
            return redirect(sheet_url)
        form = FORMS[chosen.form](request.form)
        form.prepare(first_visit=False, today=_today(), case=case)
        if form.validate():
            done = _cases_view().perform_action(case, chosen, form, next_url=sheet_url)
            if done is not None:
                return done
            case = db.session.get(Case, case_id)
        return self._page(case, form=form)

    @expose("/<int:case_id>/lembar.xlsx")
    def xlsx_view(self, case_id: int):
        case = self._case(case_id)
        data = sheet_workbook(build_sheet(db.session, case), _today())
        audit_now("export", object_type="cases", object_id=case.id, case_id=case.id,
                  detail={"format": "xlsx", "lembar": "simfoni"})
        response = Response(data, mimetype=XLSX_MIME)
        filename = "simfoni-" + re.sub(r"[^A-Za-z0-9-]", "-", case.case_number) + ".xlsx"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Length"] = str(len(data))
        return response

    # -- the page
    def _page(self, case: Case, *, form=None, revealed: dict | None = None):
        process = case_process()
        user = current_user._get_current_object()
        action = self._action(case)
        if action is not None and form is None:
            form = FORMS[action.form]()
            form.prepare(first_visit=True, today=_today(), case=case)
        sheet = build_sheet(db.session, case, revealed)
        rows = process.document_overview(case)
        can_fill = lambda code: allowed(lambda: process.ensure_document_editable(user, case, code))  # noqa: E731
        links = {(r.code, r.victim.id if r.victim else None): document_row(case, r, can_fill) for r in rows}
        people_editable = allowed(lambda: process.ensure_people_editable(user, case))
        returns = [a for a in process.available_actions(user, case) if isinstance(a, Return)]
        return self.render(
            "admin/simfoni_sheet.html",
            case=case,
            sheet=sheet,
            missing=[(m, _missing_link(case, m, links, people_editable)) for m in sheet.missing],
            record=process.simfoni_record(case),
            form=form if action is not None else None,
            action=action,
            returns=returns,
            can_reveal=bool(revealable_identifiers(user, case)),
            has_identifiers=has_identifiers,
            filled_in=FILLED_IN,
            fmt_date=date_text,
            today=date_text(_today()),
            step=SIMFONI_STEP,
            return_url=url_for("cases.details_view", id=case.id),
        )


def _missing_link(case: Case, item: Missing, links: dict, people_editable: bool) -> str | None:
    """Where the missing value is filled, as far as this user may open it: the form when it may be changed now,
    else the record to read (the officer changes it)."""
    if item.fill == EDIT_PEOPLE:
        screen = PERSON_SCREENS.get(item.subject)
        if screen is None:
            return None
        if item.person_id is None:
            return url_for(f"{screen}.create_view", case_id=case.id) if people_editable else None
        back = url_for("simfoni_sheet.sheet_view", case_id=case.id)
        if people_editable:
            return url_for(f"{screen}.edit_view", id=item.person_id, url=back)
        return url_for(f"{screen}.details_view", id=item.person_id)
    if item.fill == CASE_INFORMATION.code:
        return url_for("cases.details_view", id=case.id)
    victim_id = item.person_id if item.subject is Subject.VICTIM else None
    row = links.get((item.fill, victim_id)) or links.get((item.fill, None))
    if row is None:
        return None
    return row["urls"].get("edit") or row["urls"].get("fill") or row["urls"].get("view")


def register(admin, database) -> None:
    admin.add_view(SimfoniSheetView(name="Lembar Simfoni PPA", endpoint="simfoni_sheet", url="/admin/simfoni"))
