"""The Simfoni PPA recording sheet: every field administration re-types into Simfoni PPA in its step, in
Simfoni's labels and in the order of its input sections, read from the case file and formatted as people read
them. This one declaration (`SECTIONS`) is what the screen, the print view and the XLSX all show, and what the
"belum diisi" list checks (`SheetField.required`).

Need to know: only what Simfoni asks for. No risk notes, no assessment narrative, no chronology text, no phone
numbers. Identifiers (NIK, No. KK) are read masked; the caller passes the ones it may show in full
(`revealed`, one person at a time, audited by the screen; which ones is `Step.reveals` in the step table).

Plain Python over a SQLAlchemy session (no Flask): `build_sheet(session, case, ...)` gives a `Sheet`;
`sheet_workbook(sheet)` writes it as an XLSX (one worksheet per section, one row per person).
"""

from __future__ import annotations

import datetime as dt
import enum
import io
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from admin_app.documents.formatting import (
    AUTHORITY_NAMES,
    CASE_KIND_LABELS,
    EMPTY,
    MONTHS,
    labels_of,
    sex_label,
    tanggal_indonesia,
    yes_no,
)
from admin_app.models import Case, CaseIdentification, Complaint, InterventionPlan, InterventionPlanItem, RegionLevel
from admin_app.models.cases import Nationality, PersonMixin, Victim
from admin_app.models.encryption import mask
from admin_app.models.forms import PlanItemStatus
from admin_app.reports.recaps import age_group
from admin_app.reports.workbook import sheet_name
from admin_app.sop.steps import CASE_INFORMATION, COMPLAINT, EDIT_PEOPLE, IDENTIFICATION, INTERVENTION_PLAN


class Subject(str, enum.Enum):
    """What one block of a section describes: the case, or one person of a kind (one block each)."""

    CASE = "kasus"
    REPORTER = "pelapor"
    VICTIM = "korban"
    PERPETRATOR = "pelaku"


# Where a field is filled (the codes of the step table): the person's form, the case information, a document.
FILLED_IN = {
    EDIT_PEOPLE: "data orang (korban, pelapor, pelaku)",
    CASE_INFORMATION.code: CASE_INFORMATION.label,
    COMPLAINT.code: COMPLAINT.label,
    IDENTIFICATION.code: IDENTIFICATION.label,
    INTERVENTION_PLAN.code: INTERVENTION_PLAN.label,
}
SUBJECT_NAMES = {Subject.REPORTER: "Pelapor", Subject.VICTIM: "Korban", Subject.PERPETRATOR: "Pelaku"}
PLAN_STATUS = {PlanItemStatus.PLANNED: "direncanakan", PlanItemStatus.IN_PROGRESS: "berjalan",
               PlanItemStatus.DONE: "selesai", PlanItemStatus.CANCELLED: "batal"}
NATIONALITY = {Nationality.WNI: "WNI (Warga Negara Indonesia)", Nationality.WNA: "WNA (Warga Negara Asing)"}
AUTHORITY = {k: f"{k.value.capitalize()} ({v})" for k, v in AUTHORITY_NAMES.items()}


@dataclass
class CaseFacts:
    """What the sheet reads besides the people: the case and the three documents Simfoni takes values from."""

    case: Case
    complaint: Complaint | None
    identifications: dict[int, CaseIdentification]
    plan: InterventionPlan | None

    @property
    def incident_day(self) -> dt.date:
        return self.case.incident_date or self.case.reported_date


Reader = Callable[[CaseFacts, Any], Any]


@dataclass(frozen=True)
class SheetField:
    """One Simfoni input: its label, how its value is read (a text, or None when nobody filled it), whether
    Simfoni needs it (`required`: True, or a test on the subject), and where the officer fills it."""

    key: str
    label: str
    read: Reader
    fill: str
    required: bool | Callable[[CaseFacts, Any], bool] = False
    identifier: str | None = None  # the person's column: shown masked unless revealed
    shown: Callable[[CaseFacts, Any], bool] | None = None  # None: always

    def is_required(self, facts: CaseFacts, subject) -> bool:
        return self.required(facts, subject) if callable(self.required) else self.required


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    subject: Subject
    fields: tuple[SheetField, ...]
    required: bool = False  # at least one person of the kind


# ---------------------------------------------------------------- readers
def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _ref(value) -> str | None:
    return value.label if value is not None else None


def _age(facts: CaseFacts, person: PersonMixin) -> int | None:
    return person.age_on(facts.incident_day)


def _age_text(facts: CaseFacts, person: PersonMixin) -> str | None:
    years = _age(facts, person)
    if years is None:
        return None
    return f"{years} tahun" + (" (perkiraan)" if person.birth_date is None else "")


