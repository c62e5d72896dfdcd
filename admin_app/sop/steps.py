"""SOP 695/2025 "Layanan Penjangkauan Korban" as data: the one place that says what each step is.

Screens, the process engine, deadlines, the timeline and reports all read this table; nothing repeats it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum


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


@dataclass(frozen=True)
class RequiredInput:
    """A kelengkapan: something that must exist (and be complete) before the step can be completed."""

    code: str
    label: str


@dataclass(frozen=True)
class Step:
    number: int
    role: str  # role code of the actor
    actor: str  # the SOP's name of the actor
    title: str  # short name used on screens
    activity: str  # the SOP's activity text
    required_inputs: tuple[RequiredInput, ...]
    time_standard: TimeStandard
    outputs: tuple[str, ...]


# Required inputs, by code; the process engine knows how to check each one.
CASE_INFORMATION = RequiredInput("informasi_kasus", "Informasi kasus")
ASSIGNMENT_LETTER = RequiredInput("surat_tugas", "Surat Tugas Penjangkauan Korban")
OUTREACH_LOG = RequiredInput("catatan_penjangkauan", "Catatan penjangkauan (verifikasi, penelusuran, penyelamatan)")
COMPLAINT = RequiredInput("formulir_pengaduan", "Formulir pengaduan")
IDENTIFICATION = RequiredInput("formulir_identifikasi", "Formulir identifikasi KTP/KTA")
RISK_ASSESSMENT = RequiredInput("asesmen_risiko", "Formulir asesmen risiko")
INFORMED_CONSENT = RequiredInput("persetujuan_layanan", "Formulir persetujuan layanan (informed consent)")
BIOPSYCHOSOCIAL = RequiredInput("asesmen_biopsikososial", "Laporan hasil asesmen biopsikososial")
INTERVENTION_PLAN = RequiredInput("rencana_intervensi", "Rencana intervensi layanan")
SIMFONI_RECORD = RequiredInput("pencatatan_simfoni", "Laporan kasus dalam aplikasi Simfoni PPA")
PLAN_CONSENT = RequiredInput("persetujuan_rencana", "Persetujuan rencana intervensi (formulir persetujuan layanan)")
FOLLOW_UP_REQUEST = RequiredInput("laporan_permohonan", "Laporan dan permohonan instruksi tindak lanjut")
FOLLOW_UP_INSTRUCTION = RequiredInput("instruksi_tindak_lanjut", "Instruksi tindak lanjut layanan")

STEP3_DOCUMENTS = (COMPLAINT, IDENTIFICATION, RISK_ASSESSMENT, INFORMED_CONSENT, BIOPSYCHOSOCIAL, INTERVENTION_PLAN)

STEPS: tuple[Step, ...] = (
    Step(
        number=1,
        role="petugas",
        actor="Petugas Layanan PPA",
        title="Penerimaan informasi kasus",
        activity=(
            "Menerima informasi kasus kekerasan terhadap perempuan dan anak yang belum dilaporkan ke UPTD PPA atau "
            "membutuhkan penjangkauan, lalu melaporkannya kepada Kepala UPTD PPA untuk meminta instruksi."
        ),
        required_inputs=(CASE_INFORMATION,),
        time_standard=TimeStandard(10, TimeUnit.MINUTES),
        outputs=("Informasi kasus",),
    ),
    Step(
        number=2,
        role="kepala",
        actor="Kepala UPTD PPA",
        title="Instruksi penjangkauan",
        activity="Menerima informasi kasus dan memberikan instruksi untuk melakukan penjangkauan korban.",
        required_inputs=(CASE_INFORMATION, ASSIGNMENT_LETTER),
        time_standard=TimeStandard(20, TimeUnit.MINUTES),
        outputs=("Surat Tugas Penjangkauan Korban",),
    ),
    Step(
        number=3,
        role="petugas",
        actor="Petugas Layanan PPA",
        title="Penjangkauan, identifikasi dan asesmen",
        activity=(
            "a. Verifikasi data melalui DPPPA/pemerintah setempat, penelusuran alamat dan mendatangi lokasi korban; "
            "b. identifikasi kasus berdasarkan jenis kasus, risiko korban dan kewenangan; "
            "c. penyelamatan dan pengamanan korban, dukungan psikososial awal dan penanganan sesuai asesmen awal; "
            "d. asesmen biopsikososial dan rencana intervensi layanan yang komprehensif, diserahkan kepada "
            "petugas administrasi untuk dicatat."
        ),
        required_inputs=(ASSIGNMENT_LETTER, OUTREACH_LOG, *STEP3_DOCUMENTS),
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
        role="administrasi",
        actor="Kasubag TU UPTD PPA / Petugas Administrasi",
        title="Pencatatan di Simfoni PPA",
        activity="Menginput data ke dalam aplikasi Simfoni PPA, lalu menyerahkan kembali kepada petugas layanan.",
        required_inputs=(*STEP3_DOCUMENTS, SIMFONI_RECORD),
        time_standard=TimeStandard(20, TimeUnit.MINUTES),
        outputs=("Laporan kasus dalam aplikasi Simfoni PPA",),
    ),
    Step(
        number=5,
        role="petugas",
        actor="Petugas Layanan PPA",
        title="Laporan dan permohonan instruksi",
        activity="Melaporkan kepada Kepala UPTD PPA dan meminta instruksi tindak lanjut layanan.",
        required_inputs=(INTERVENTION_PLAN, PLAN_CONSENT, FOLLOW_UP_REQUEST),
        time_standard=TimeStandard(10, TimeUnit.MINUTES),
        outputs=("Laporan dan permohonan instruksi tindak lanjut",),
    ),
    Step(
        number=6,
        role="kepala",
        actor="Kepala UPTD PPA",
        title="Instruksi tindak lanjut",
        activity=(
            "Menerima laporan dan memberikan instruksi tindak lanjut layanan: rujukan layanan kedaruratan, "
            "pelimpahan kasus yang bukan kewenangan UPTD PPA, atau layanan lanjutan."
        ),
        required_inputs=(FOLLOW_UP_REQUEST, FOLLOW_UP_INSTRUCTION),
        time_standard=TimeStandard(30, TimeUnit.MINUTES),
        outputs=(
            "Instruksi tindak lanjut layanan",
            "Surat rujukan layanan kedaruratan",
            "Surat pelimpahan kasus",
        ),
    ),
)

STEPS_BY_NUMBER: dict[int, Step] = {step.number: step for step in STEPS}
FIRST_STEP = STEPS[0].number
LAST_STEP = STEPS[-1].number

# Who may send a case back, from which step to which: always with a reason, always logged.
RETURNS: dict[tuple[int, int], str] = {
    (2, 1): "kepala",  # the head returns incomplete case information
    (6, 5): "kepala",  # the head returns an incomplete report
    (4, 3): "administrasi",  # administration returns incomplete field documents
}


def step(number: int) -> Step:
    try:
        return STEPS_BY_NUMBER[number]
    except KeyError:
        raise ValueError(f"Langkah {number} tidak ada dalam SOP") from None


def total_service_time() -> dt.timedelta:
    """The SOP's nominal total: 2 days 1 hour 30 minutes."""
    return sum((s.time_standard.nominal for s in STEPS), dt.timedelta())
