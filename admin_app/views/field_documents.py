"""The field documents of step 3 as Flask-Admin forms, laid out in the order of the paper forms.

A document is always opened from its case (`?case_id=`, and `&victim_id=` for per-victim forms); there is no
case picker in any form. Who may fill it is checked below the screen by the process engine on every save.
"Tandai lengkap" runs the completeness rules that step 3 checks; a draft can be saved incomplete.
"""

from __future__ import annotations

from flask import abort, request
from flask_admin.form import rules
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from admin_app.models import (
    AUTHORITY_LABELS,
    AmpkCategory,
    Authority,
    BiopsychosocialAssessment,
    CaseIdentification,
    CaseKind,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    IncidentPlace,
    InformedConsent,
    InterventionPlan,
    InterventionPlanItem,
    OutreachLog,
    PlanItemStatus,
    RiskAssessment,
    ServiceType,
    VerificationSource,
    ViolenceType,
    utcnow,
)
from admin_app.sop import completeness
from admin_app.sop.validation import FieldInvalid, check_case_kind, is_child
from admin_app.views.base import LocalDateTimeField, case_process
from admin_app.views.field_document_base import (
    CASE_FILE_ROLES,
    CATEGORY,
    FIELD_WORK_STEP,
    PLAN_ITEM_STATUS_LABELS,
    FieldDocumentView,
    active_choices,
    not_future,
    officer_choices,
)
from admin_app.views.presentation import date_text, enum_label
from admin_app.views.risk_form import RiskAssessmentView


class OutreachLogView(FieldDocumentView):
    allowed_roles = CASE_FILE_ROLES  # not needed for Simfoni recording: administration does not see it
    doc_code = "outreach_log"
    form_columns = (
        "verification_sources", "verification_notes", "address_traced", "departed_at", "arrived_at", "returned_at",
        "team_present", "companions", "rescue_actions", "safety_actions", "initial_support", "mark_complete",
    )
    form_overrides = {"departed_at": LocalDateTimeField, "arrived_at": LocalDateTimeField, "returned_at": LocalDateTimeField}
    form_args = {"verification_sources": {"query_factory": active_choices(VerificationSource)}}
    column_labels = dict(
        FieldDocumentView.column_labels,
        verification_sources="Verifikasi data melalui",
        verification_notes="Hasil verifikasi data",
        address_traced="Alamat yang ditelusuri",
        departed_at="Waktu berangkat",
        arrived_at="Waktu tiba di lokasi korban",
        returned_at="Waktu kembali",
        team_present="Petugas yang berangkat",
        companions="Pendamping (Unit PPA Polres, tenaga kesehatan, dll.)",
        rescue_actions="Tindakan penyelamatan",
        safety_actions="Tindakan pengamanan korban",
        initial_support="Dukungan psikososial awal",
    )
    column_descriptions = {
        "verification_notes": "Dengan siapa data korban dicocokkan (DP3AP2KB, kelurahan, RT/RW, kepolisian) dan hasilnya.",
        "departed_at": f"Waktu-waktu ini menjadi bukti mutu baku {FIELD_WORK_STEP.time_standard.label}.",
        "rescue_actions": "Tulis \"tidak diperlukan\" bila korban sudah aman.",
    }
    form_rules = [
        rules.FieldSet(("verification_sources", "verification_notes", "address_traced"), "a. Verifikasi dan penelusuran alamat"),
        rules.FieldSet(("departed_at", "arrived_at", "returned_at", "team_present", "companions"), "Perjalanan penjangkauan"),
        rules.FieldSet(("rescue_actions", "safety_actions", "initial_support"), "c. Penyelamatan, pengamanan dan dukungan awal"),
        rules.Field("mark_complete"),
    ]

    def validate_document(self, form, model):
        now = utcnow()
        for name in ("departed_at", "arrived_at", "returned_at"):
            value = getattr(model, name)
            if value is not None and value > now:
                raise ValidationError(f"{self.column_labels[name]} tidak boleh di masa depan.")
            if value is not None and value < model.case.received_at:
                raise ValidationError(f"{self.column_labels[name]} tidak boleh sebelum informasi kasus diterima.")
        if model.departed_at and model.arrived_at and model.arrived_at < model.departed_at:
            raise ValidationError("Waktu tiba tidak boleh sebelum waktu berangkat.")
        if model.arrived_at and model.returned_at and model.returned_at < model.arrived_at:
            raise ValidationError("Waktu kembali tidak boleh sebelum waktu tiba.")

    def missing(self, model):
        return completeness.outreach_log_missing(model)