def _region_at(person_or_case_region, level: RegionLevel) -> str | None:
    region = person_or_case_region
    while region is not None and region.level != level:
        region = region.parent
    return region.name if region is not None else None


def _rt_rw(person: PersonMixin) -> str | None:
    if not person.rt and not person.rw:
        return None
    return f"RT {person.rt or EMPTY} / RW {person.rw or EMPTY}"


def _identification(facts: CaseFacts, victim: Victim) -> CaseIdentification | None:
    return facts.identifications.get(victim.id)


def _in_city(person: PersonMixin) -> bool:
    return not person.address_outside_city


def _address_fields(prefix: str, required: bool) -> tuple[SheetField, ...]:
    return (
        SheetField(f"{prefix}.alamat", "Alamat", lambda f, p: _text(p.address), EDIT_PEOPLE, required=required),
        SheetField(f"{prefix}.rt_rw", "RT / RW", lambda f, p: _rt_rw(p), EDIT_PEOPLE, shown=lambda f, p: _in_city(p)),
        SheetField(f"{prefix}.kelurahan", "Kelurahan/Desa", lambda f, p: _region_at(p.region, RegionLevel.KELURAHAN),
                   EDIT_PEOPLE, required=lambda f, p: required and _in_city(p), shown=lambda f, p: _in_city(p)),
        SheetField(f"{prefix}.kecamatan", "Kecamatan", lambda f, p: _region_at(p.region, RegionLevel.KECAMATAN),
                   EDIT_PEOPLE, shown=lambda f, p: _in_city(p)),
        SheetField(f"{prefix}.kota", "Kabupaten/Kota", lambda f, p: _region_at(p.region, RegionLevel.KOTA),
                   EDIT_PEOPLE, shown=lambda f, p: _in_city(p)),
        SheetField(f"{prefix}.luar_kota", "Alamat di luar Kota Tangerang (kelurahan, kecamatan, kabupaten/kota)",
                   lambda f, p: _text(p.address_outside_city), EDIT_PEOPLE, shown=lambda f, p: not _in_city(p)),
    )


def _social_fields(prefix: str, required: bool) -> tuple[SheetField, ...]:
    return (
        SheetField(f"{prefix}.pendidikan", "Pendidikan", lambda f, p: _ref(p.education), EDIT_PEOPLE, required=required),
        SheetField(f"{prefix}.pekerjaan", "Pekerjaan", lambda f, p: _ref(p.occupation), EDIT_PEOPLE, required=required),
        SheetField(f"{prefix}.status_perkawinan", "Status Perkawinan", lambda f, p: _ref(p.marital_status), EDIT_PEOPLE,
                   required=required),
        SheetField(f"{prefix}.agama", "Agama", lambda f, p: _ref(p.religion), EDIT_PEOPLE, required=required),
        SheetField(f"{prefix}.kewarganegaraan", "Kewarganegaraan", lambda f, p: NATIONALITY.get(p.nationality),
                   EDIT_PEOPLE, required=True),
    )


def _services(facts: CaseFacts, case: Case) -> str | None:
    items = facts.plan.items if facts.plan is not None else []
    lines = [f"{item.service_type.label} ({item.provider}; {PLAN_STATUS.get(item.status, EMPTY)})"
             for item in items if item.service_type is not None and item.status != PlanItemStatus.CANCELLED]
    return "; ".join(lines) or None


def _ampk(facts: CaseFacts, victim: Victim) -> str | None:
    ident = _identification(facts, victim)
    if ident is None:
        return None
    return ident.ampk_category.label if ident.ampk_category is not None else "Tidak"


def _kind(facts: CaseFacts, victim: Victim) -> str | None:
    ident = _identification(facts, victim)
    return CASE_KIND_LABELS.get(ident.case_kind) if ident is not None and ident.case_kind else None


def _authority(facts: CaseFacts, victim: Victim) -> str | None:
    ident = _identification(facts, victim)
    return AUTHORITY.get(ident.authority) if ident is not None and ident.authority else None


def _trafficking(facts: CaseFacts, victim: Victim) -> str | None:
    ident = _identification(facts, victim)
    return yes_no(ident.is_trafficking) if ident is not None else None


def _reported(facts: CaseFacts, case: Case) -> str:
    day = facts.complaint.complaint_date if facts.complaint and facts.complaint.complaint_date else case.reported_date
    return tanggal_indonesia(day)


