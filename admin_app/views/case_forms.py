"""The forms of the case screens: the step-1 case information, and one form per form name of the step table
(`StepAction.form`). Each transition form turns its fields into the keyword arguments of the engine's handler
(`values()`), so the case view runs every action the same way: `process.perform(code, user, case, **values)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from admin_app.documents.parts import recipient_chronology
from admin_app.extensions import db
from admin_app.models import (
    AUTHORITY_LABELS,
    OUTCOME_LABELS,
    Authority,
    Complaint,
    IncidentPlace,
    IntakeChannel,
    LetterNature,
    OutcomeKind,
    Region,
    RegionLevel,
    Urgency,
    User,
    utcnow,
)
from admin_app.sop.errors import MIN_REASON_LENGTH
from admin_app.sop.letters import OutcomeRequest, in_words, required_for
from admin_app.views.base import case_process, form_translations
from admin_app.views.case_filters import _officer_options

URGENCY_LABELS = {Urgency.BIASA: "Biasa", Urgency.SEGERA: "Segera", Urgency.DARURAT: "Darurat"}
CAPACITY_CHOICES = [("", "Kepala (langsung)"), ("a.n.", "a.n. (atas nama)"), ("Plt.", "Plt."), ("Plh.", "Plh.")]


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
    # No lost updates: the version of the case the form was opened on, and when (views.base.version_matches).
    row_version = HiddenField()
    row_loaded_at = HiddenField()

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
@dataclass(frozen=True)
class Section:
    """A group of a transition form's fields under a heading, shown only while one of the `when` boxes is ticked
    (`data-jangkau-when`, jangkau.js), with the rule it must meet said before the form is sent."""

    heading: str | None
    fields: tuple[str, ...]
    when: tuple[str, ...] = ()
    rule: str = ""


class _Form(FlaskForm):
    """A transition form: `prepare` fills choices and first-visit defaults, `values` gives the handler's kwargs."""

    SECTIONS: tuple[Section, ...] = ()  # none: the fields one after another

    class Meta:
        def get_translations(self, form):
            return form_translations("id")

    def prepare(self, first_visit: bool, today: dt.date, case=None) -> None:
        pass

    def sections(self) -> list[tuple[Section, list]]:
        """The sections with their bound fields, for the template."""
        return [(section, [self[name] for name in section.fields]) for section in self.SECTIONS]

    def values(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name != "csrf_token"}


class NoteForm(_Form):
    note = TextAreaField("Catatan (opsional)", validators=[Optional(), Length(max=2000)])


class ReasonForm(_Form):
    reason = TextAreaField("Alasan pengembalian", validators=[DataRequired(message="Alasan wajib diisi."), Length(min=5, max=2000)])


def signer_capacity_field() -> SelectField:
    """Who signs what the form issues: the head herself, or another official a.n./Plt./Plh. (sop/letters.py)."""
    return SelectField("Penandatangan", choices=CAPACITY_CHOICES, default="")


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
    outreach_until = DateField("Akhir masa tugas (kosongkan: sesuai batas waktu penjangkauan)", validators=[Optional()])
    signer_capacity = signer_capacity_field()
    note = TextAreaField("Catatan (opsional)", validators=[Optional(), Length(max=2000)])

    def prepare(self, first_visit: bool, today: dt.date, case=None) -> None:
        self.officers.choices = [(int(i), n) for i, n in _officer_options()]
        if first_visit:
            self.outreach_date.data = today

    def values(self) -> dict:
        values = super().values()
        values["officers"] = db.session.execute(select(User).where(User.id.in_(self.officers.data))).scalars().all()
        return values


class SimfoniForm(_Form):
    registration_number = StringField("Nomor registrasi Simfoni PPA", validators=[DataRequired(message="Isi nomor registrasi."), Length(max=60)])
    input_date = DateField("Tanggal input ke Simfoni PPA", validators=[DataRequired(message="Isi tanggal input.")])
    notes = TextAreaField("Catatan (opsional)", validators=[Optional(), Length(max=2000)])

    def prepare(self, first_visit: bool, today: dt.date, case=None) -> None:
        if first_visit:
            self.input_date.data = today


class ReportForm(_Form):
    report = TextAreaField("Laporan hasil penjangkauan", validators=[DataRequired(message="Isi laporan."), Length(max=10000)])
    request = TextAreaField(
        "Instruksi yang dimohon", default="Mohon instruksi tindak lanjut layanan sesuai rencana intervensi.",
        validators=[DataRequired(), Length(max=2000)],
    )


class _LetterFields(_Form):
    nature = SelectField("Sifat surat", choices=[(n.value, n.value) for n in LetterNature],
                         default=LetterNature.RAHASIA.value, coerce=LetterNature)
    recipient = StringField("Kepada Yth. (lembaga tujuan)", validators=[Optional(), Length(max=255)])
    recipient_address = TextAreaField("Alamat tujuan", validators=[Optional(), Length(max=1000)])
    current_condition = TextAreaField("Kondisi korban saat ini (wajib untuk rujukan)", validators=[Optional(), Length(max=4000)])
    services_given = TextAreaField("Layanan yang sudah diberikan (wajib untuk rujukan)", validators=[Optional(), Length(max=4000)])
    documents_handed_over = TextAreaField("Dokumen yang diserahkan (satu per baris: jumlah lampiran)",
                                          validators=[Optional(), Length(max=2000)])
    chronology = TextAreaField("Kronologi singkat untuk penerima surat (terisi dari pengaduan; nama korban dan "
                               "terlapor disamarkan dengan inisial)", validators=[Optional(), Length(max=4000)])
    contact_person = StringField("Narahubung", validators=[Optional(), Length(max=150)])
    copies_to = TextAreaField("Tembusan (satu per baris)", validators=[Optional(), Length(max=2000)])