class ComplaintView(FieldDocumentView):
    doc_code = "complaint"
    form_columns = ("complaint_date", "what", "who", "when", "where", "why", "how", "expectations", "mark_complete")
    column_labels = dict(
        FieldDocumentView.column_labels,
        complaint_date="Tanggal pengaduan",
        what="Apa yang terjadi",
        who="Siapa yang terlibat",
        when="Kapan terjadi",
        where="Di mana terjadi",
        why="Mengapa terjadi",
        how="Bagaimana terjadi",
        expectations="Harapan korban/pelapor",
    )
    form_args = {"complaint_date": {"validators": [not_future("Tanggal pengaduan")]}}
    form_rules = [
        rules.Macro("document_macros.people", section="pelapor"),
        rules.FieldSet(("complaint_date",), "Pengaduan"),
        rules.Macro("document_macros.people", section="korban"),
        rules.Macro("document_macros.people", section="terlapor"),
        rules.FieldSet(("what", "who", "when", "where", "why", "how"), "Kronologi kejadian (5W1H)"),
        rules.FieldSet(("incident_place", "violence_types", "services_needed"), "Tempat, bentuk kekerasan dan layanan"),
        rules.FieldSet(("expectations",), "Harapan"),
        rules.Field("mark_complete"),
    ]

    def _with_case_fields(self, form_class):
        from wtforms import SelectMultipleField

        class WithCaseFields(form_class):
            incident_place = SelectField("Tempat kejadian", coerce=int, validators=[Optional()])
            violence_types = SelectMultipleField(
                "Bentuk kekerasan (boleh lebih dari satu)", coerce=int, validators=[Optional()],
                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
            )
            services_needed = SelectMultipleField(
                "Layanan yang dibutuhkan", coerce=int, validators=[Optional()],
                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
            )

        return WithCaseFields

    def get_create_form(self):
        return self._with_case_fields(super().get_create_form())

    def get_edit_form(self):
        return self._with_case_fields(super().get_edit_form())

    def _choices(self, form):
        def active(model):
            return [(r.id, r.label) for r in active_choices(model)()]

        form.incident_place.choices = [(0, "- pilih -")] + active(IncidentPlace)
        form.violence_types.choices = active(ViolenceType)
        form.services_needed.choices = active(ServiceType)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        self._choices(form)
        if request.method == "GET":
            case = self.case_from_args()
            self._prefill_case_fields(form, case)
            form.complaint_date.data = case.reported_date
            form.what.data = case.summary
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        self._choices(form)
        return form

    def _prefill_case_fields(self, form, case):
        form.incident_place.data = case.incident_place_id or 0
        form.violence_types.data = [v.id for v in case.violence_types]
        form.services_needed.data = [s.id for s in case.services_needed]

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        model = self.get_one(id)
        if model is not None:
            self._prefill_case_fields(form, model.case)

    def validate_document(self, form, model):
        case = model.case
        case.incident_place_id = form.incident_place.data or None
        wanted_types = set(form.violence_types.data or [])
        case.violence_types = [v for v in active_choices(ViolenceType)() if v.id in wanted_types]
        wanted_services = set(form.services_needed.data or [])
        case.services_needed = [s for s in active_choices(ServiceType)() if s.id in wanted_services]
        if model.complaint_date and model.complaint_date < (case.incident_date or model.complaint_date):
            raise ValidationError("Tanggal pengaduan tidak boleh sebelum tanggal kejadian.")

    def missing(self, model):
        return completeness.complaint_missing(model, model.case)