# ---------------------------------------------------------------- the declaration, in Simfoni's order
SECTIONS: tuple[Section, ...] = (
    Section("pelapor", "Data Pelapor", Subject.REPORTER, required=True, fields=(
        SheetField("pelapor.nama", "Nama Pelapor", lambda f, p: _text(p.full_name), EDIT_PEOPLE, required=True),
        SheetField("pelapor.jenis_kelamin", "Jenis Kelamin", lambda f, p: _text(sex_label(p.sex) if p.sex else None),
                   EDIT_PEOPLE, required=True),
        SheetField("pelapor.hubungan", "Hubungan dengan Korban",
                   lambda f, p: "Korban sendiri" if p.is_victim else _text(p.relation_to_victim), EDIT_PEOPLE,
                   required=True),
        SheetField("pelapor.lembaga", "Lembaga/Instansi Pelapor", lambda f, p: _text(p.institution), EDIT_PEOPLE),
        *_address_fields("pelapor", required=False),
    )),
    Section("korban", "Data Korban", Subject.VICTIM, required=True, fields=(
        SheetField("korban.nik", "NIK", lambda f, p: _text(p.nik), EDIT_PEOPLE, identifier="nik"),
        SheetField("korban.kk", "No. KK", lambda f, p: _text(p.family_card_number), EDIT_PEOPLE,
                   identifier="family_card_number"),
        SheetField("korban.nama", "Nama Korban", lambda f, p: _text(p.full_name), EDIT_PEOPLE, required=True),
        SheetField("korban.jenis_kelamin", "Jenis Kelamin", lambda f, p: _text(sex_label(p.sex) if p.sex else None),
                   EDIT_PEOPLE, required=True),
        SheetField("korban.tempat_lahir", "Tempat Lahir", lambda f, p: _text(p.birth_place), EDIT_PEOPLE),
        SheetField("korban.tanggal_lahir", "Tanggal Lahir",
                   lambda f, p: tanggal_indonesia(p.birth_date) if p.birth_date else None, EDIT_PEOPLE),
        SheetField("korban.usia", "Usia saat Kejadian", _age_text, EDIT_PEOPLE, required=True),
        SheetField("korban.kelompok_usia", "Kelompok Usia", lambda f, p: age_group(_age(f, p)), EDIT_PEOPLE),
        *_social_fields("korban", required=True),
        SheetField("korban.disabilitas", "Penyandang Disabilitas", lambda f, p: yes_no(p.has_disability), EDIT_PEOPLE),
        SheetField("korban.jenis_disabilitas", "Jenis Disabilitas", lambda f, p: _ref(p.disability_kind), EDIT_PEOPLE,
                   required=True, shown=lambda f, p: bool(p.has_disability)),
        SheetField("korban.kategori", "Kategori Kasus (KTP/KTA)", _kind, IDENTIFICATION.code, required=True),
        SheetField("korban.tppo", "Tindak Pidana Perdagangan Orang (TPPO)", _trafficking, IDENTIFICATION.code,
                   required=True),
        SheetField("korban.ampk", "Anak yang Memerlukan Perlindungan Khusus (AMPK)", _ampk, IDENTIFICATION.code,
                   required=True, shown=lambda f, p: (_age(f, p) if _age(f, p) is not None else 0) < 18),
        SheetField("korban.kewenangan", "Kewenangan Penanganan", _authority, IDENTIFICATION.code, required=True),
        *_address_fields("korban", required=True),
    )),
    Section("pelaku", "Data Pelaku", Subject.PERPETRATOR, required=True, fields=(
        SheetField("pelaku.nama", "Nama Pelaku", lambda f, p: _text(p.full_name), EDIT_PEOPLE, required=True),
        SheetField("pelaku.jenis_kelamin", "Jenis Kelamin", lambda f, p: _text(sex_label(p.sex) if p.sex else None),
                   EDIT_PEOPLE, required=True),
        SheetField("pelaku.usia", "Usia saat Kejadian", _age_text, EDIT_PEOPLE),
        SheetField("pelaku.kelompok_usia", "Kelompok Usia", lambda f, p: age_group(_age(f, p)), EDIT_PEOPLE),
        *_social_fields("pelaku", required=False),
        *_address_fields("pelaku", required=False),
    )),
    Section("kasus", "Data Kasus / Kejadian", Subject.CASE, fields=(
        SheetField("kasus.nomor", "Nomor Kasus (Jangkau)", lambda f, c: c.case_number, CASE_INFORMATION.code),
        SheetField("kasus.tanggal_lapor", "Tanggal Pelaporan", _reported, COMPLAINT.code, required=True),
        SheetField("kasus.tanggal_kejadian", "Tanggal Kejadian",
                   lambda f, c: tanggal_indonesia(c.incident_date) if c.incident_date else None,
                   CASE_INFORMATION.code, required=True),
        SheetField("kasus.sumber", "Sumber Pengaduan", lambda f, c: _ref(c.intake_channel), CASE_INFORMATION.code,
                   required=True),
        SheetField("kasus.kdrt", "Kekerasan dalam Rumah Tangga (KDRT)", lambda f, c: yes_no(c.is_domestic_violence),
                   CASE_INFORMATION.code),
        SheetField("kasus.jumlah_korban", "Jumlah Korban", lambda f, c: str(len(c.victims)), EDIT_PEOPLE),
        SheetField("kasus.jumlah_pelaku", "Jumlah Pelaku", lambda f, c: str(len(c.perpetrators)), EDIT_PEOPLE),
    )),
    Section("jenis_kekerasan", "Jenis Kekerasan", Subject.CASE, fields=(
        SheetField("kekerasan.bentuk", "Bentuk Kekerasan", lambda f, c: _text(labels_of(c.violence_types))
                   if c.violence_types else None, COMPLAINT.code, required=True),
    )),
    Section("tempat", "Tempat Kejadian", Subject.CASE, fields=(
        SheetField("tempat.jenis", "Tempat Kejadian", lambda f, c: _ref(c.incident_place), COMPLAINT.code,
                   required=True),
        SheetField("tempat.kelurahan", "Kelurahan/Desa Kejadian",
                   lambda f, c: _region_at(c.incident_region, RegionLevel.KELURAHAN), CASE_INFORMATION.code),
        SheetField("tempat.kecamatan", "Kecamatan Kejadian",
                   lambda f, c: _region_at(c.incident_region, RegionLevel.KECAMATAN), CASE_INFORMATION.code,
                   required=True),
        SheetField("tempat.kota", "Kabupaten/Kota Kejadian",
                   lambda f, c: _region_at(c.incident_region, RegionLevel.KOTA), CASE_INFORMATION.code),
    )),
    Section("hubungan_pelaku", "Hubungan Pelaku dengan Korban", Subject.PERPETRATOR, fields=(
        SheetField("hubungan.nama", "Nama Pelaku", lambda f, p: _text(p.full_name), EDIT_PEOPLE),
        SheetField("hubungan.hubungan", "Hubungan Pelaku dengan Korban", lambda f, p: _ref(p.relation), EDIT_PEOPLE,
                   required=True),
        SheetField("hubungan.serumah", "Tinggal Serumah dengan Korban", lambda f, p: yes_no(p.lives_with_victim),
                   EDIT_PEOPLE),
    )),
    Section("layanan", "Layanan", Subject.CASE, fields=(
        SheetField("layanan.dibutuhkan", "Layanan yang Dibutuhkan", lambda f, c: _text(labels_of(c.services_needed))
                   if c.services_needed else None, COMPLAINT.code, required=True),
        SheetField("layanan.diberikan", "Layanan yang Diberikan/Direncanakan (lembaga; status)", _services,
                   INTERVENTION_PLAN.code, required=True),
    )),
)


