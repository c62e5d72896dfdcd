"""When is a field document complete? The rules step 3 (and step 5) check, in one place.

Each function returns the list of what is missing, in Bahasa Indonesia; an empty list means complete.
"""

from __future__ import annotations

from typing import Iterable

from admin_app.models import (
    Authority,
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    CaseKind,
    Complaint,
    ConsentDecision,
    InformedConsent,
    InterventionPlan,
    OutreachLog,
    RiskAssessment,
    Victim,
)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required(doc, fields: Iterable[tuple[str, str]]) -> list[str]:
    return [label for name, label in fields if _blank(getattr(doc, name))]


def outreach_log_missing(log: OutreachLog) -> list[str]:
    return _required(
        log,
        (
            ("verification_notes", "cara verifikasi data"),
            ("address_traced", "alamat yang ditelusuri"),
            ("departed_at", "waktu berangkat"),
            ("arrived_at", "waktu tiba di lokasi"),
            ("team_present", "petugas yang berangkat"),
            ("safety_actions", "tindakan penyelamatan/pengamanan"),
            ("initial_support", "dukungan psikososial awal"),
        ),
    )


def complaint_missing(complaint: Complaint, case: Case) -> list[str]:
    missing = _required(
        complaint,
        (
            ("complaint_date", "tanggal pengaduan"),
            ("what", "kronologi: apa yang terjadi"),
            ("who", "kronologi: siapa yang terlibat"),
            ("when", "kronologi: kapan"),
            ("where", "kronologi: di mana"),
            ("how", "kronologi: bagaimana"),
        ),
    )
    if not case.victims:
        missing.append("data korban (minimal satu)")
    if not case.reporters:
        missing.append("data pelapor")
    if not case.violence_types:
        missing.append("bentuk kekerasan")
    if case.incident_place_id is None:
        missing.append("tempat kejadian")
    return missing


def identification_missing(ident: CaseIdentification, victim: Victim, incident_day) -> list[str]:
    missing = _required(ident, (("case_kind", "jenis kasus (KTP/KTA)"), ("authority", "kewenangan")))
    if ident.authority is not None and ident.authority != Authority.KOTA and _blank(ident.belongs_to):
        missing.append("instansi yang berwenang (kasus bukan kewenangan UPTD PPA Kota)")
    age = victim.age_on(incident_day) if incident_day else None
    if ident.case_kind == CaseKind.KTA and age is not None and age >= 18:
        missing.append("jenis kasus KTA hanya untuk korban anak (di bawah 18 tahun)")
    if ident.case_kind == CaseKind.KTP and age is not None and age < 18:
        missing.append("korban anak harus dicatat sebagai KTA")
    if victim.has_disability and _blank(ident.disability_needs):
        missing.append("kebutuhan khusus disabilitas")
    return missing


def risk_assessment_missing(assessment: RiskAssessment, active_indicator_ids: set[int]) -> list[str]:
    missing = []
    answered = {a.indicator_id for a in assessment.answers}
    if active_indicator_ids - answered:
        missing.append(f"{len(active_indicator_ids - answered)} indikator risiko belum dijawab")
    if assessment.final_level is None:
        missing.append("tingkat risiko")
    elif (
        assessment.computed_level is not None
        and assessment.final_level.rank < assessment.computed_level.rank
        and _blank(assessment.level_change_reason)
    ):
        missing.append("alasan menurunkan tingkat risiko")
    return missing


def consent_missing(consent: InformedConsent, victim_is_child: bool) -> list[str]:
    missing = _required(
        consent,
        (("consenter_name", "nama yang memberi persetujuan"), ("decision", "keputusan (setuju/menolak)"), ("consent_date", "tanggal")),
    )
    if victim_is_child and not consent.consenter_is_guardian:
        missing.append("persetujuan anak diberikan oleh orang tua/wali")
    if consent.consenter_is_guardian and _blank(consent.consenter_relation):
        missing.append("hubungan wali dengan korban")
    if consent.consents_to_data_sharing and _blank(consent.sharing_institutions):
        missing.append("lembaga yang boleh menerima data")
    if consent.filled_by is not None and same_person(consent.witness_name, consent.filled_by.full_name):
        missing.append("saksi selain petugas yang menjelaskan (petugas tidak dapat menjadi saksinya sendiri)")
    return missing


def same_person(a: str | None, b: str | None) -> bool:
    """Two typed names of one person: the name before any title after a comma, case and spacing ignored."""
    def name(text: str) -> str:
        return " ".join(text.split(",")[0].casefold().split())

    return bool(a and b and name(a) and name(a) == name(b))


def biopsychosocial_missing(assessment: BiopsychosocialAssessment) -> list[str]:
    return _required(
        assessment,
        (
            ("physical", "kondisi fisik/kesehatan"),
            ("psychological", "kondisi psikologis"),
            ("social", "kondisi sosial/keluarga"),
            ("economic", "kondisi ekonomi"),
            ("legal", "kebutuhan hukum"),
            ("summary", "kesimpulan"),
        ),
    )


def intervention_plan_missing(plan: InterventionPlan) -> list[str]:
    if not plan.items:
        return ["baris rencana layanan (minimal satu)"]
    missing = []
    for number, item in enumerate(plan.items, start=1):
        if (item.service_type_id is None and item.service_type is None) or _blank(item.provider):
            missing.append(f"baris {number}: jenis layanan dan lembaga pemberi layanan")
    return missing


def plan_consent_ok(consent: InformedConsent | None) -> bool:
    return consent is not None and consent.decision == ConsentDecision.GIVEN and not _blank(consent.consenter_name)
