"""Official letters: the assignment letter of step 2 with its team, and the referral and transfer letters of step 6.

One `letters` table (single-table inheritance): a letter number is unique across every letter, and the
numbering, cancelling and archiving work the same for every type.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, TimestampMixin, VersionedMixin, str_enum
from admin_app.models.cases import Case
from admin_app.models.reference import LetterType
from admin_app.models.users import User


class LetterStatus(str, enum.Enum):
    ISSUED = "terbit"
    CANCELLED = "dibatalkan"  # keeps its number forever, marked


class LetterNature(str, enum.Enum):
    """Sifat surat, as the head chooses it for each letter."""

    BIASA = "Biasa"
    SEGERA = "Segera"
    RAHASIA = "Rahasia"
    SANGAT_RAHASIA = "Sangat Rahasia"


class Authority(str, enum.Enum):
    """Kewenangan: who owns a case."""

    KOTA = "kota"  # this unit
    PROVINSI = "provinsi"  # UPTD PPA Provinsi Banten
    PUSAT = "pusat"  # KemenPPPA: national, inter-provincial or international (UU 12/2022 art. 74)


AUTHORITY_LABELS = {
    Authority.KOTA: "Kota (UPTD PPA Kota Tangerang)",
    Authority.PROVINSI: "Provinsi (UPTD PPA Provinsi Banten)",
    Authority.PUSAT: "Pusat (Kementerian PPPA)",
}


class Letter(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("letter_type_id", "year", "serial", name="uq_letters_type_year_serial"),
        CheckConstraint("serial > 0", name="serial_positive"),
        CheckConstraint("status <> 'dibatalkan' OR cancel_reason IS NOT NULL", name="cancel_needs_reason"),
        Index("ix_letters_case_kind", "case_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), info=AUDITED)
    letter_type_id: Mapped[int] = mapped_column(ForeignKey("letter_types.id", ondelete="RESTRICT"), info=AUDITED)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), info=AUDITED)
    number: Mapped[str] = mapped_column(String(120), unique=True, info=AUDITED)
    year: Mapped[int] = mapped_column(Integer, info=AUDITED)
    serial: Mapped[int] = mapped_column(Integer, info=AUDITED)
    letter_date: Mapped[dt.date] = mapped_column(Date, info=AUDITED)
    status: Mapped[LetterStatus] = mapped_column(str_enum(LetterStatus, "letter_status"), default=LetterStatus.ISSUED, info=AUDITED)
    issued_at: Mapped[dt.datetime] = mapped_column(info=AUDITED)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    # The signatory as printed, kept as issued even when staff data changes later.
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    signer_name: Mapped[str] = mapped_column(String(150), info=AUDITED)
    signer_nip: Mapped[str | None] = mapped_column(String(18), info=AUDITED)
    signer_rank: Mapped[str | None] = mapped_column(String(80), info=AUDITED)
    signer_position: Mapped[str] = mapped_column(String(150), info=AUDITED)
    signer_capacity: Mapped[str | None] = mapped_column(String(20), info=AUDITED)  # a.n. / Plt. / Plh. when delegated
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    # Referral and transfer letters (Nomor, Sifat, Lampiran, Hal, Yth., tembusan).
    nature: Mapped[LetterNature | None] = mapped_column(str_enum(LetterNature, "letter_nature"), info=AUDITED)
    attachment: Mapped[str | None] = mapped_column(String(100), info=AUDITED)  # Lampiran
    subject: Mapped[str | None] = mapped_column(String(255), info=AUDITED)  # Hal
    recipient: Mapped[str | None] = mapped_column(String(255), info=AUDITED)  # Yth.
    recipient_address: Mapped[str | None] = mapped_column(Text)
    current_condition: Mapped[str | None] = mapped_column(Text)
    services_given: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)  # referral purpose / assignment purpose
    documents_handed_over: Mapped[str | None] = mapped_column(Text)
    chronology: Mapped[str | None] = mapped_column(Text)  # "Kronologi singkat" as written for the recipient
    contact_person: Mapped[str | None] = mapped_column(String(150))
    copies_to: Mapped[str | None] = mapped_column(Text)  # tembusan, one per line
    # A referral that shares data although consent was refused needs the head's emergency override.
    consent_override_reason: Mapped[str | None] = mapped_column(Text)
    # Transfer letters: to which authority and on what basis.
    authority: Mapped[Authority | None] = mapped_column(str_enum(Authority, "authority"), info=AUDITED)
    transfer_basis: Mapped[str | None] = mapped_column(Text)
    # Assignment letters: when and where the outreach happens.
    outreach_date: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)
    outreach_until: Mapped[dt.date | None] = mapped_column(Date, info=AUDITED)  # the assignment's last day

    letter_type: Mapped[LetterType] = relationship()
    case: Mapped[Case] = relationship(backref="letters")
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    signer: Mapped[User] = relationship(foreign_keys=[signer_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])

    __extra_mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "surat"}

    def __str__(self) -> str:
        return self.number


class AssignmentLetter(Letter):
    """Surat Tugas Penjangkauan Korban (step 2): its members are the case's team."""

    __extra_mapper_args__ = {"polymorphic_identity": "surat_tugas"}

    members: Mapped[list[AssignmentMember]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="AssignmentMember.position_in_list"
    )


class ReferralLetter(Letter):
    """Surat Rujukan Layanan Kedaruratan (step 6, or step 3 for a high-risk victim)."""

    __extra_mapper_args__ = {"polymorphic_identity": "surat_rujukan"}


class TransferLetter(Letter):
    """Surat Pelimpahan Kasus (step 6): to the authority that owns the case."""

    __extra_mapper_args__ = {"polymorphic_identity": "surat_pelimpahan"}


class AssignmentMember(Base):
    """One officer on an assignment letter, with the staff data as printed on the letter."""

    __tablename__ = "assignment_members"
    __table_args__ = (UniqueConstraint("letter_id", "user_id", name="uq_assignment_members_letter_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True, info=AUDITED)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    position_in_list: Mapped[int] = mapped_column(Integer, default=1, info=AUDITED)
    name: Mapped[str] = mapped_column(String(150), info=AUDITED)
    nip: Mapped[str | None] = mapped_column(String(18), info=AUDITED)
    rank: Mapped[str | None] = mapped_column(String(80), info=AUDITED)
    position: Mapped[str | None] = mapped_column(String(150), info=AUDITED)

    letter: Mapped[AssignmentLetter] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class CaseOfficer(Base):
    """An officer a case concerns: on its team now (named on an issued, not cancelled, Surat Tugas of the case), or
    the one who registered it (who sees it while it is at the first step), once per case and officer. Derived from
    `letters`, `assignment_members` and `cases`, never written by a screen: rebuilt for a case in the same flush
    as any change to its Surat Tugas, their members, its registrant or its date (`sop/team.py`).

    The need-to-know rule asks it for an officer with one primary-key lookup per case (`sop/access.py`), where the
    letters took two lookups and a status check; and her case list reads her cases from it newest first
    (`ix_case_officers_user_received`), however few of the archive's cases are hers."""

    __tablename__ = "case_officers"
    # SQLite keeps the rows in primary-key order (no rowid table beside it): the lookup is the row.
    __table_args__ = (Index("ix_case_officers_user_received", "user_id", "received_at"), {"sqlite_with_rowid": False})

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column()  # the case's, for her list in its order
    on_team: Mapped[bool] = mapped_column(Boolean)
    registered: Mapped[bool] = mapped_column(Boolean)