class CaseIdentificationView(FieldDocumentView):
    doc_code = "identification"
    per_victim = True
    column_list = ("case", "victim", "case_kind", "authority", "status")
    form_columns = ("case_kind", "is_trafficking", "ampk_category", "authority", "belongs_to", "disability_needs", "notes", "mark_complete")
    form_overrides = {"case_kind": SelectField, "authority": SelectField}
    form_args = {
        "case_kind": {
            "choices": [("", "- pilih -"), (CaseKind.KTP.value, "KTP - kekerasan terhadap perempuan (dewasa)"),
                        (CaseKind.KTA.value, "KTA - kekerasan terhadap anak (di bawah 18 tahun)")],
            "coerce": lambda v: CaseKind(v) if v else None,
        },
        "authority": {
            "choices": [("", "- pilih -")] + [(a.value, AUTHORITY_LABELS[a]) for a in Authority],
            "coerce": lambda v: Authority(v) if v else None,
        },
        "ampk_category": {"query_factory": active_choices(AmpkCategory), "blank_text": "- bukan AMPK -"},
    }
    column_labels = dict(
        FieldDocumentView.column_labels,
        case_kind="Jenis kasus",
        is_trafficking="Tindak pidana perdagangan orang (TPPO)",
        ampk_category="Anak yang memerlukan perlindungan khusus (AMPK)",
        authority="Kewenangan",
        belongs_to="Instansi yang berwenang (bila bukan UPTD PPA Kota)",
        disability_needs="Kebutuhan khusus disabilitas",
        notes="Catatan",
    )
    column_descriptions = {
        "authority": "Kota: UPTD PPA Kota Tangerang. Provinsi: lintas kabupaten/kota. Pusat: lintas provinsi atau internasional (UU 12/2022 Pasal 74).",
        "ampk_category": "Isi bila korban anak termasuk salah satu dari 15 kategori UU 35/2014 Pasal 59 ayat (2).",
    }

    def validate_document(self, form, model):
        victim = model.victim
        day = model.case.incident_date or model.case.reported_date
        if model.case_kind is None:
            return
        try:
            child = is_child(victim.birth_date or victim.age_estimate, day)
        except FieldInvalid:
            raise ValidationError(
                "Isi tanggal lahir atau perkiraan umur korban dulu: jenis kasus KTP/KTA ditentukan dari umur saat kejadian."
            ) from None
        try:
            check_case_kind(model.case_kind.value, child, victim.sex.value if victim.sex else None)
        except FieldInvalid as exc:
            raise ValidationError(str(exc)) from None
        if model.ampk_category is not None and not child:
            raise ValidationError("Kategori AMPK hanya untuk korban anak.")

    def missing(self, model):
        return completeness.identification_missing(model, model.victim, model.case.incident_date or model.case.reported_date)


class InformedConsentView(FieldDocumentView):
    allowed_roles = CASE_FILE_ROLES  # not needed for Simfoni recording: administration does not see it
    """Persetujuan layanan (step 3) or the consent to the intervention plan (step 5): `?purpose=`."""

    doc_code = "consent"
    per_victim = True
    shows_consent_evidence = True  # the signed scans of the consent form (templates: consent_evidence)
    column_list = ("case", "victim", "purpose", "decision", "status")
    form_columns = (
        "consenter_name", "consenter_is_guardian", "consenter_relation", "consents_to_services", "consents_to_data_sharing",
        "sharing_institutions", "consents_to_simfoni", "decision", "consent_date", "place", "witness_name", "notes", "mark_complete",
    )
    form_overrides = {"decision": SelectField}
    form_args = {
        "decision": {
            "choices": [("", "- pilih -"), (ConsentDecision.GIVEN.value, "Setuju"), (ConsentDecision.REFUSED.value, "Menolak")],
            "coerce": lambda v: ConsentDecision(v) if v else None,
        },
        "consent_date": {"validators": [not_future("Tanggal persetujuan")]},
    }
    column_labels = dict(
        FieldDocumentView.column_labels,
        purpose="Untuk",
        consenter_name="Nama yang memberi persetujuan",
        consenter_is_guardian="Diberikan oleh orang tua/wali (korban anak)",
        consenter_relation="Hubungan dengan korban",
        consents_to_services="Setuju menerima layanan",
        consents_to_data_sharing="Setuju data dibagikan kepada lembaga rujukan",
        sharing_institutions="Lembaga yang boleh menerima data",
        consents_to_simfoni="Setuju dicatat dalam Simfoni PPA",
        decision="Keputusan",
        consent_date="Tanggal",
        place="Tempat",
        witness_name="Saksi",
        notes="Catatan",
    )
    column_descriptions = {
        "consents_to_data_sharing": "Tanpa persetujuan ini surat rujukan hanya dapat diterbitkan dengan alasan darurat dari Kepala.",
    }

    def render(self, template, **kwargs):
        # The two consents are different papers: each page says which one it is.
        model = kwargs.get("model")
        purpose = model.purpose if model is not None else (self._purpose() if request.args.get("case_id") else None)
        if purpose is not None:
            kwargs["doc_title"] = enum_label(purpose)
        return super().render(template, **kwargs)

    def _purpose(self) -> ConsentPurpose:
        try:
            return ConsentPurpose(request.args.get("purpose", ConsentPurpose.SERVICE.value))
        except ValueError:
            abort(404)

    def _existing_filter(self, stmt):
        return stmt.where(InformedConsent.purpose == self._purpose())

    def _ensure_editable(self, case):
        code = "plan_consent" if self._purpose_of_request_or_model() == ConsentPurpose.PLAN else "consent"
        case_process().ensure_document_editable(current_user._get_current_object(), case, code)

    def _purpose_of_request_or_model(self):
        if request.args.get("id"):
            model = self.get_one(request.args["id"])
            if model is not None:
                return model.purpose
        return self._purpose()

    def _apply_model_change(self, form, model, is_created):
        if is_created:
            model.purpose = self._purpose()
        super()._apply_model_change(form, model, is_created)

    def missing(self, model):
        day = model.case.incident_date or model.case.reported_date
        age = model.victim.age_on(day) if model.victim else None
        missing = completeness.consent_missing(model, age is not None and age < 18)
        if model.purpose == ConsentPurpose.PLAN and model.decision != ConsentDecision.GIVEN:
            missing.append("persetujuan atas rencana intervensi (keputusan: setuju)")
        return missing


