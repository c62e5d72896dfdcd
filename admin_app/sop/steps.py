"""SOP 695/2025 "Layanan Penjangkauan Korban" as data: the one place that says what each step is.

Each `Step` declares its owner role, who of that role may act (`actor`), the required inputs (kelengkapan, by
code: `sop.requirements` has one checker per code), the action that completes it (name, the form the screens
show, the engine handler by code), the returns it allows, the side actions offered during it, what may be edited
while the case is in it, its time standard and its outputs. The engine (`sop.process`), the screens, Tugas Saya,
deadlines and reports read this table; nothing else repeats a step number, a role, a title or a standard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from admin_app.models.users import ROLE_LABELS, RoleCode


class TimeUnit(str, Enum):
    MINUTES = "menit"  # wall clock: outreach is an emergency service
    WORKING_DAYS = "hari_kerja"  # Indonesian working days


@dataclass(frozen=True)
class TimeStandard:
    amount: int
    unit: TimeUnit

    @property
    def label(self) -> str:
        return f"{self.amount} {'menit' if self.unit is TimeUnit.MINUTES else 'hari kerja'}"

    @property
    def nominal(self) -> dt.timedelta:
        """The standard as a plain duration (for the SOP's total service time)."""
        if self.unit is TimeUnit.MINUTES:
            return dt.timedelta(minutes=self.amount)
        return dt.timedelta(days=self.amount)


class Actor(str, Enum):
    """Which users of the step's role may act on a given case."""

    REGISTRANT = "pencatat"  # the officer who recorded the case information (or the team, after a return)
    TEAM = "tim"  # officers named in the case's issued Surat Tugas
    ANYONE_WHO_SEES = "berwenang"  # any user of the role who may see the case


@dataclass(frozen=True)
class RequiredInput:
    """A kelengkapan: something that must exist (and be complete) before a step can be completed."""

    code: str
    label: str  # as staff read it in "Yang belum ada: ..."
    per_victim: bool = False  # one record per victim (identification, risk, consents)


@dataclass(frozen=True)
class StepAction:
    """A button on the case page. `code` names the engine handler (`sop.process`) and the URL; `form` names the
    form the screens show for it (the views hold one form per name)."""

    code: str
    label: str  # the button
    form: str
    title: str  # the heading of its form
    done: str  # the message after it succeeded; may name {langkah} and the letter {nomor}
    role: RoleCode | None = None  # None: the step's owner role
    style: str = "primary"
    issues: tuple[str, ...] = ()  # letter type codes (Letter polymorphic identities) this action may issue
    numbers: str | None = None  # the letter type whose number the record this action files gets (a memo)


@dataclass(frozen=True)
class Return:
    """Sending a case back from this step to an earlier one: always with a reason, always logged."""

    to_step: int
    role: RoleCode

    @property
    def code(self) -> str:
        return f"return_{self.to_step}"

    form = "reason"
    style = "outline-danger"

    @property
    def label(self) -> str:
        return f"Kembalikan ke langkah {self.to_step}"

    title = label

    @property
    def done(self) -> str:
        return f"Kasus dikembalikan ke langkah {self.to_step}."


# --- the required inputs and outputs, by code -----------------------------------------------------------------
# Field documents use their screen codes (views/field_documents.py registers one screen per code).
CASE_INFORMATION = RequiredInput("case_information", "Informasi kasus")
ASSIGNMENT_LETTER = RequiredInput("assignment_letter", "Surat Tugas Penjangkauan Korban")
OUTREACH_LOG = RequiredInput("outreach_log", "Catatan penjangkauan")
COMPLAINT = RequiredInput("complaint", "Formulir pengaduan")
IDENTIFICATION = RequiredInput("identification", "Formulir identifikasi KTP/KTA", per_victim=True)
RISK_ASSESSMENT = RequiredInput("risk_assessment", "Asesmen risiko", per_victim=True)
SERVICE_CONSENT = RequiredInput("consent", "Persetujuan layanan", per_victim=True)
BIOPSYCHOSOCIAL = RequiredInput("biopsychosocial", "Asesmen biopsikososial")
INTERVENTION_PLAN = RequiredInput("intervention_plan", "Rencana intervensi")
PLAN_CONSENT = RequiredInput("plan_consent", "Persetujuan rencana intervensi", per_victim=True)
FOLLOW_UP_REQUEST = RequiredInput("follow_up_request", "Laporan dan permohonan instruksi tindak lanjut")

# The field documents in the order of the case file (the case page lists them so).
FIELD_DOCUMENTS: tuple[RequiredInput, ...] = (
    OUTREACH_LOG, COMPLAINT, IDENTIFICATION, RISK_ASSESSMENT, SERVICE_CONSENT, BIOPSYCHOSOCIAL, INTERVENTION_PLAN,
    PLAN_CONSENT,
)
# The SOP's "six documents" of step 3, handed to administration for Simfoni.
STEP3_DOCUMENTS = (COMPLAINT, IDENTIFICATION, RISK_ASSESSMENT, SERVICE_CONSENT, BIOPSYCHOSOCIAL, INTERVENTION_PLAN)
INPUTS: dict[str, RequiredInput] = {
    i.code: i for i in (CASE_INFORMATION, ASSIGNMENT_LETTER, *FIELD_DOCUMENTS, FOLLOW_UP_REQUEST)
}

# What may be changed during a step besides its action's own form.
EDIT_CASE_INFORMATION = "case_information"
EDIT_PEOPLE = "people"  # victims, reporters, perpetrators

EMERGENCY_REFERRAL = StepAction(
    "emergency_referral", "Terbitkan rujukan darurat", form="emergency_referral",
    title="Rujukan layanan kedaruratan (darurat)", done="Surat rujukan darurat nomor {nomor} diterbitkan.",
    role=RoleCode.KEPALA, style="outline-danger", issues=("surat_rujukan",),
)


@dataclass(frozen=True)
class Step:
    number: int
    role: RoleCode  # the SOP's actor
    title: str  # short name used on screens
    activity: str  # the SOP's activity text
    action: StepAction  # completes the step
    time_standard: TimeStandard
    outputs: tuple[str, ...]
    required_inputs: tuple[RequiredInput, ...] = ()
    actor: Actor = Actor.ANYONE_WHO_SEES
    returns: tuple[Return, ...] = ()
    side_actions: tuple[StepAction, ...] = ()  # offered during the step, not completing it
    editable: tuple[str, ...] = ()  # EDIT_* and field document codes changeable while the case is here
    # Victim identifiers (column names) the step's owner may have shown in full, one person at a time and
    # audited, because the step's work needs them typed elsewhere (Simfoni PPA). Everywhere else they stay masked.
    reveals: tuple[str, ...] = ()

    @property
    def actor_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def actions(self) -> tuple[StepAction, ...]:
        return (self.action, *self.side_actions)


STEPS: tuple[Step, ...] = (
    Step(
        number=1,
        role=RoleCode.PETUGAS,
        actor=Actor.REGISTRANT,
        title="Penerimaan informasi kasus",
        activity=(
            "Menerima informasi kasus kekerasan terhadap perempuan dan anak yang belum dilaporkan ke UPTD PPA atau "
            "membutuhkan penjangkauan, lalu melaporkannya kepada Kepala UPTD PPA untuk meminta instruksi."
        ),
        required_inputs=(CASE_INFORMATION,),
        action=StepAction(
            "submit_information", "Laporkan ke Kepala (minta instruksi)", form="note",
            title="Laporkan informasi kasus ke Kepala UPTD PPA",
            done="Informasi kasus telah dilaporkan kepada Kepala UPTD PPA.",
        ),
        editable=(EDIT_CASE_INFORMATION, EDIT_PEOPLE),
        time_standard=TimeStandard(10, TimeUnit.MINUTES),
        outputs=("Informasi kasus",),
    ),
    Step(
        number=2,
        role=RoleCode.KEPALA,
        title="Instruksi penjangkauan",
        activity="Menerima informasi kasus dan memberikan instruksi untuk melakukan penjangkauan korban.",
        required_inputs=(CASE_INFORMATION,),
        action=StepAction(
            "instruct_outreach", "Beri instruksi penjangkauan (Surat Tugas)", form="assignment",
            title="Instruksi penjangkauan: terbitkan Surat Tugas",
            done="Surat Tugas nomor {nomor} diterbitkan; kasus diteruskan ke petugas.", issues=("surat_tugas",),
        ),
        returns=(Return(1, RoleCode.KEPALA),),  # incomplete case information
        time_standard=TimeStandard(20, TimeUnit.MINUTES),
        outputs=("Surat Tugas Penjangkauan Korban",),
    ),
    Step(
        number=3,
        role=RoleCode.PETUGAS,
        actor=Actor.TEAM,
        title="Penjangkauan, identifikasi dan asesmen",
        activity=(
            "a. Verifikasi data melalui DPPPA/pemerintah setempat, penelusuran alamat dan mendatangi lokasi korban; "
            "b. identifikasi kasus berdasarkan jenis kasus, risiko korban dan kewenangan; "
            "c. penyelamatan dan pengamanan korban, dukungan psikososial awal dan penanganan sesuai asesmen awal; "
            "d. asesmen biopsikososial dan rencana intervensi layanan yang komprehensif, diserahkan kepada "
            "petugas administrasi untuk dicatat."
        ),
        required_inputs=(ASSIGNMENT_LETTER, OUTREACH_LOG, *STEP3_DOCUMENTS),
        action=StepAction(
            "complete_field_work", "Selesaikan penjangkauan dan serahkan ke administrasi", form="note",
            title="Selesaikan penjangkauan dan serahkan ke administrasi",
            done="Langkah {langkah} selesai; berkas diserahkan ke administrasi untuk dicatat di Simfoni PPA.",
        ),
        side_actions=(EMERGENCY_REFERRAL,),
        editable=(EDIT_PEOPLE, *(d.code for d in FIELD_DOCUMENTS)),
        time_standard=TimeStandard(2, TimeUnit.WORKING_DAYS),
        outputs=(
            "Formulir pengaduan",
            "Formulir identifikasi kasus (KTP/KTA)",
            "Formulir asesmen risiko",
            "Informed consent",
            "Laporan hasil asesmen biopsikososial",
            "Rencana intervensi",
        ),
    ),
    Step(
        number=4,
        role=RoleCode.ADMINISTRASI,
        title="Pencatatan di Simfoni PPA",
        activity="Menginput data ke dalam aplikasi Simfoni PPA, lalu menyerahkan kembali kepada petugas layanan.",
        required_inputs=STEP3_DOCUMENTS,
        action=StepAction(
            "record_simfoni", "Catat di Simfoni PPA dan serahkan kembali", form="simfoni",
            title="Pencatatan di Simfoni PPA",
            done="Pencatatan Simfoni PPA tersimpan; kasus diserahkan kembali kepada petugas.",
        ),
        returns=(Return(3, RoleCode.ADMINISTRASI),),  # incomplete field documents
        side_actions=(EMERGENCY_REFERRAL,),
        reveals=("nik", "family_card_number"),
        time_standard=TimeStandard(20, TimeUnit.MINUTES),
        outputs=("Laporan kasus dalam aplikasi Simfoni PPA",),
    ),
    Step(
        number=5,
        role=RoleCode.PETUGAS,
        actor=Actor.TEAM,
        title="Laporan dan permohonan instruksi",
        activity="Melaporkan kepada Kepala UPTD PPA dan meminta instruksi tindak lanjut layanan.",
        required_inputs=(INTERVENTION_PLAN, PLAN_CONSENT),
        action=StepAction(
            "submit_report", "Laporkan dan minta instruksi tindak lanjut", form="report",
            title="Laporan dan permohonan instruksi tindak lanjut",
            done="Laporan dan permohonan instruksi nomor {nomor} telah diajukan kepada Kepala UPTD PPA.",
            numbers="laporan_permohonan_instruksi",
        ),
        side_actions=(EMERGENCY_REFERRAL,),
        editable=(INTERVENTION_PLAN.code, PLAN_CONSENT.code),
        time_standard=TimeStandard(10, TimeUnit.MINUTES),
        outputs=("Laporan dan permohonan instruksi tindak lanjut",),
    ),
    Step(
        number=6,
        role=RoleCode.KEPALA,
        title="Instruksi tindak lanjut",
        activity=(
            "Menerima laporan dan memberikan instruksi tindak lanjut layanan: rujukan layanan kedaruratan, "
            "pelimpahan kasus yang bukan kewenangan UPTD PPA, atau layanan lanjutan."
        ),
        required_inputs=(FOLLOW_UP_REQUEST,),
        action=StepAction(
            "give_instruction", "Beri instruksi tindak lanjut", form="instruction",
            title="Instruksi tindak lanjut layanan",
            done="Instruksi tindak lanjut nomor {nomor} diberikan; kasus selesai menurut SOP.",
            issues=("surat_rujukan", "surat_pelimpahan"), numbers="instruksi_tindak_lanjut",
        ),
        returns=(Return(5, RoleCode.KEPALA),),  # incomplete report
        time_standard=TimeStandard(30, TimeUnit.MINUTES),
        outputs=(
            "Instruksi tindak lanjut layanan",
            "Surat rujukan layanan kedaruratan",
            "Surat pelimpahan kasus",
        ),
    ),
)

STEPS_BY_NUMBER: dict[int, Step] = {s.number: s for s in STEPS}
FIRST_STEP = STEPS[0].number
LAST_STEP = STEPS[-1].number
# Every action a case page can offer, by code (completing actions, side actions and returns).
ACTIONS: dict[str, StepAction | Return] = {
    **{a.code: a for s in STEPS for a in s.actions},
    **{r.code: r for s in STEPS for r in s.returns},
}


def step(number: int) -> Step:
    try:
        return STEPS_BY_NUMBER[number]
    except KeyError:
        raise ValueError(f"Langkah {number} tidak ada dalam SOP") from None


def steps_of(role: RoleCode) -> list[Step]:
    return [s for s in STEPS if s.role is role]


def editable_in(code: str) -> list[Step]:
    """The steps during which `code` (a field document or an EDIT_* area) may be changed."""
    return [s for s in STEPS if code in s.editable]


def step_editing(code: str) -> Step:
    """The first step in which `code` may be changed (a field document: the outreach step)."""
    return editable_in(code)[0]


def step_completing(action: StepAction) -> Step:
    return next(s for s in STEPS if s.action == action)


def step_issuing(letter_type_code: str) -> Step:
    """The step whose completing action issues letters of this type (e.g. the Surat Tugas: step 2)."""
    return next(s for s in STEPS if letter_type_code in s.action.issues)


def total_service_time() -> dt.timedelta:
    """The SOP's nominal total: 2 days 1 hour 30 minutes."""
    return sum((s.time_standard.nominal for s in STEPS), dt.timedelta())
