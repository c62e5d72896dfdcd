"""Everything a document may print about one case, loaded once (`load_case_file`), or built in memory for samples."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import (
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    Complaint,
    FollowUpInstruction,
    FollowUpRequest,
    InformedConsent,
    InterventionPlan,
    Letter,
    OutreachLog,
    RiskAssessment,
    SimfoniRecord,
)
from admin_app.settings import get_settings

Context = dict[str, object]

# --- Gathering ---------------------------------------------------------------------------------------------------

SETTING_KEYS = ("kop.pemerintah", "kop.dinas", "kop.unit", "kop.alamat", "kop.kode_pos", "kop.telepon", "kop.email",
                "surat.tempat", "surat.jabatan_kepala",
                "surat.dasar_tugas", "waktu.zona", "risiko.ambang_tinggi", "risiko.ambang_sedang")


@dataclass
class CaseFile:
    """Everything a document may print about one case, loaded once (or built in memory for samples)."""

    case: Case
    settings: Mapping[str, str]
    letter: Letter | None = None
    outreach_log: OutreachLog | None = None
    complaint: Complaint | None = None
    identifications: list[CaseIdentification] = field(default_factory=list)
    risk_assessments: list[RiskAssessment] = field(default_factory=list)
    consents: list[InformedConsent] = field(default_factory=list)
    biopsychosocial: BiopsychosocialAssessment | None = None
    plan: InterventionPlan | None = None
    simfoni: SimfoniRecord | None = None
    request: FollowUpRequest | None = None
    instruction: FollowUpInstruction | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings["waktu.zona"])

    @property
    def reference_day(self) -> dt.date:
        """Ages are taken at the incident (a child is under 18 then), else at the report."""
        return self.case.incident_date or self.case.reported_date

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)


def load_case_file(session: Session, case: Case, letter: Letter | None = None) -> CaseFile:
    def one(model):
        return session.execute(select(model).where(model.case_id == case.id).order_by(model.id.desc())).scalars().first()

    def every(model):
        return list(session.execute(select(model).where(model.case_id == case.id).order_by(model.id)).scalars())

    return CaseFile(
        case=case,
        settings=get_settings(session, SETTING_KEYS),
        letter=letter,
        outreach_log=one(OutreachLog),
        complaint=one(Complaint),
        identifications=every(CaseIdentification),
        risk_assessments=every(RiskAssessment),
        consents=every(InformedConsent),
        biopsychosocial=one(BiopsychosocialAssessment),
        plan=one(InterventionPlan),
        simfoni=one(SimfoniRecord),
        request=one(FollowUpRequest),  # the latest report, after any send-back
        instruction=one(FollowUpInstruction),
    )
