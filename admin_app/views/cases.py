"""The case screens: the case list (filters in `case_filters`, search), the case page (victim summary, SOP
timeline, documents, the buttons for exactly the actions this user may take now) and one form per action
(`case_forms.FORMS`, named by the step table).

Every query goes through `CaseScopedView` (need to know); every action goes through the process engine.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, IntEqualFilter
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from sqlalchemy.orm import load_only, selectinload

from admin_app.extensions import db
from admin_app.models import (
    OUTCOME_LABELS,
    Case,
    CaseOfficer,
    CaseStatus,
    Letter,
    LetterStatus,
    ReferralLetter,
    RiskLevel,
    RoleCode,
    Urgency,
    Victim,
    utcnow,
)
from admin_app.models.cases import CASE_NUMBER_RE
from admin_app.search import (
    case_has_victim_named,
    name_is_common,
    search_words,
    searched,
    victim_name_matches,
)
from admin_app.security.audit import describe_changes
from admin_app.sop.access import (
    can_view_case,
    officer_rows_join,
    reads_own_rows_only,
    revealable_identifiers,
    sees_full_case_file,
    sees_simfoni_sheet,
)
from admin_app.sop.deadlines import format_duration
from admin_app.sop.errors import ProcessError
from admin_app.sop.letters import letter_type_code
from admin_app.sop.steps import (
    ACTIONS,
    EMERGENCY_REFERRAL,
    FIELD_DOCUMENTS,
    FIRST_STEP,
    FOLLOW_UP_REQUEST,
    STEPS,
    Return,
    StepAction,
    step,
    step_editing,
)
from admin_app.views import case_list
from admin_app.views.auditing import audit, audit_now
from admin_app.views.base import CaseScopedView, case_process, changed_fields, unit_zone, version_matches
from admin_app.views.case_filters import (
    EmergencyFilter,
    EnumEqualFilter,
    KecamatanFilter,
    OfficerFilter,
    OverdueFilter,
    RiskLevelFilter,
    ViolenceTypeFilter,
    WaitingForFilter,
    _kecamatan_options,
    _officer_options,
    _violence_options,
)
from admin_app.views.case_forms import FORMS, URGENCY_LABELS, CaseForm
from admin_app.views.case_page import allowed, document_row, done_message, history, issued_letters, missing_url, risk_results
from admin_app.views.documents import archive_document
from admin_app.views.people import PERSON_LABELS
from admin_app.views.presentation import date_text, enum_label

STATUS_LABELS = {CaseStatus.OPEN: "Dalam proses", CaseStatus.FINISHED: "Selesai"}



# ---------------------------------------------------------------- the search
def whole_case_number(search: str | None) -> str | None:
    """The case number a search term is, whole (`PJK-2026-00012`, any case, spaces around), else None."""
    term = " ".join((search or "").split())
    return term.upper() if CASE_NUMBER_RE.match(term) else None


# ---------------------------------------------------------------- the view
class CaseView(CaseScopedView):
    case_id_attr = "id"
    can_delete = False
    details_template = "admin/case_details.html"
    list_template = "admin/case_list.html"
    create_template = "admin/case_form.html"
    edit_template = "admin/case_form.html"
    column_list = ("case_number", "received_at", "victims", "urgency", "current_step", "due", "status")
    # The case number opens the case; no second "eye" link per row (one url_for less per row, a narrower table on
    # a phone).
    column_display_actions = False
    column_sortable_list = ("case_number", "received_at", "urgency", "current_step", "status")
    column_default_sort = ("received_at", True)
    column_searchable_list = ("case_number", "victims.full_name")
    column_labels = {
        "case_number": "Nomor kasus",
        "received_at": "Diterima",
        "victims": "Korban",
        "victims.full_name": "Nama korban",
        "urgency": "Urgensi",
        "current_step": "Langkah SOP",
        "due": "Batas waktu langkah",
        "status": "Status",
    }
    column_formatters = {
        "case_number": lambda v, c, m, n: Markup(f'<a href="{escape(v.get_url(".details_view", id=m.id))}">{escape(m.case_number)}</a>'),
        "current_step": case_list.fmt_step,
        "due": case_list.fmt_due,
        "victims": case_list.fmt_victims,
        "received_at": lambda v, c, m, n: v.local_time(m.received_at),
        "urgency": lambda v, c, m, n: URGENCY_LABELS.get(m.urgency, m.urgency),
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
    }
    column_formatters_export = {
        "current_step": lambda v, c, m, n: m.current_step,
        "due": case_list.fmt_due_export,
        "victims": case_list.fmt_victims,
    }

    def __init__(self, *args, **kwargs):
        # Per view instance; option lists are callables, read from reference data at request time.
        # Kept by name for the head's dashboard (`case_filters.list_url`); new filters go last, so saved URLs keep
        # their indexes.
        self.step_filter = IntEqualFilter(Case.current_step, "Langkah SOP", options=[(str(s.number), f"{s.number}. {s.title}") for s in STEPS])
        self.status_filter = EnumEqualFilter(Case.status, "Status", CaseStatus, STATUS_LABELS)
        self.clock_filter = OverdueFilter(Case.id, "Waktu", options=OverdueFilter.OPTIONS)
        self.officer_filter = OfficerFilter(Case.id, "Petugas", options=_officer_options)
        self.reported_filter = DateBetweenFilter(Case.reported_date, "Tanggal laporan")
        self.emergency_filter = EmergencyFilter(Case.id, "Kedaruratan", options=EmergencyFilter.OPTIONS)
        self.waiting_filter = WaitingForFilter(Case.current_step, "Menunggu tindakan")
        self.column_filters = [
            self.step_filter, self.status_filter, self.clock_filter,
            RiskLevelFilter(Case.id, "Tingkat risiko", options=[(lv.value, enum_label(lv)) for lv in RiskLevel]),
            ViolenceTypeFilter(Case.id, "Bentuk kekerasan", options=_violence_options),
            KecamatanFilter(Case.incident_region_id, "Kecamatan", options=_kecamatan_options),
            self.officer_filter,
            EnumEqualFilter(Case.urgency, "Urgensi", Urgency, URGENCY_LABELS),
            self.reported_filter, self.emergency_filter, self.waiting_filter,
        ]
        # Filters that pick few cases through an index of their own (an open step, a late run, a date range, the
        # open cases): with one of them an officer's list walks that index and checks her row per case; without,
        # it reads her own rows (`_officer_rows_plan`). The last step also holds every finished case.
        self.narrowing_filters = {
            self.step_filter: lambda value: str(value) != str(STEPS[-1].number),
            self.status_filter: lambda value: value == CaseStatus.OPEN,
            self.clock_filter: lambda value: True,
            self.reported_filter: lambda value: True,
            self.emergency_filter: lambda value: True,
            self.waiting_filter: lambda value: True,
        }
        super().__init__(*args, **kwargs)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # A whole case number is one row of the unique index: looked up exactly, not matched against every case
        # number and victim name with LIKE (the case list's search; `column_searchable_list` names the columns
        # for Flask-Admin's search box and its placeholder).
        term = " ".join((search or "")[: self.max_search_length].split())
        if (number := whole_case_number(term)) is not None:
            wanted = Case.case_number == number
        elif search_words(term):
            # Part of a victim's name through the name index (admin_app/search.py); part of a number only when
            # the term has a digit (a name part never reads the case numbers).
            dialect = db.session.get_bind().dialect.name
            if not any(ch.isdigit() for ch in term) and name_is_common(db.session, term, dialect):
                # Thousands of names match: the list walks its cases newest first to its page, and is not
                # counted (every match would be read to count it); the page says so (admin/case_list.html).
                g.common_name_search = True
                return query.filter(case_has_victim_named(term)), None, joins, count_joins
            wanted = Case.id.in_(select(Victim.case_id).where(victim_name_matches(term, dialect)))
            if any(ch.isdigit() for ch in term):
                wanted = or_(wanted, Case.case_number.ilike(f"%{'%'.join(search_words(term))}%"))
        else:
            return query, count_query, joins, count_joins
        return searched(wanted, query, count_query, joins, count_joins)

    def _with_options(self, query):
        # One case (its page, its forms): with its victims and step runs.
        return query.options(selectinload(Case.steps), selectinload(Case.victims))

    def _list_options(self, query):
        # The list and the export: the columns a row shows; its victims and step clock come after, for the
        # page's rows only (views/case_list.py).
        return query.options(load_only(*case_list.list_columns(self.column_list)))

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        g.officer_rows_plan = self._officer_rows_plan(sort_column, search, filters)
        try:
            count, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute=execute,
                                           page_size=page_size)
        finally:
            g.officer_rows_plan = False
        if execute:
            case_list.remember_page(rows)
        return count, rows

    def _officer_rows_plan(self, sort_column, search, filters) -> bool:
        """An officer's list in date order, without a search or a narrowing filter, reads her own rows of
        `case_officers` newest first and counts them there (sop/access.py:officer_rows_join): an officer who is
        on few of a million cases would otherwise walk all of them for a page. Every other list walks the index of
        its sort or filter and checks each case (`visible_cases_clause`)."""
        if not reads_own_rows_only(current_user) or sort_column not in (None, "received_at") or search:
            return False
        for index, _name, value in filters or ():
            narrows = self.narrowing_filters.get(self._filters[index])
            if narrows is not None and narrows(value):
                return False
        return True

    def _scope(self, query):
        if g.get("officer_rows_plan"):
            onclause, sees = officer_rows_join(current_user)
            return query.join(CaseOfficer, onclause).filter(sees)
        return super()._scope(query)

    def _order_by(self, query, joins, sort_joins, sort_field, sort_desc):
        if g.get("officer_rows_plan") and sort_field is Case.received_at:
            # her rows carry the case's date: read in the order of her index
            return query.order_by(CaseOfficer.received_at.desc() if sort_desc else CaseOfficer.received_at), joins
        return super()._order_by(query, joins, sort_joins, sort_field, sort_desc)

    def _get_filter_groups(self):
        """The filter menus with their option lists (officers, kecamatan, violence types) as they are now. Built
        for this request only: the view instance is shared by the server's threads, and rebuilding its cache
        (Flask-Admin's _refresh_filters_cache) while another thread reads it failed a list page under load."""
        groups: dict[str, list[dict]] = {}
        for index, flt in enumerate(self._filters or ()):
            groups.setdefault(str(flt.name), []).append({
                "index": index,
                "arg": self.get_filter_arg(index, flt),
                "operation": str(flt.operation()),
                "options": [(str(value), str(label)) for value, label in (flt.get_options(self) or ())] or None,
                "type": flt.data_type,
            })
        return groups or None

    # -- who may do what
    @property
    def can_create(self):
        return current_user.is_authenticated and current_user.has_role(RoleCode.PETUGAS)

    @property
    def can_edit(self):
        return current_user.is_authenticated and current_user.has_role(RoleCode.PETUGAS)

    @property
    def can_export(self):
        return current_user.is_authenticated and current_user.has_role(RoleCode.KEPALA)

    def local_time(self, value: dt.datetime | None) -> str:
        if value is None:
            return "-"
        return value.astimezone(unit_zone()).strftime("%d-%m-%Y %H:%M")

    # -- step 1 through the create/edit screens
    def create_form(self, obj=None):
        form = CaseForm(request.form if request.method == "POST" else None).fill_choices()
        if request.method == "GET":
            form.received_at.data = dt.datetime.now(case_process().policy.zone).replace(second=0, microsecond=0, tzinfo=None)
        return form

    def edit_form(self, obj=None):
        form = CaseForm(request.form if request.method == "POST" else None, obj=obj).fill_choices()
        if request.method == "GET" and obj is not None:
            form.received_at.data = obj.received_at.astimezone(case_process().policy.zone).replace(tzinfo=None)
            form.intake_channel_id.data = obj.intake_channel_id or 0
            form.incident_place_id.data = obj.incident_place_id or 0
            form.incident_region_id.data = obj.incident_region_id or 0
            form.urgency.data = obj.urgency.value
            form.row_version.data = str(obj.version)
            form.row_loaded_at.data = utcnow().isoformat()
        return form

    def _form_values(self, form: CaseForm) -> dict:
        zone = case_process().policy.zone
        received = form.received_at.data
        return dict(
            summary=form.summary.data,
            received_at=received if received.tzinfo else received.replace(tzinfo=zone),
            intake_channel_id=form.intake_channel_id.data or None,
            incident_date=form.incident_date.data,
            incident_place_id=form.incident_place_id.data or None,
            incident_region_id=form.incident_region_id.data or None,
            incident_address=form.incident_address.data,
            victim_hint=form.victim_hint.data,
            urgency=Urgency(form.urgency.data),
            is_domestic_violence=bool(form.is_domestic_violence.data),
        )

    def create_model(self, form):
        return self._save("create", lambda: case_process().register_case(current_user, **self._form_values(form)))

    def update_model(self, form, model):
        if not version_matches(form, model):
            return False

        def update():
            case_process().update_case_information(current_user, model, **self._form_values(form))
            return model

        return bool(self._save("update", update))

    def _save(self, action: str, change):
        """Step-1 information saved through the engine, audited after the commit; refusals shown, nothing kept."""
        try:
            case = change()
            changes = describe_changes(Case, changed_fields(case))
            db.session.commit()
        except ProcessError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        except Exception as exc:  # noqa: BLE001
            self.handle_view_exception(exc)
            return False
        audit(action, object_type="cases", object_id=case.id, case_id=case.id, detail={"fields": changes})
        return case

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".details_view", id=model.id)

    # -- the case page
    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs.update(self._case_page_context(kwargs["model"]))
        if template == self.create_template:
            kwargs["first_step"] = step(FIRST_STEP)
        return super().render(template, **kwargs)

    def _case_page_context(self, case: Case) -> dict:
        process = case_process()
        now = utcnow()
        actions = process.available_actions(current_user, case)
        can_act = case.status == CaseStatus.OPEN and step(case.current_step).action in actions
        letters = db.session.execute(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).scalars().all()
        user = current_user._get_current_object()
        rows = [row for row in (document_row(case, d, lambda code: allowed(
            lambda: process.ensure_document_editable(user, case, code))) for d in process.document_overview(case))
            if row is not None]
        missing = process.missing_inputs(case) if can_act else []
        assignment = process.active_assignment(case)
        referred = any(isinstance(x, ReferralLetter) and x.status == LetterStatus.ISSUED for x in letters)
        return {
            "document_rows": rows,
            "missing_items": [(m, missing_url(case, m, rows)) for m in missing],
            "completing_action": step(case.current_step).action if case.status == CaseStatus.OPEN else None,
            "assignment": assignment,
            "history": history(case, letters),
            # Emergency first: the banner stays until an emergency referral is issued or the case is finished.
            "show_high_risk": case.status == CaseStatus.OPEN and not referred,
            "can_fill": lambda code: allowed(lambda: process.ensure_document_editable(user, case, code)),
            "simfoni": process.simfoni_record(case),
            "follow_up": process.latest_request(case),
            "instruction": case.follow_up_instruction[0] if case.follow_up_instruction else None,
            "outcome_labels": OUTCOME_LABELS,
            "can_edit_people": allowed(lambda: process.ensure_people_editable(user, case)),
            "can_edit_information": bool(self.can_edit) and allowed(
                lambda: process.ensure_case_information_editable(user, case)),
            "process": process,
            "actions": actions,
            "missing": missing,
            "timeline": process.timeline(case),
            "letters": letters,
            "high_risk": process.high_risk_victims(case),
            "full_file": sees_full_case_file(current_user),
            "reveals": [PERSON_LABELS[name] for name in revealable_identifiers(user, case)],
            "simfoni_sheet": sees_simfoni_sheet(user, case),
            "now": now,
            "fmt_time": self.local_time,
            "fmt_duration": format_duration,
            "fmt_date": date_text,
            "enum_label": enum_label,
            "step_of": step,
            "urgency_labels": URGENCY_LABELS,
            "status_labels": STATUS_LABELS,
            "LetterStatus": LetterStatus,
            "field_work_step": step_editing(FIELD_DOCUMENTS[0].code),
        }

    # -- actions: one path for all of them, the step table names the form and the handler
    @expose("/langkah/<int:case_id>/<action>", methods=("GET", "POST"))
    def transition_view(self, case_id: int, action: str):
        case = self.get_one(str(case_id))
        if case is None or action not in ACTIONS:
            abort(404)
        process = case_process()
        chosen = next((a for a in process.available_actions(current_user, case) if a.code == action), None)
        if chosen is None:
            flash("Tindakan ini tidak dapat Anda lakukan pada kasus ini sekarang.", "error")
            return redirect(self.get_url(".details_view", id=case.id))
        form = FORMS[chosen.form](request.form if request.method == "POST" else None)
        form.prepare(first_visit=request.method != "POST", today=dt.datetime.now(unit_zone()).date(), case=case)
        completes_step = chosen == step(case.current_step).action
        if request.method == "POST" and form.validate():
            done = self.perform_action(case, chosen, form, next_url=self.get_url(".details_view", id=case.id))
            if done is not None:
                return done
        # The report the head decides on is shown beside the instruction (and beside returning it).
        shows_report = FOLLOW_UP_REQUEST in step(case.current_step).required_inputs and isinstance(chosen, (StepAction, Return))
        return self.render(
            "admin/case_action.html",
            case=case,
            form=form,
            follow_up=process.latest_request(case) if shows_report else None,
            # An emergency referral rests on the risk assessment: the head sees its result beside the form.
            risk_results=risk_results(case) if chosen == EMERGENCY_REFERRAL else None,
            title=chosen.title,
            missing=process.missing_inputs(case) if completes_step else [],
            return_url=self.get_url(".details_view", id=case.id),
        )

    def perform_action(self, case: Case, chosen: StepAction | Return, form, *, next_url: str):
        """One action of the step table run by the engine with a validated form (audited, the table's message): the
        redirect to `next_url`, or None when refused (reason flashed, nothing changed). Also the Simfoni sheet's."""
        process = case_process()
        number = case.current_step
        try:
            result = process.perform(chosen.code, current_user._get_current_object(), case, **form.values())
            db.session.commit()
            audit("transition", object_type="cases", object_id=case.id, case_id=case.id,
                  detail={"tindakan": chosen.code, "langkah_sekarang": case.current_step})
        except ProcessError as exc:
            db.session.rollback()
            audit("transition", object_type="cases", object_id=case.id, case_id=case.id, outcome="refused",
                  detail={"tindakan": chosen.code})
            flash(str(exc), "error")
            return None
        except Exception as exc:  # noqa: BLE001
            self.handle_view_exception(exc)
            return None
        flash(done_message(chosen, number, result), "success")
        # A numbered letter is made as it is issued: the head does not need a second click for it.
        for letter in issued_letters(result):
            document, problem = archive_document(case, letter_type_code(type(letter)), letter)
            if document is None:
                flash(f"Surat {letter.number} terbit, tetapi dokumennya belum dapat dibuat: {problem} "
                      "Buat dari bagian Dokumen resmi.", "warning")
        if not can_view_case(db.session, current_user, case.id):
            # e.g. the first step handed to the head: the case is the head's until a team is assigned.
            return redirect(url_for("admin.index"))
        return redirect(next_url)

    # -- identifiers shown in full for the step's work (Simfoni PPA): one person at a time, audited first
    @expose("/identitas/<int:case_id>/<int:victim_id>", methods=("POST",))
    def reveal_identifiers(self, case_id: int, victim_id: int):
        case = self.get_one(str(case_id))  # scoped: a case this user may not see is not found
        victim = next((v for v in case.victims if v.id == victim_id), None) if case is not None else None
        if victim is None:
            abort(404)
        shown = {"case_number": case.case_number, "name": victim.full_name}
        identifiers = [(label, value) for _, label, value in reveal_identifiers_of(case, victim)]
        return self.render("admin/case_identifiers.html", shown=shown, identifiers=identifiers,
                           return_url=self.get_url(".details_view", id=case_id))


def reveal_identifiers_of(case: Case, victim) -> list[tuple[str, str, str]]:
    """The victim's identifiers this user may have shown in full now (`Step.reveals` through
    `revealable_identifiers`), as (column, label, value), audited ("reveal", by label, never the values) before
    they are served; 403 (audited as refused) when the current step reveals nothing to this user. The case page's
    button and the Simfoni sheet both reveal through here. Case access is the caller's (`get_one`)."""
    fields = revealable_identifiers(current_user, case)
    if not fields:
        audit("refused", object_type="victims", object_id=victim.id, case_id=case.id, outcome="refused",
              detail={"url": request.path})
        abort(403)
    identifiers = [(name, PERSON_LABELS[name], getattr(victim, name) or "-") for name in fields]
    audit_now("reveal", object_type="victims", object_id=victim.id, case_id=case.id,
              detail={"isian": [label for _, label, _ in identifiers]})
    return identifiers