# ---------------------------------------------------------------- the sheet as read from one case
@dataclass
class Row:
    field: SheetField
    text: str  # as shown and copied ("-" when empty); an identifier masked unless revealed
    missing: bool
    masked: bool = False
    revealed: bool = False
    masked_text: str = EMPTY  # an identifier as paper and the XLSX show it



@dataclass
class Block:
    title: str
    subject: Subject
    person: Any  # the Victim/Reporter/Perpetrator, or None for the case
    rows: list[Row]


@dataclass
class SheetSection:
    section: Section
    blocks: list[Block]


@dataclass
class Missing:
    """A field Simfoni needs that is empty on this case, and where it is filled."""

    section: str
    block: str
    label: str
    fill: str  # a FILLED_IN code
    subject: Subject
    person_id: int | None  # the person whose form it is on (or the victim of an identification form)

    @property
    def filled_in(self) -> str:
        if self.fill == EDIT_PEOPLE and self.subject in SUBJECT_NAMES:
            return f"data {SUBJECT_NAMES[self.subject].lower()}"
        return FILLED_IN[self.fill]


@dataclass
class Sheet:
    case: Case
    sections: list[SheetSection]
    missing: list[Missing] = field(default_factory=list)

    @property
    def period(self) -> str:
        """The reporting month the case belongs to (its report date)."""
        day = self.case.reported_date
        return f"{MONTHS[day.month - 1]} {day.year}"


def _people(case: Case, subject: Subject) -> list:
    return {Subject.REPORTER: case.reporters, Subject.VICTIM: case.victims,
            Subject.PERPETRATOR: case.perpetrators}.get(subject, [case])


