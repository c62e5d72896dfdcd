"""The case and its people, the per-step clock, and the records of steps 4 to 6 (Simfoni, report, instruction)."""

from __future__ import annotations

import datetime as dt
import enum
import re

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, TimestampMixin, VersionedMixin, str_enum
from admin_app.models.encryption import EncryptedString, nik_index
from admin_app.models.reference import (
    DisabilityKind,
    Education,
    IncidentPlace,
    IntakeChannel,
    MaritalStatus,
    Occupation,
    PerpetratorRelation,
    Region,
    Religion,
    ServiceType,
    ViolenceType,
)
from admin_app.models.users import User

FIRST_STEP = 1
LAST_STEP = 6


class CaseStatus(str, enum.Enum):
    OPEN = "terbuka"  # moving through the six steps
    FINISHED = "selesai"  # step 6 gave the follow-up instruction; the file stays readable


class Urgency(str, enum.Enum):
    BIASA = "biasa"
    SEGERA = "segera"
    DARURAT = "darurat"


class Sex(str, enum.Enum):
    LAKI_LAKI = "L"
    PEREMPUAN = "P"


class Nationality(str, enum.Enum):
    WNI = "WNI"
    WNA = "WNA"


class TransitionAction(str, enum.Enum):
    SUBMIT = "ajukan"  # complete the current step and hand over to the next
    RETURN = "kembalikan"  # send the case back to an earlier step, with a reason
    FINISH = "selesaikan"  # step 6 complete: the case leaves this SOP


case_violence_types = Table(
    "case_violence_types",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("violence_type_id", ForeignKey("reference_values.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

case_services_needed = Table(
    "case_services_needed",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("service_type_id", ForeignKey("reference_values.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


# A case's number: the prefix, the year it was received and its id (`CaseProcess.register_case`). Searches and the
# audit trail recognise a whole number by this pattern.
CASE_NUMBER_PREFIX = "PJK"
CASE_NUMBER_RE = re.compile(rf"^{CASE_NUMBER_PREFIX}-\d{{4}}-\d+$", re.IGNORECASE)


class Case(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"current_step BETWEEN {FIRST_STEP} AND {LAST_STEP}", name="current_step_range"),
        Index("ix_cases_status_step", "status", "current_step"),
        # The step filter in the list's order: that step's cases newest first, read from the index.
        Index("ix_cases_step_received", "current_step", "received_at"),
        # The open cases in date order (Tugas Saya, the emergency banner, the dashboard): a few hundred rows read
        # from one index range, not every case newest first.
        Index("ix_cases_status_received", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(30), unique=True, info=AUDITED)  # e.g. PJK-2026-0001
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus, "case_status"), default=CaseStatus.OPEN, info=AUDITED)
    current_step: Mapped[int] = mapped_column(Integer, default=FIRST_STEP, info=AUDITED)

    # Step 1: the case information as received.
    intake_channel_id: Mapped[int | None] = mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)
    # when the information reached the unit (step 1 clock starts here); the case list's default sort
    received_at: Mapped[dt.datetime] = mapped_column(index=True)
    # date reported, kept apart from the incident date; the reports' period (indexed for them)
    reported_date: Mapped[dt.date] = mapped_column(Date, index=True, info=AUDITED)
    incident_date: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)
    incident_place_id: Mapped[int | None] = mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)
    incident_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    incident_address: Mapped[str | None] = mapped_column(Text)  # street, RT/RW; or a place outside the city
    summary: Mapped[str] = mapped_column(Text)  # what happened, as told
    victim_hint: Mapped[str | None] = mapped_column(Text)  # who the victim may be, before identification
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency, "urgency"), default=Urgency.BIASA, info=AUDITED)
    is_domestic_violence: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)  # KDRT
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    finished_at: Mapped[dt.datetime | None] = mapped_column(index=True, info=AUDITED)  # the compliance report's service time

    intake_channel: Mapped[IntakeChannel | None] = relationship(foreign_keys=[intake_channel_id])
    incident_place: Mapped[IncidentPlace | None] = relationship(foreign_keys=[incident_place_id])
    incident_region: Mapped[Region | None] = relationship()
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    violence_types: Mapped[list[ViolenceType]] = relationship(secondary=case_violence_types, info=AUDITED)
    services_needed: Mapped[list[ServiceType]] = relationship(secondary=case_services_needed, info=AUDITED)

    victims: Mapped[list[Victim]] = relationship(back_populates="case", cascade="all, delete-orphan", order_by="Victim.id")
    reporters: Mapped[list[Reporter]] = relationship(back_populates="case", cascade="all, delete-orphan", order_by="Reporter.id")
    perpetrators: Mapped[list[Perpetrator]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Perpetrator.id"
    )
    steps: Mapped[list[CaseStep]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="(CaseStep.step_no, CaseStep.attempt)"
    )
    transitions: Mapped[list[CaseTransition]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseTransition.id"
    )

    def __str__(self) -> str:
        return self.case_number


