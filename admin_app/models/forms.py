"""The field documents of step 3: outreach log, complaint, case identification KTP/KTA, risk assessment,
informed consent, biopsychosocial assessment and intervention plan.

Every document can be saved as a draft; `status = lengkap` is what step 3 checks before it completes.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, TimestampMixin, VersionedMixin, str_enum
from admin_app.models.cases import Case, Victim
from admin_app.models.letters import Authority
from admin_app.models.reference import AmpkCategory, RiskIndicator, ServiceType, VerificationSource
from admin_app.models.users import User


class DocumentStatus(str, enum.Enum):
    DRAFT = "draf"
    COMPLETE = "lengkap"


class RiskLevel(str, enum.Enum):
    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"

    @property
    def rank(self) -> int:
        return {"rendah": 0, "sedang": 1, "tinggi": 2}[self.value]


class CaseKind(str, enum.Enum):
    KTP = "KTP"  # Kekerasan Terhadap Perempuan
    KTA = "KTA"  # Kekerasan Terhadap Anak


class ConsentPurpose(str, enum.Enum):
    SERVICE = "layanan"  # step 3: consent to the service
    PLAN = "rencana_intervensi"  # step 5: consent to the intervention plan


class ConsentDecision(str, enum.Enum):
    GIVEN = "setuju"
    REFUSED = "menolak"


class PlanItemStatus(str, enum.Enum):
    PLANNED = "direncanakan"
    IN_PROGRESS = "berjalan"
    DONE = "selesai"
    CANCELLED = "batal"


class FieldDocumentMixin(VersionedMixin, TimestampMixin):
    status: Mapped[DocumentStatus] = mapped_column(
        str_enum(DocumentStatus, "document_status"), default=DocumentStatus.DRAFT, info=AUDITED
    )
    completed_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)

    @declared_attr
    def case_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)

    @declared_attr
    def case(cls) -> Mapped[Case]:
        return relationship(Case)

    @declared_attr
    def filled_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)

    @declared_attr
    def filled_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=lambda: [cls.filled_by_id])

    @property
    def is_complete(self) -> bool:
        return self.status == DocumentStatus.COMPLETE


outreach_log_verification_sources = Table(
    "outreach_log_verification_sources",
    Base.metadata,
    Column("outreach_log_id", ForeignKey("outreach_logs.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ForeignKey("reference_values.id", ondelete="RESTRICT"), primary_key=True),
)


class OutreachLog(FieldDocumentMixin, Base):
    """Step 3 a-c: verification, tracing, going out, rescue and initial support; the evidence of the 2-day standard."""

    __tablename__ = "outreach_logs"
    __table_args__ = (
        UniqueConstraint("case_id", name="uq_outreach_logs_case_id"),
        CheckConstraint("arrived_at IS NULL OR departed_at IS NULL OR arrived_at >= departed_at", name="arrive_after_depart"),
        CheckConstraint("returned_at IS NULL OR arrived_at IS NULL OR returned_at >= arrived_at", name="return_after_arrive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_notes: Mapped[str | None] = mapped_column(Text)  # how the data was verified, with whom
    address_traced: Mapped[str | None] = mapped_column(Text)
    departed_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)
    arrived_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)
    returned_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)
    team_present: Mapped[str | None] = mapped_column(Text)  # who went
    companions: Mapped[str | None] = mapped_column(Text)  # police PPA unit, health workers...
    rescue_actions: Mapped[str | None] = mapped_column(Text)
    safety_actions: Mapped[str | None] = mapped_column(Text)
    initial_support: Mapped[str | None] = mapped_column(Text)  # initial social support given
    verification_sources: Mapped[list[VerificationSource]] = relationship(
        secondary=outreach_log_verification_sources, info=AUDITED
    )


class Complaint(FieldDocumentMixin, Base):
    """Formulir pengaduan. Reporter, victims, perpetrators, violence types and services needed live on the case."""

    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("case_id", name="uq_complaints_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_date: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)
    # Chronology, 5W1H.
    what: Mapped[str | None] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(Text)
    when: Mapped[str | None] = mapped_column(Text)
    where: Mapped[str | None] = mapped_column(Text)
    why: Mapped[str | None] = mapped_column(Text)
    how: Mapped[str | None] = mapped_column(Text)
    expectations: Mapped[str | None] = mapped_column(Text)  # what the victim or reporter asks for


class CaseIdentification(FieldDocumentMixin, Base):
    """Formulir identifikasi penerima manfaat KTP/KTA, one per victim."""

    __tablename__ = "case_identifications"
    __table_args__ = (UniqueConstraint("victim_id", name="uq_case_identifications_victim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victims.id", ondelete="CASCADE"), info=AUDITED)
    case_kind: Mapped[CaseKind | None] = mapped_column(str_enum(CaseKind, "case_kind"), info=AUDITED)
    is_trafficking: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)  # TPPO
    ampk_category_id: Mapped[int | None] = mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)
    authority: Mapped[Authority | None] = mapped_column(str_enum(Authority, "authority"), info=AUDITED)
    belongs_to: Mapped[str | None] = mapped_column(Text)  # where the case belongs when not the unit's
    disability_needs: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    victim: Mapped[Victim] = relationship()
    ampk_category: Mapped[AmpkCategory | None] = relationship(foreign_keys=[ampk_category_id])


class RiskAssessment(FieldDocumentMixin, Base):
    """Formulir asesmen risiko, one per victim: indicators answered, the computed and the final level."""

    __tablename__ = "risk_assessments"
    __table_args__ = (
        UniqueConstraint("victim_id", name="uq_risk_assessments_victim_id"),
        CheckConstraint("score >= 0", name="score_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victims.id", ondelete="CASCADE"), info=AUDITED)
    score: Mapped[int] = mapped_column(Integer, default=0, info=AUDITED)
    computed_level: Mapped[RiskLevel | None] = mapped_column(str_enum(RiskLevel, "computed_risk_level"), info=AUDITED)
    final_level: Mapped[RiskLevel | None] = mapped_column(str_enum(RiskLevel, "final_risk_level"), index=True, info=AUDITED)
    level_change_reason: Mapped[str | None] = mapped_column(Text)  # required when the final level is lower
    notes: Mapped[str | None] = mapped_column(Text)

    victim: Mapped[Victim] = relationship()
    answers: Mapped[list[RiskAnswer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="RiskAnswer.id"
    )


class RiskAnswer(Base):
    __tablename__ = "risk_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator_id", name="uq_risk_answers_assessment_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("risk_assessments.id", ondelete="CASCADE"), index=True, info=AUDITED)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("risk_indicators.id", ondelete="RESTRICT"), info=AUDITED)
    present: Mapped[bool] = mapped_column(Boolean, default=False, info=AUDITED)
    # Weight at the time of answering: a later change of reference data does not rewrite old assessments.
    weight: Mapped[int] = mapped_column(Integer, default=0, info=AUDITED)
    note: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[RiskAssessment] = relationship(back_populates="answers")
    indicator: Mapped[RiskIndicator] = relationship()


class InformedConsent(FieldDocumentMixin, Base):
    """Formulir persetujuan layanan: to the service (step 3) or to the intervention plan (step 5)."""

    __tablename__ = "informed_consents"
    __table_args__ = (
        UniqueConstraint("case_id", "victim_id", "purpose", name="uq_informed_consents_case_victim_purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    victim_id: Mapped[int | None] = mapped_column(ForeignKey("victims.id", ondelete="CASCADE"), index=True, info=AUDITED)
    purpose: Mapped[ConsentPurpose] = mapped_column(str_enum(ConsentPurpose, "consent_purpose"), info=AUDITED)
    consenter_name: Mapped[str | None] = mapped_column(String(150))
    consenter_is_guardian: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    consenter_relation: Mapped[str | None] = mapped_column(String(100))  # parent/guardian for a child
    consents_to_services: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    consents_to_data_sharing: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    sharing_institutions: Mapped[str | None] = mapped_column(Text)  # named institutions data may go to
    consents_to_simfoni: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    decision: Mapped[ConsentDecision | None] = mapped_column(str_enum(ConsentDecision, "consent_decision"), info=AUDITED)
    consent_date: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)
    place: Mapped[str | None] = mapped_column(String(100))
    witness_name: Mapped[str | None] = mapped_column(String(150))
    notes: Mapped[str | None] = mapped_column(Text)

    victim: Mapped[Victim | None] = relationship()


class BiopsychosocialAssessment(FieldDocumentMixin, Base):
    """Asesmen biopsikososial (part of the case report)."""

    __tablename__ = "biopsychosocial_assessments"
    __table_args__ = (UniqueConstraint("case_id", name="uq_biopsychosocial_assessments_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessed_on: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)
    physical: Mapped[str | None] = mapped_column(Text)  # physical condition and health
    psychological: Mapped[str | None] = mapped_column(Text)
    social: Mapped[str | None] = mapped_column(Text)  # family and social situation
    economic: Mapped[str | None] = mapped_column(Text)
    legal: Mapped[str | None] = mapped_column(Text)  # legal needs
    summary: Mapped[str | None] = mapped_column(Text)


class InterventionPlan(FieldDocumentMixin, Base):
    """Rencana intervensi layanan (part of the case report): rows of services with provider and target date."""

    __tablename__ = "intervention_plans"
    __table_args__ = (UniqueConstraint("case_id", name="uq_intervention_plans_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[InterventionPlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="InterventionPlanItem.id"
    )


class InterventionPlanItem(Base):
    __tablename__ = "intervention_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("intervention_plans.id", ondelete="CASCADE"), index=True, info=AUDITED)
    service_type_id: Mapped[int] = mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)
    provider: Mapped[str] = mapped_column(String(200))  # institution giving the service
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    target_date: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)
    status: Mapped[PlanItemStatus] = mapped_column(str_enum(PlanItemStatus, "plan_item_status"), default=PlanItemStatus.PLANNED, info=AUDITED)
    notes: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[InterventionPlan] = relationship(back_populates="items")
    service_type: Mapped[ServiceType] = relationship(foreign_keys=[service_type_id])
    responsible: Mapped[User | None] = relationship()