def load_facts(session: Session, case: Case) -> CaseFacts:
    def first(model, *options):
        return session.execute(select(model).where(model.case_id == case.id).options(*options).order_by(model.id)
                               ).scalars().first()

    identifications = session.execute(
        select(CaseIdentification).where(CaseIdentification.case_id == case.id).order_by(CaseIdentification.id)
        .options(selectinload(CaseIdentification.ampk_category))
    ).scalars().all()
    plan = first(InterventionPlan, selectinload(InterventionPlan.items).selectinload(InterventionPlanItem.service_type))
    return CaseFacts(case=case, complaint=first(Complaint), identifications={i.victim_id: i for i in identifications},
                     plan=plan)


def build_sheet(session: Session, case: Case, revealed: dict[int, tuple[str, ...]] | None = None) -> Sheet:
    """The sheet of `case`. `revealed` maps a victim's id to the identifier columns shown in full for it."""
    facts = load_facts(session, case)
    revealed = revealed or {}
    sheet = Sheet(case=case, sections=[])
    for section in SECTIONS:
        blocks = []
        subjects = _people(case, section.subject)
        for number, subject in enumerate(subjects, start=1):
            title = (f"{SUBJECT_NAMES[section.subject]} {number}: {subject.full_name}"
                     if section.subject is not Subject.CASE else section.title)
            rows = []
            for f in section.fields:
                if f.shown is not None and not f.shown(facts, subject):
                    continue
                value = _text(f.read(facts, subject))
                missing = value is None and f.is_required(facts, subject)
                row = Row(field=f, text=value or EMPTY, missing=missing)
                if f.identifier and value is not None:
                    row.masked_text = mask(value)
                    row.revealed = f.identifier in revealed.get(getattr(subject, "id", None), ())
                    row.masked = not row.revealed
                    if row.masked:
                        row.text = row.masked_text
                rows.append(row)
                if missing:
                    sheet.missing.append(Missing(section.title, title, f.label, f.fill, section.subject,
                                                 getattr(subject, "id", None)))
            blocks.append(Block(title=title, subject=section.subject,
                                person=subject if section.subject is not Subject.CASE else None, rows=rows))
        if not subjects and section.required:
            sheet.missing.append(Missing(section.title, section.title, f"{SUBJECT_NAMES[section.subject]} (minimal satu)",
                                         EDIT_PEOPLE, section.subject, None))
        sheet.sections.append(SheetSection(section=section, blocks=blocks))
    return sheet


def has_identifiers(block: Block) -> bool:
    return any(r.field.identifier and r.masked for r in block.rows)


# ---------------------------------------------------------------- XLSX
def worksheet_title(section: Section) -> str:
    """The section's title as a worksheet name (Excel's rules: `reports/workbook.py:sheet_name`)."""
    return sheet_name(section.title, set())


def sheet_workbook(sheet: Sheet, made_on: dt.date) -> bytes:
    """The sheet as an XLSX: one worksheet per section, the case number and period at the top, a header row of
    Simfoni labels, one row per person (one row for the case). Identifiers stay masked."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from admin_app.security.exports import neutralise_formula

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for part in sheet.sections:
        ws = book.create_sheet(worksheet_title(part.section))
        ws.append(["Lembar pencatatan Simfoni PPA", part.section.title])
        ws.append(["Nomor kasus", sheet.case.case_number])
        ws.append(["Periode (bulan laporan)", sheet.period])
        ws.append(["Dibuat", tanggal_indonesia(made_on)])
        ws.append(["Catatan", "NIK dan No. KK disamarkan; tampilkan lengkap di layar bila diperlukan."])
        ws.append([])
        labels = []
        for block in part.blocks:
            for row in block.rows:
                if row.field.label not in labels:
                    labels.append(row.field.label)
        header = ([SUBJECT_NAMES[part.section.subject]] if part.section.subject is not Subject.CASE else []) + labels
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for number, block in enumerate(part.blocks, start=1):
            values = {r.field.label: (r.masked_text if r.revealed else r.text) for r in block.rows}
            lead = [str(number)] if part.section.subject is not Subject.CASE else []
            ws.append([neutralise_formula(v) for v in lead + [values.get(label, EMPTY) for label in labels]])
        if not part.blocks:
            ws.append([f"Belum ada data {SUBJECT_NAMES.get(part.section.subject, '').lower()}".strip()])
        for row_cells in ws.iter_rows(min_row=1, max_row=5):
            row_cells[0].font = bold
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(12, width + 2), 60)
            for c in column:
                c.alignment = Alignment(vertical="top", wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

