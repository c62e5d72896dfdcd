"""Reference data the system administrator keeps: Simfoni value lists, regions, risk indicators, letter types,
holiday overrides and settings.

The Simfoni lists share one table (`reference_values`); each list is a single-table-inheritance subclass, so a
relationship to `ViolenceType` can only ever hold violence types and every list gets its own screen.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, TimestampMixin, VersionedMixin, str_enum


class ReferenceValue(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "reference_values"
    __table_args__ = (
        UniqueConstraint("list_code", "label", name="uq_reference_values_list_label"),
        UniqueConstraint("list_code", "code", name="uq_reference_values_list_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_code: Mapped[str] = mapped_column(String(40), index=True, info=AUDITED)
    code: Mapped[str] = mapped_column(String(40), info=AUDITED)
    label: Mapped[str] = mapped_column(String(150), info=AUDITED)  # the Simfoni label, kept exactly
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0", info=AUDITED)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1", info=AUDITED)
    description: Mapped[str | None] = mapped_column(Text, info=AUDITED)

    __extra_mapper_args__ = {"polymorphic_on": "list_code", "polymorphic_identity": "_"}

    def __str__(self) -> str:
        return self.label


def _reference_list(class_name: str, list_code: str, label: str) -> type[ReferenceValue]:
    cls = type(class_name, (ReferenceValue,), {"__extra_mapper_args__": {"polymorphic_identity": list_code}})
    cls.list_label = label  # type: ignore[attr-defined]
    return cls


ViolenceType = _reference_list("ViolenceType", "violence_type", "Bentuk Kekerasan")
IncidentPlace = _reference_list("IncidentPlace", "incident_place", "Tempat Kejadian")
PerpetratorRelation = _reference_list("PerpetratorRelation", "perpetrator_relation", "Hubungan Pelaku dengan Korban")
ServiceType = _reference_list("ServiceType", "service_type", "Jenis Layanan")
Education = _reference_list("Education", "education", "Pendidikan")
Occupation = _reference_list("Occupation", "occupation", "Pekerjaan")
MaritalStatus = _reference_list("MaritalStatus", "marital_status", "Status Perkawinan")
IntakeChannel = _reference_list("IntakeChannel", "intake_channel", "Sumber Informasi / Kanal Pengaduan")
Religion = _reference_list("Religion", "religion", "Agama")
DisabilityKind = _reference_list("DisabilityKind", "disability_kind", "Jenis Disabilitas")
AmpkCategory = _reference_list("AmpkCategory", "ampk_category", "Kategori AMPK (UU 35/2014 Pasal 59 ayat 2)")
VerificationSource = _reference_list("VerificationSource", "verification_source", "Sumber Verifikasi Data")

REFERENCE_LISTS: tuple[type[ReferenceValue], ...] = (
    ViolenceType,
    IncidentPlace,
    PerpetratorRelation,
    ServiceType,
    Education,
    Occupation,
    MaritalStatus,
    IntakeChannel,
    Religion,
    DisabilityKind,
    AmpkCategory,
    VerificationSource,
)


class RegionLevel(str, enum.Enum):
    PROVINSI = "provinsi"
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"


class Region(VersionedMixin, Base):
    """Administrative regions (Kemendagri codes), Kota Tangerang down to kelurahan."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(13), unique=True, info=AUDITED)  # e.g. 36.71.01.1001
    name: Mapped[str] = mapped_column(String(100), info=AUDITED)
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel, "region_level"), index=True, info=AUDITED)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1", info=AUDITED)

    parent: Mapped[Region | None] = relationship(remote_side=[id], lazy="joined", join_depth=2)

    def __str__(self) -> str:
        if self.level == RegionLevel.KELURAHAN and self.parent is not None:
            return f"{self.name}, Kec. {self.parent.name}"
        return self.name


class RiskIndicator(VersionedMixin, TimestampMixin, Base):
    """One item of the risk-assessment checklist; its weight adds to the score when present."""

    __tablename__ = "risk_indicators"
    __table_args__ = (CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, info=AUDITED)
    label: Mapped[str] = mapped_column(String(255), info=AUDITED)
    weight: Mapped[int] = mapped_column(Integer, info=AUDITED)
    # Present alone, this indicator makes the level "tinggi" whatever the score (e.g. life threatened).
    forces_high: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    description: Mapped[str | None] = mapped_column(Text, info=AUDITED)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0", info=AUDITED)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1", info=AUDITED)

    def __str__(self) -> str:
        return self.label


class LetterType(VersionedMixin, TimestampMixin, Base):
    """An official letter type with its numbering pattern, e.g. `{klasifikasi}/{urut:03d}/UPTD-PPA/{bulan_romawi}/{tahun}`."""

    __tablename__ = "letter_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, info=AUDITED)  # surat_tugas, surat_rujukan, surat_pelimpahan
    name: Mapped[str] = mapped_column(String(150), info=AUDITED)
    classification: Mapped[str] = mapped_column(String(40), info=AUDITED)  # archive classification code (Permendagri 83/2022)
    number_pattern: Mapped[str] = mapped_column(String(150), info=AUDITED)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1", info=AUDITED)

    def __str__(self) -> str:
        return self.name


class LetterCounter(Base):
    """Last serial given per letter type and year: the row that makes numbers gap-free under concurrency."""

    __tablename__ = "letter_counters"
    __table_args__ = (
        UniqueConstraint("letter_type_id", "year", name="uq_letter_counters_type_year"),
        CheckConstraint("last_serial >= 0", name="last_serial_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_type_id: Mapped[int] = mapped_column(ForeignKey("letter_types.id", ondelete="RESTRICT"), info=AUDITED)
    year: Mapped[int] = mapped_column(Integer, info=AUDITED)
    last_serial: Mapped[int] = mapped_column(Integer, default=0, server_default="0", info=AUDITED)

    letter_type: Mapped[LetterType] = relationship()


class HolidayOverride(VersionedMixin, TimestampMixin, Base):
    """A date the administrator adds to or removes from the package's national holidays and cuti bersama."""

    __tablename__ = "holiday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True, info=AUDITED)
    is_holiday: Mapped[bool] = mapped_column(Boolean, default=True, info=AUDITED)  # False: a working day after all
    description: Mapped[str] = mapped_column(String(200), info=AUDITED)

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.description}"


class Setting(VersionedMixin, TimestampMixin, Base):
    """A named setting the administrator can change without a programmer (policies, letterhead lines...)."""

    __tablename__ = "settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True, info=AUDITED)
    value: Mapped[str] = mapped_column(Text, info=AUDITED)
    description: Mapped[str | None] = mapped_column(Text, info=AUDITED)

    def __str__(self) -> str:
        return self.key
