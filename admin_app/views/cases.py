"""Case screens: the case list (filters, search), the case page (victim summary, SOP timeline, documents, the
buttons for exactly the transitions this user may take now) and one form per transition.

Every query goes through `CaseScopedView` (need to know); every transition goes through the process engine.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, has_app_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, DateBetweenFilter, FilterEqual, IntEqualFilter
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, DateField, DateTimeLocalField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from admin_app.extensions import db
from admin_app.models import (
    AUTHORITY_LABELS,
    OUTCOME_LABELS,
    Authority,
    Case,
    CaseStatus,
    CaseStep,
    IncidentPlace,
    IntakeChannel,
    Letter,
    LetterStatus,
    OutcomeKind,
    Region,
    RegionLevel,
    RiskAssessment,
    RiskLevel,
    Role,
    Urgency,
    User,
    ViolenceType,
    case_violence_types,
    user_roles,
    utcnow,
)
from admin_app.sop.access import can_view_case, sees_full_case_file, team_case_ids
from admin_app.sop.deadlines import format_duration
from admin_app.sop.process import OutcomeRequest, ProcessError
from admin_app.sop.steps import STEPS, step
from admin_app.security.audit import describe_changes
from admin_app.views.auditing import audit
from admin_app.views.base import CaseScopedView, case_process, changed_fields, form_translations

URGENCY_LABELS = {Urgency.BIASA: "Biasa", Urgency.SEGERA: "Segera", Urgency.DARURAT: "Darurat"}
STATUS_LABELS = {CaseStatus.OPEN: "Dalam proses", CaseStatus.FINISHED: "Selesai"}
CAPACITY_CHOICES = [("", "Kepala (langsung)"), ("a.n.", "a.n. (atas nama)"), ("Plt.", "Plt."), ("Plh.", "Plh.")]


# ---------------------------------------------------------------- list filters
def _now():
    return utcnow()


class EnumEqualFilter(FilterEqual):
    """Equality on an enum column: a value outside the enum is ignored (never a database error)."""

    def __init__(self, column, name, enum_cls, labels):
        super().__init__(column, name, options=[(m.value, labels[m]) for m in enum_cls])
        self.enum_cls = enum_cls

    def validate(self, value):
        return value in {m.value for m in self.enum_cls}

    def clean(self, value):
        return self.enum_cls(value)


class _ReferenceOptions:
    """Filters whose options come from the database: read per request (see CaseView.index_view), never at start-up."""

    def get_options(self, view):
        if not has_app_context():
            return None
        return super().get_options(view)


class OverdueFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        if value == "sekarang":
            late = exists().where(CaseStep.case_id == Case.id, CaseStep.completed_at.is_(None), CaseStep.due_at < _now())
        else:
            late = exists().where(
                CaseStep.case_id == Case.id,
                or_(CaseStep.completed_at > CaseStep.due_at, and_(CaseStep.completed_at.is_(None), CaseStep.due_at < _now())),
            )
        return query.filter(late)

    def operation(self):
        return "adalah"


class RiskLevelFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            level = RiskLevel(value)
        except ValueError:
            return query.filter(False)
        return query.filter(exists().where(RiskAssessment.case_id == Case.id, RiskAssessment.final_level == level))

    def operation(self):
        return "sama dengan"


class OfficerFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            officer_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        return query.filter(Case.id.in_(team_case_ids(officer_id)))

    def operation(self):
        return "sama dengan"


class KecamatanFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            kecamatan_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        in_kecamatan = select(Region.id).where(or_(Region.parent_id == kecamatan_id, Region.id == kecamatan_id))
        return query.filter(Case.incident_region_id.in_(in_kecamatan))

    def operation(self):
        return "sama dengan"


class ViolenceTypeFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            type_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        return query.filter(
            exists().where(case_violence_types.c.case_id == Case.id, case_violence_types.c.violence_type_id == type_id)
        )

    def operation(self):
        return "sama dengan"


def _officer_options():
    rows = db.session.execute(
        select(User.id, User.full_name)
        .join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.code == "petugas")
        .order_by(User.full_name)
    ).all()
    return [(str(i), n) for i, n in rows]


def _kecamatan_options():
    rows = db.session.execute(select(Region.id, Region.name).where(Region.level == RegionLevel.KECAMATAN).order_by(Region.name)).all()
    return [(str(i), n) for i, n in rows]


def _violence_options():
    rows = db.session.execute(select(ViolenceType.id, ViolenceType.label).order_by(ViolenceType.sort_order)).all()
    return [(str(i), n) for i, n in rows]


def _allowed(check) -> bool:
    try:
        check()
    except ProcessError:
        return False
    return True


# ---------------------------------------------------------------- list formatters
def _open_run(case: Case) -> CaseStep | None:
    runs = [r for r in case.steps if r.completed_at is None]
    return runs[-1] if runs else None


def _fmt_step(view, context, model, name):
    if model.status == CaseStatus.FINISHED:
        return Markup('<span class="badge badge-secondary">Selesai</span>')
    return Markup(f"{model.current_step}. {escape(step(model.current_step).title)}")


def _fmt_due(view, context, model, name):
    run = _open_run(model)
    if run is None:
        late_ever = any(r.completed_at and r.completed_at > r.due_at for r in model.steps)
        return Markup('<span class="badge badge-late">pernah terlambat</span>') if late_ever else ""
    text = escape(view.local_time(run.due_at))
    if run.due_at < _now():
        return Markup(f'<span class="badge badge-late" title="Melewati mutu baku waktu">TERLAMBAT</span> {text}')
    return text


def _fmt_victims(view, context, model, name):
    return ", ".join(v.full_name for v in model.victims) or (model.victim_hint or "-")


class CaseForm(FlaskForm):
    """Step 1: the case information as received (also used to correct it while the case is at step 1)."""

    class Meta:
        def get_translations(self, form):
            return form_translations("id")

    intake_channel_id = SelectField("Sumber informasi", coerce=int, validators=[DataRequired(message="Pilih sumber informasi.")])
    received_at = DateTimeLocalField(
        "Waktu informasi diterima", format="%Y-%m-%dT%H:%M", validators=[DataRequired(message="Isi waktu informasi diterima.")]
    )
    incident_date = DateField("Tanggal kejadian (bila diketahui)", validators=[Optional()])
    incident_place_id = SelectField("Tempat kejadian", coerce=int, validators=[Optional()])
    incident_region_id = SelectField("Kelurahan lokasi korban/kejadian", coerce=int, validators=[Optional()])
    incident_address = TextAreaField("Alamat/lokasi (jalan, RT/RW, atau di luar kota)", validators=[Optional(), Length(max=2000)])
    summary = TextAreaField("Apa yang terjadi", validators=[DataRequired(message="Uraikan kejadian."), Length(max=10000)])
    victim_hint = TextAreaField("Siapa korbannya (sejauh diketahui)", validators=[Optional(), Length(max=2000)])
    urgency = SelectField("Tingkat urgensi", choices=[(u.value, URGENCY_LABELS[u]) for u in Urgency], default=Urgency.BIASA.value)
    is_domestic_violence = BooleanField("Kekerasan dalam rumah tangga (KDRT)")

    def fill_choices(self):
        none = [(0, "- pilih -")]
        self.intake_channel_id.choices = none + [
            (r.id, r.label) for r in db.session.execute(select(IntakeChannel).where(IntakeChannel.active.is_(True)).order_by(IntakeChannel.sort_order)).scalars()
        ]
        self.incident_place_id.choices = none + [
            (r.id, r.label) for r in db.session.execute(select(IncidentPlace).where(IncidentPlace.active.is_(True)).order_by(IncidentPlace.sort_order)).scalars()
        ]
        kelurahan = db.session.execute(
            select(Region).where(Region.level == RegionLevel.KELURAHAN, Region.active.is_(True)).order_by(Region.name)
        ).scalars()
        self.incident_region_id.choices = [(0, "- di luar Kota Tangerang / belum diketahui -")] + [(r.id, str(r)) for r in kelurahan]
        return self

    def validate_received_at(self, field):
        if field.data is None:
            return
        # Typed values are office time without a zone; a value not posted comes from the row (aware, UTC).
        value = field.data if field.data.tzinfo else field.data.replace(tzinfo=case_process().policy.zone)
        if value > utcnow() + dt.timedelta(minutes=5):
            raise ValueError("Waktu informasi diterima tidak boleh di masa depan.")


# ---------------------------------------------------------------- transition forms
class _Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return form_translations("id")


class NoteForm(_Form):
    note = TextAreaField("Catatan (opsional)", validators=[Optional(), Length(max=2000)])


class ReasonForm(_Form):
    reason = TextAreaField("Alasan pengembalian", validators=[DataRequired(message="Alasan wajib diisi."), Length(min=5, max=2000)])


class InstructOutreachForm(_Form):
    officers = SelectMultipleField(
        "Petugas yang ditugaskan", coerce=int, validators=[DataRequired(message="Pilih minimal satu petugas.")],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    purpose = TextAreaField(
        "Untuk (maksud penugasan)",
        default="Melaksanakan penjangkauan korban, identifikasi kasus, penyelamatan dan asesmen awal.",
        validators=[DataRequired(), Length(max=2000)],
    )
    outreach_date = DateField("Tanggal penjangkauan", validators=[DataRequired(message="Isi tanggal penjangkauan.")])
    signer_capacity = SelectField("Penandatangan", choices=CAPACITY_CHOICES, default="")
    note = TextAreaField("Catatan (opsional)", validators=[Optional(), Length(max=2000)])


class SimfoniForm(_Form):
    registration_number = StringField("Nomor registrasi Simfoni PPA", validators=[DataRequired(message="Isi nomor registrasi."), Length(max=60)])
    input_date = DateField("Tanggal input ke Simfoni PPA", validators=[DataRequired(message="Isi tanggal input.")])
    notes = TextAreaField("Catatan (opsional)", validators=[Optional(), Length(max=2000)])


class ReportForm(_Form):
    report = TextAreaField("Laporan hasil penjangkauan", validators=[DataRequired(message="Isi laporan."), Length(max=10000)])
    request = TextAreaField(
        "Instruksi yang dimohon", default="Mohon instruksi tindak lanjut layanan sesuai rencana intervensi.",
        validators=[DataRequired(), Length(max=2000)],
    )


class _LetterFields(_Form):
    recipient = StringField("Kepada Yth. (lembaga tujuan)", validators=[Optional(), Length(max=255)])
    recipient_address = TextAreaField("Alamat tujuan", validators=[Optional(), Length(max=1000)])
    current_condition = TextAreaField("Kondisi korban saat ini", validators=[Optional(), Length(max=4000)])
    services_given = TextAreaField("Layanan yang sudah diberikan", validators=[Optional(), Length(max=4000)])
    documents_handed_over = TextAreaField("Dokumen yang diserahkan", validators=[Optional(), Length(max=2000)])
    contact_person = StringField("Narahubung", validators=[Optional(), Length(max=150)])
    copies_to = TextAreaField("Tembusan (satu per baris)", validators=[Optional(), Length(max=2000)])


class EmergencyReferralForm(_LetterFields):
    purpose = TextAreaField("Tujuan rujukan", validators=[Optional(), Length(max=2000)])
    consent_override_reason = TextAreaField(
        "Alasan keadaan darurat (bila korban/wali belum menyetujui berbagi data)", validators=[Optional(), Length(max=2000)]
    )


class InstructionForm(EmergencyReferralForm):
    instruction = TextAreaField("Instruksi tindak lanjut", validators=[DataRequired(message="Isi instruksi."), Length(max=10000)])
    outcome_case_management = BooleanField(OUTCOME_LABELS[OutcomeKind.CASE_MANAGEMENT])
    outcome_referral = BooleanField(OUTCOME_LABELS[OutcomeKind.REFERRAL] + " (menerbitkan surat rujukan)")
    outcome_transfer = BooleanField(OUTCOME_LABELS[OutcomeKind.TRANSFER] + " (menerbitkan surat pelimpahan)")
    outcome_close = BooleanField(OUTCOME_LABELS[OutcomeKind.CLOSE])
    close_reason = TextAreaField("Alasan penutupan", validators=[Optional(), Length(max=2000)])
    authority = SelectField(
        "Kewenangan tujuan pelimpahan", choices=[("", "-")] + [(a.value, AUTHORITY_LABELS[a]) for a in Authority if a != Authority.KOTA]
    )
    transfer_recipient = StringField("Instansi tujuan pelimpahan", validators=[Optional(), Length(max=255)])
    transfer_basis = TextAreaField("Dasar pelimpahan", validators=[Optional(), Length(max=4000)])

    def outcomes(self) -> list[OutcomeRequest]:
        letter = {
            "recipient_address": self.recipient_address.data,
            "current_condition": self.current_condition.data,
            "services_given": self.services_given.data,
            "documents_handed_over": self.documents_handed_over.data,
            "contact_person": self.contact_person.data,
            "copies_to": self.copies_to.data,
        }
        chosen = []
        if self.outcome_case_management.data:
            chosen.append(OutcomeRequest(OutcomeKind.CASE_MANAGEMENT))
        if self.outcome_referral.data:
            chosen.append(
                OutcomeRequest(OutcomeKind.REFERRAL, recipient=self.recipient.data, purpose=self.purpose.data,
                               consent_override_reason=self.consent_override_reason.data, **letter)
            )
        if self.outcome_transfer.data:
            chosen.append(
                OutcomeRequest(OutcomeKind.TRANSFER, recipient=self.transfer_recipient.data,
                               authority=Authority(self.authority.data) if self.authority.data else None,
                               transfer_basis=self.transfer_basis.data, **letter)
            )
        if self.outcome_close.data:
            chosen.append(OutcomeRequest(OutcomeKind.CLOSE, close_reason=self.close_reason.data))
        return chosen


ACTION_TITLES = {
    "submit_information": "Laporkan informasi kasus ke Kepala UPTD PPA",
    "instruct_outreach": "Instruksi penjangkauan: terbitkan Surat Tugas",
    "complete_field_work": "Selesaikan langkah 3 dan serahkan ke administrasi",
    "record_simfoni": "Pencatatan di Simfoni PPA",
    "submit_report": "Laporan dan permohonan instruksi tindak lanjut",
    "give_instruction": "Instruksi tindak lanjut layanan",
    "emergency_referral": "Rujukan layanan kedaruratan (darurat)",
    "return_1": "Kembalikan ke langkah 1",
    "return_3": "Kembalikan ke langkah 3",
    "return_5": "Kembalikan ke langkah 5",
}


# ---------------------------------------------------------------- the view
class CaseView(CaseScopedView):
    case_id_attr = "id"
    can_delete = False
    details_template = "admin/case_details.html"
    create_template = "admin/case_form.html"
    edit_template = "admin/case_form.html"
    column_list = ("case_number", "received_at", "victims", "urgency", "current_step", "due", "status")
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
        "current_step": _fmt_step,
        "due": _fmt_due,
        "victims": _fmt_victims,
        "received_at": lambda v, c, m, n: v.local_time(m.received_at),
        "urgency": lambda v, c, m, n: URGENCY_LABELS.get(m.urgency, m.urgency),
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
    }
    column_formatters_export = {
        "current_step": lambda v, c, m, n: m.current_step,
        "due": lambda v, c, m, n: (_open_run(m).due_at.isoformat() if _open_run(m) else ""),
        "victims": _fmt_victims,
    }

    def __init__(self, *args, **kwargs):
        # Per view instance; option lists are callables, read from reference data at request time.
        self.column_filters = [
            IntEqualFilter(Case.current_step, "Langkah SOP", options=[(str(s.number), f"{s.number}. {s.title}") for s in STEPS]),
            EnumEqualFilter(Case.status, "Status", CaseStatus, STATUS_LABELS),
            OverdueFilter(Case.id, "Waktu", options=[("sekarang", "terlambat sekarang"), ("pernah", "pernah terlambat")]),
            RiskLevelFilter(Case.id, "Tingkat risiko", options=[(lv.value, lv.value) for lv in RiskLevel]),
            ViolenceTypeFilter(Case.id, "Bentuk kekerasan", options=_violence_options),
            KecamatanFilter(Case.incident_region_id, "Kecamatan", options=_kecamatan_options),
            OfficerFilter(Case.id, "Petugas", options=_officer_options),
            EnumEqualFilter(Case.urgency, "Urgensi", Urgency, URGENCY_LABELS),
            DateBetweenFilter(Case.reported_date, "Tanggal laporan"),
        ]
        super().__init__(*args, **kwargs)

    def get_query(self):
        # The list shows each case's victims and the clock of its current step: load them with the page, not
        # one query per row.
        return super().get_query().options(selectinload(Case.steps), selectinload(Case.victims))

    @expose("/")
    def index_view(self):
        self._refresh_filters_cache()  # option lists (officers, kecamatan, violence types) as they are now
        return super().index_view()

    # -- who may do what
    @property
    def can_create(self):
        return current_user.is_authenticated and current_user.has_role("petugas")

    @property
    def can_edit(self):
        return current_user.is_authenticated and current_user.has_role("petugas")

    @property
    def can_export(self):
        return current_user.is_authenticated and current_user.has_role("kepala")

    def local_time(self, value: dt.datetime | None) -> str:
        if value is None:
            return "-"
        zone = case_process().policy.zone
        return value.astimezone(zone).strftime("%d-%m-%Y %H:%M")

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
        def update():
            case_process().update_case_information(current_user, model, **self._form_values(form))
            return model

        return bool(self._save("update", update))

    def _save(self, action: str, change):
        """Step-1 information saved through the engine, audited after the commit; refusals shown, nothing kept."""
        try:
            case = change()
            changes = describe_changes(changed_fields(case))
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
        return super().render(template, **kwargs)

    def _case_page_context(self, case: Case) -> dict:
        process = case_process()
        now = utcnow()
        actions = process.available_actions(current_user, case)
        can_act = any(not a.code.startswith("return_") and a.code != "emergency_referral" for a in actions)
        letters = db.session.execute(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).scalars().all()
        user = current_user._get_current_object()
        return {
            "can_fill": lambda code: _allowed(lambda: process.ensure_document_editable(user, case, code)),
            "simfoni": process.simfoni_record(case),
            "follow_up": process.latest_request(case),
            "instruction": case.follow_up_instruction[0] if case.follow_up_instruction else None,
            "outcome_labels": OUTCOME_LABELS,
            "can_edit_people": _allowed(lambda: process.ensure_people_editable(user, case)),
            "process": process,
            "actions": actions,
            "missing": process.missing_inputs(case) if can_act else [],
            "timeline": process.timeline(case),
            "letters": letters,
            "high_risk": process.high_risk_victims(case),
            "full_file": sees_full_case_file(current_user),
            "now": now,
            "fmt_time": self.local_time,
            "fmt_duration": format_duration,
            "step_of": step,
            "urgency_labels": URGENCY_LABELS,
            "status_labels": STATUS_LABELS,
            "LetterStatus": LetterStatus,
            "documents": process.document_overview(case) if sees_full_case_file(current_user) else [],
        }

    # -- transitions
    @expose("/langkah/<int:case_id>/<action>", methods=("GET", "POST"))
    def transition_view(self, case_id: int, action: str):
        case = self.get_one(str(case_id))
        if case is None:
            abort(404)
        if action not in ACTION_TITLES:
            abort(404)
        process = case_process()
        allowed = {a.code for a in process.available_actions(current_user, case)}
        if action not in allowed:
            flash("Tindakan ini tidak dapat Anda lakukan pada kasus ini sekarang.", "error")
            return redirect(self.get_url(".details_view", id=case.id))
        form = self._transition_form(action)
        if request.method == "POST" and form.validate():
            try:
                message = self._run_transition(process, case, action, form)
                db.session.commit()
                audit("transition", object_type="cases", object_id=case.id, case_id=case.id,
                      detail={"tindakan": action, "langkah_sekarang": case.current_step})
            except ProcessError as exc:
                db.session.rollback()
                audit("transition", object_type="cases", object_id=case.id, case_id=case.id, outcome="refused",
                      detail={"tindakan": action, "alasan": str(exc)[:500]})
                flash(str(exc), "error")
            except Exception as exc:  # noqa: BLE001
                self.handle_view_exception(exc)
            else:
                flash(message, "success")
                if not can_view_case(db.session, current_user, case.id):
                    # e.g. step 1 handed to the head: the case now belongs to the head until a team is assigned.
                    return redirect(url_for("admin.index"))
                return redirect(self.get_url(".details_view", id=case.id))
        return self.render(
            "admin/case_action.html",
            case=case,
            form=form,
            follow_up=process.latest_request(case) if action in ("give_instruction", "return_5") else None,
            title=ACTION_TITLES[action],
            missing=process.missing_inputs(case) if not action.startswith("return_") and action != "emergency_referral" else [],
            return_url=self.get_url(".details_view", id=case.id),
        )

    def _transition_form(self, action: str):
        formdata = request.form if request.method == "POST" else None
        if action in ("submit_information", "complete_field_work"):
            return NoteForm(formdata)
        if action.startswith("return_"):
            return ReasonForm(formdata)
        if action == "instruct_outreach":
            form = InstructOutreachForm(formdata)
            form.officers.choices = [(int(i), n) for i, n in _officer_options()]
            if formdata is None:
                form.outreach_date.data = dt.datetime.now(case_process().policy.zone).date()
            return form
        if action == "record_simfoni":
            form = SimfoniForm(formdata)
            if formdata is None:
                form.input_date.data = dt.datetime.now(case_process().policy.zone).date()
            return form
        if action == "submit_report":
            return ReportForm(formdata)
        if action == "give_instruction":
            form = InstructionForm(formdata)
            first = ("instruction", "outcome_case_management", "outcome_referral", "outcome_transfer", "outcome_close", "close_reason")
            form._fields = dict(sorted(form._fields.items(), key=lambda item: (item[0] not in first, first.index(item[0]) if item[0] in first else 0)))
            return form
        return EmergencyReferralForm(formdata)

    def _run_transition(self, process, case: Case, action: str, form) -> str:
        user = current_user._get_current_object()
        if action == "submit_information":
            process.submit_case_information(user, case, form.note.data)
            return "Informasi kasus telah dilaporkan kepada Kepala UPTD PPA."
        if action == "instruct_outreach":
            officers = db.session.execute(select(User).where(User.id.in_(form.officers.data))).scalars().all()
            letter = process.instruct_outreach(
                user, case, officers=officers, purpose=form.purpose.data, outreach_date=form.outreach_date.data,
                signer_capacity=form.signer_capacity.data, note=form.note.data,
            )
            return f"Surat Tugas nomor {letter.number} diterbitkan; kasus diteruskan ke petugas."
        if action == "complete_field_work":
            process.complete_field_work(user, case, form.note.data)
            return "Langkah 3 selesai; berkas diserahkan ke administrasi untuk dicatat di Simfoni PPA."
        if action == "record_simfoni":
            process.record_simfoni(
                user, case, registration_number=form.registration_number.data, input_date=form.input_date.data, notes=form.notes.data
            )
            return "Pencatatan Simfoni PPA tersimpan; kasus diserahkan kembali kepada petugas."
        if action == "submit_report":
            process.submit_report(user, case, report=form.report.data, request=form.request.data)
            return "Laporan dan permohonan instruksi telah diajukan kepada Kepala UPTD PPA."
        if action == "give_instruction":
            record = process.give_instruction(user, case, instruction=form.instruction.data, outcomes=form.outcomes())
            numbers = [o.letter.number for o in record.outcomes if o.letter is not None]
            extra = f" Surat diterbitkan: {', '.join(numbers)}." if numbers else ""
            return "Instruksi tindak lanjut diberikan; kasus selesai menurut SOP." + extra
        if action.startswith("return_"):
            process.send_back(user, case, to_step=int(action.split("_")[1]), reason=form.reason.data)
            return f"Kasus dikembalikan ke langkah {action.split('_')[1]}."
        letter = process.issue_emergency_referral(
            user, case,
            OutcomeRequest(
                OutcomeKind.REFERRAL, recipient=form.recipient.data, recipient_address=form.recipient_address.data,
                purpose=form.purpose.data, current_condition=form.current_condition.data, services_given=form.services_given.data,
                documents_handed_over=form.documents_handed_over.data, contact_person=form.contact_person.data,
                copies_to=form.copies_to.data, consent_override_reason=form.consent_override_reason.data,
            ),
        )
        return f"Surat rujukan darurat nomor {letter.number} diterbitkan."