class CaseStep(Base):
    """One run of one SOP step for a case: when its clock started, when it was due, when it completed.

    A step sent back gets a new attempt; earlier attempts stay, so a late completion stays visible forever.
    `due_at` is fixed when the clock starts, with the calendar and policy in force then.
    """

    __tablename__ = "case_steps"
    __table_args__ = (
        UniqueConstraint("case_id", "step_no", "attempt", name="uq_case_steps_case_step_attempt"),
        CheckConstraint(f"step_no BETWEEN {FIRST_STEP} AND {LAST_STEP}", name="step_no_range"),
        CheckConstraint("completed_at IS NULL OR completed_at >= started_at", name="completed_after_start"),
        Index("ix_case_steps_open_due", "completed_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    step_no: Mapped[int] = mapped_column(Integer, info=AUDITED)
    attempt: Mapped[int] = mapped_column(Integer, default=1, info=AUDITED)
    started_at: Mapped[dt.datetime] = mapped_column(index=True, info=AUDITED)  # the compliance report's period
    due_at: Mapped[dt.datetime] = mapped_column(info=AUDITED)
    completed_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    returned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)  # ended by a send-back

    case: Mapped[Case] = relationship(back_populates="steps")
    completed_by: Mapped[User | None] = relationship()


class CaseTransition(Base):
    """The log of every change of step: who, when, what, and the note or reason."""

    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    action: Mapped[TransitionAction] = mapped_column(str_enum(TransitionAction, "transition_action"), info=AUDITED)
    from_step: Mapped[int] = mapped_column(Integer, info=AUDITED)
    to_step: Mapped[int | None] = mapped_column(Integer, info=AUDITED)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    acted_at: Mapped[dt.datetime] = mapped_column(info=AUDITED)
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="transitions")
    actor: Mapped[User] = relationship()


class PersonMixin:
    """What the unit records of a person; identity fields are optional because victims often have no papers."""

    full_name: Mapped[str] = mapped_column(String(150))
    alias: Mapped[str | None] = mapped_column(String(100))
    sex: Mapped[Sex | None] = mapped_column(str_enum(Sex, "sex"), info=AUDITED)
    birth_place: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    age_estimate: Mapped[int | None] = mapped_column(Integer)  # years, when the birth date is unknown
    # Identifiers are encrypted at rest (models/encryption.py); `nik_hash` allows exact search without decrypting.
    nik: Mapped[str | None] = mapped_column(EncryptedString("nik"))
    nik_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    family_card_number: Mapped[str | None] = mapped_column(EncryptedString("family_card_number"))  # No. KK
    phone: Mapped[str | None] = mapped_column(EncryptedString("phone"))  # E.164
    nationality: Mapped[Nationality] = mapped_column(str_enum(Nationality, "nationality"), default=Nationality.WNI, info=AUDITED)
    address: Mapped[str | None] = mapped_column(Text)  # street and house number
    rt: Mapped[str | None] = mapped_column(String(3))
    rw: Mapped[str | None] = mapped_column(String(3))
    address_outside_city: Mapped[str | None] = mapped_column(Text)  # kelurahan, kecamatan, city when not in Kota Tangerang

    @declared_attr
    def region_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def region(cls) -> Mapped[Region | None]:
        return relationship(Region)

    @declared_attr
    def religion_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)

    @declared_attr
    def religion(cls) -> Mapped[Religion | None]:
        return relationship(Religion, foreign_keys=lambda: [cls.religion_id])

    @declared_attr
    def education_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)

    @declared_attr
    def education(cls) -> Mapped[Education | None]:
        return relationship(Education, foreign_keys=lambda: [cls.education_id])

    @declared_attr
    def occupation_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)

    @declared_attr
    def occupation(cls) -> Mapped[Occupation | None]:
        return relationship(Occupation, foreign_keys=lambda: [cls.occupation_id])

    @declared_attr
    def marital_status_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)

    @declared_attr
    def marital_status(cls) -> Mapped[MaritalStatus | None]:
        return relationship(MaritalStatus, foreign_keys=lambda: [cls.marital_status_id])

    @property
    def initials(self) -> str:
        """Letters that leave the office name a person by initials only."""
        # Words of letters only (an apostrophe inside a word keeps it one word: Nur'aini); "&", digits and
        # other symbols are never taken as an initial.
        parts = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", self.full_name or "")
        return ".".join(p[0].upper() for p in parts) + ("." if parts else "")

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return self.age_estimate
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def __str__(self) -> str:
        return self.full_name