class EmergencyReferralForm(_LetterFields):
    purpose = TextAreaField("Tujuan rujukan", validators=[Optional(), Length(max=2000)])
    consent_override_reason = TextAreaField(
        "Alasan keadaan darurat (bila korban/wali belum menyetujui berbagi data)", validators=[Optional(), Length(max=2000)]
    )
    signer_capacity = signer_capacity_field()

    def prepare(self, first_visit: bool, today: dt.date, case=None) -> None:
        if first_visit and case is not None:
            complaint = db.session.execute(
                select(Complaint).where(Complaint.case_id == case.id).order_by(Complaint.id).limit(1)
            ).scalar_one_or_none()
            self.chronology.data = recipient_chronology(case, complaint)

    def values(self) -> dict:
        values = super().values()
        capacity = values.pop("signer_capacity")
        return {"outcome": OutcomeRequest(OutcomeKind.REFERRAL, **values), "signer_capacity": capacity}


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
    transfer_purpose = TextAreaField("Maksud pelimpahan", validators=[Optional(), Length(max=2000)])
    transfer_basis = TextAreaField("Dasar pelimpahan", validators=[Optional(), Length(max=4000)])

    LETTER_FIELDS = ("nature", "recipient_address", "chronology", "current_condition", "services_given",
                     "documents_handed_over", "contact_person", "copies_to")
    SECTIONS = (
        Section(None, ("instruction", "outcome_case_management", "outcome_referral", "outcome_transfer",
                       "outcome_close", "signer_capacity")),
        # The rules are the letter requirements of sop/letters.py, in words.
        Section("Rujukan", ("recipient", "purpose"), when=("outcome_referral",),
                rule=f"Wajib untuk surat rujukan: {in_words(required_for(OutcomeKind.REFERRAL))}."),
        Section("Pelimpahan", ("authority", "transfer_recipient", "transfer_purpose", "transfer_basis"),
                when=("outcome_transfer",),
                rule=f"Wajib untuk surat pelimpahan: {in_words(required_for(OutcomeKind.TRANSFER))}."),
        # Rujukan and pelimpahan both send the victim's data out: one consent rule for both (sop/letters.py).
        Section("Persetujuan berbagi data", ("consent_override_reason",), when=("outcome_referral", "outcome_transfer")),
        Section("Isi surat rujukan / pelimpahan", LETTER_FIELDS, when=("outcome_referral", "outcome_transfer"),
                rule="Yang diisi tercetak pada surat."),
        Section("Penutupan kasus", ("close_reason",), when=("outcome_close",),
                rule=f"Wajib: alasan penutupan (minimal {MIN_REASON_LENGTH} karakter). Kasus yang ditutup tidak "
                     "dapat sekaligus dirujuk, dilimpahkan atau dilanjutkan ke manajemen kasus."),
    )

    def prepare(self, first_visit: bool, today: dt.date, case=None) -> None:
        super().prepare(first_visit, today, case)
        given = case is not None and not case_process().letters.consent_refused(case)
        consent = Section(
            "Persetujuan berbagi data", self.SECTIONS[3].fields, self.SECTIONS[3].when,
            "Persetujuan berbagi data sudah diberikan oleh korban/wali." if given else
            "Persetujuan berbagi data belum diberikan oleh semua korban/wali: rujukan atau pelimpahan hanya dapat "
            f"diterbitkan dengan alasan keadaan darurat dari Kepala (minimal {MIN_REASON_LENGTH} karakter).",
        )
        self.SECTIONS = (*self.SECTIONS[:3], consent, *self.SECTIONS[4:])

    def values(self) -> dict:
        return {"instruction": self.instruction.data, "outcomes": self.outcomes(),
                "signer_capacity": self.signer_capacity.data}

    def outcomes(self) -> list[OutcomeRequest]:
        letter = {
            "nature": self.nature.data or LetterNature.RAHASIA,
            "recipient_address": self.recipient_address.data,
            "current_condition": self.current_condition.data,
            "services_given": self.services_given.data,
            "chronology": self.chronology.data,
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
                               purpose=self.transfer_purpose.data, transfer_basis=self.transfer_basis.data,
                               consent_override_reason=self.consent_override_reason.data, **letter)
            )
        if self.outcome_close.data:
            chosen.append(OutcomeRequest(OutcomeKind.CLOSE, close_reason=self.close_reason.data))
        return chosen


# One form per form name of the step table (`StepAction.form`, `Return.form`).
FORMS: dict[str, type[_Form]] = {
    "note": NoteForm,
    "reason": ReasonForm,
    "assignment": InstructOutreachForm,
    "simfoni": SimfoniForm,
    "report": ReportForm,
    "instruction": InstructionForm,
    "emergency_referral": EmergencyReferralForm,
}