class BiopsychosocialView(FieldDocumentView):
    allowed_roles = CASE_FILE_ROLES  # not needed for Simfoni recording: administration does not see it
    doc_code = "biopsychosocial"
    form_columns = ("assessed_on", "physical", "psychological", "social", "economic", "legal", "summary", "mark_complete")
    form_args = {"assessed_on": {"validators": [not_future("Tanggal asesmen")]}}
    column_labels = dict(
        FieldDocumentView.column_labels,
        assessed_on="Tanggal asesmen",
        physical="Bio: kondisi fisik dan kesehatan",
        psychological="Psiko: kondisi psikologis",
        social="Sosial: keluarga dan lingkungan",
        economic="Ekonomi",
        legal="Kebutuhan hukum",
        summary="Kesimpulan asesmen",
    )

    def missing(self, model):
        return completeness.biopsychosocial_missing(model)


def _plan_table(items) -> Markup:
    """The plan's service rows as the paper form prints them."""
    if not items:
        return Markup("-")
    rows = "".join(
        f"<tr><td>{i}</td><td>{escape(item.service_type or '-')}</td><td>{escape(item.provider or '-')}</td>"
        f"<td>{escape(item.responsible.full_name if item.responsible else '-')}</td>"
        f"<td>{escape(date_text(item.target_date))}</td><td>{escape(enum_label(item.status))}</td>"
        f"<td>{escape(item.notes or '-')}</td></tr>"
        for i, item in enumerate(items, start=1)
    )
    return Markup('<table class="table table-sm mb-0" id="plan-items"><thead><tr><th>No</th><th>Layanan</th>'
                  "<th>Pelaksana</th><th>Penanggung jawab</th><th>Target</th><th>Status</th><th>Catatan</th></tr>"
                  f"</thead><tbody>{rows}</tbody></table>")


class InterventionPlanView(FieldDocumentView):
    allowed_roles = CASE_FILE_ROLES  # not needed for Simfoni recording: administration does not see it
    doc_code = "intervention_plan"
    form_columns = ("goal", "items", "notes", "mark_complete")
    form_rules = [rules.Field("goal"), rules.Field("items"), rules.Field("notes"), rules.Field("mark_complete")]
    column_labels = dict(FieldDocumentView.column_labels, goal="Tujuan intervensi", items="Rencana layanan", notes="Catatan")
    column_formatters_detail = {"items": lambda v, c, m, n: _plan_table(m.items)}
    inline_models = [
        (
            InterventionPlanItem,
            {
                "form_columns": ("id", "service_type", "provider", "responsible", "target_date", "status", "notes"),
                "column_labels": {
                    "service_type": "Layanan",
                    "provider": "Lembaga pemberi layanan",
                    "responsible": "Petugas penanggung jawab",
                    "target_date": "Target tanggal",
                    "status": "Status",
                    "notes": "Catatan",
                },
                "form_overrides": {"status": SelectField},
                "form_args": {
                    "service_type": {"query_factory": active_choices(ServiceType)},
                    "responsible": {"query_factory": officer_choices, "blank_text": "- pilih petugas -"},
                    "status": {
                        "choices": [(s.value, PLAN_ITEM_STATUS_LABELS[s]) for s in PlanItemStatus],
                        "coerce": lambda v: PlanItemStatus(v) if v else PlanItemStatus.PLANNED,
                    },
                },
            },
        )
    ]

    def missing(self, model):
        return completeness.intervention_plan_missing(model)


VIEWS = (
    (OutreachLogView, OutreachLog, "Catatan Penjangkauan", "outreach_log"),
    (ComplaintView, Complaint, "Formulir Pengaduan", "complaint"),
    (CaseIdentificationView, CaseIdentification, "Identifikasi KTP/KTA", "identification"),
    (RiskAssessmentView, RiskAssessment, "Asesmen Risiko", "risk_assessment"),
    (InformedConsentView, InformedConsent, "Persetujuan Layanan", "consent"),
    (BiopsychosocialView, BiopsychosocialAssessment, "Asesmen Biopsikososial", "biopsychosocial"),
    (InterventionPlanView, InterventionPlan, "Rencana Intervensi", "intervention_plan"),
)


def register(admin, database) -> None:
    for view_class, model, name, endpoint in VIEWS:
        admin.add_view(view_class(model, database, name=name, category=CATEGORY, endpoint=endpoint))