class Victim(PersonMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "victims"
    # Name search by part of a name (admin_app/search.py): a pg_trgm GIN index on PostgreSQL; SQLite searches its
    # FTS5 trigram table instead (migration 0014) and keeps this as a plain index.
    __table_args__ = (Index("ix_victims_full_name_trgm", "full_name", postgresql_using="gin",
                            postgresql_ops={"full_name": "gin_trgm_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    has_disability: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    disability_kind_id: Mapped[int | None] = mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)
    disability_notes: Mapped[str | None] = mapped_column(Text)  # how outreach must adapt
    is_pregnant: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    case: Mapped[Case] = relationship(back_populates="victims")
    disability_kind: Mapped[DisabilityKind | None] = relationship(foreign_keys=[disability_kind_id])


class Reporter(PersonMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "reporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    relation_to_victim: Mapped[str | None] = mapped_column(String(100))
    institution: Mapped[str | None] = mapped_column(String(150))  # when reported by an agency
    is_victim: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)  # the victim reported herself

    case: Mapped[Case] = relationship(back_populates="reporters")


class Perpetrator(PersonMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "perpetrators"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    relation_id: Mapped[int | None] = mapped_column(ForeignKey("reference_values.id", ondelete="RESTRICT"), info=AUDITED)
    lives_with_victim: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)

    case: Mapped[Case] = relationship(back_populates="perpetrators")
    relation: Mapped[PerpetratorRelation | None] = relationship(foreign_keys=[relation_id])


# --- Step 4: administration records the case in Simfoni PPA ---
class SimfoniRecord(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "simfoni_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True, info=AUDITED)
    registration_number: Mapped[str] = mapped_column(String(60))
    input_date: Mapped[dt.date] = mapped_column(Date, info=AUDITED)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(backref="simfoni_record")
    recorded_by: Mapped[User] = relationship()


# --- Step 5: the officer reports and asks for a follow-up instruction ---
class FollowUpRequest(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "follow_up_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    number: Mapped[str | None] = mapped_column(String(120), unique=True, info=AUDITED)  # letter type laporan_permohonan_instruksi
    report: Mapped[str] = mapped_column(Text)  # the officer's report of the outreach
    request: Mapped[str] = mapped_column(Text)  # what instruction is asked for
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)

    case: Mapped[Case] = relationship(backref="follow_up_requests")
    submitted_by: Mapped[User] = relationship()


# --- Step 6: the head's follow-up instruction and its outcomes ---
class OutcomeKind(str, enum.Enum):
    CASE_MANAGEMENT = "manajemen_kasus"  # continue in-house
    REFERRAL = "rujukan"  # emergency referral: referral letter
    TRANSFER = "pelimpahan"  # to the authority that owns the case: transfer letter
    CLOSE = "tutup"  # close, with a reason


OUTCOME_LABELS = {
    OutcomeKind.CASE_MANAGEMENT: "Lanjut ke manajemen kasus",
    OutcomeKind.REFERRAL: "Rujukan layanan kedaruratan",
    OutcomeKind.TRANSFER: "Pelimpahan kasus",
    OutcomeKind.CLOSE: "Kasus ditutup",
}


class FollowUpInstruction(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "follow_up_instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True, info=AUDITED)
    number: Mapped[str | None] = mapped_column(String(120), unique=True, info=AUDITED)  # letter type instruksi_tindak_lanjut
    instruction: Mapped[str] = mapped_column(Text)
    signer_capacity: Mapped[str | None] = mapped_column(String(20), info=AUDITED)  # a.n. / Plt. / Plh. when delegated
    given_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    given_at: Mapped[dt.datetime] = mapped_column(info=AUDITED)

    case: Mapped[Case] = relationship(backref="follow_up_instruction")
    given_by: Mapped[User] = relationship()
    outcomes: Mapped[list[InstructionOutcome]] = relationship(
        back_populates="instruction", cascade="all, delete-orphan", order_by="InstructionOutcome.id"
    )


class InstructionOutcome(Base):
    __tablename__ = "instruction_outcomes"
    __table_args__ = (
        UniqueConstraint("instruction_id", "kind", name="uq_instruction_outcomes_instruction_kind"),
        CheckConstraint("kind <> 'tutup' OR close_reason IS NOT NULL", name="close_needs_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("follow_up_instructions.id", ondelete="CASCADE"), index=True, info=AUDITED)
    kind: Mapped[OutcomeKind] = mapped_column(str_enum(OutcomeKind, "outcome_kind"), info=AUDITED)
    close_reason: Mapped[str | None] = mapped_column(Text)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="RESTRICT"), info=AUDITED)

    instruction: Mapped[FollowUpInstruction] = relationship(back_populates="outcomes")
    letter: Mapped["Letter | None"] = relationship()  # noqa: F821 - defined in letters


@event.listens_for(PersonMixin, "before_insert", propagate=True)
@event.listens_for(PersonMixin, "before_update", propagate=True)
def _index_nik(mapper, connection, target) -> None:
    # Kept with the row it describes: the keyed hash always matches the NIK stored beside it.
    target.nik_hash = nik_index(target.nik)
