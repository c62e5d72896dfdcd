"""Staff accounts, their roles, and the staff data official letters print (name, NIP, rank, position)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, TimestampMixin, VersionedMixin, str_enum, utcnow
from admin_app.models.encryption import EncryptedString


class RoleCode(str, enum.Enum):
    PETUGAS = "petugas"
    KEPALA = "kepala"
    ADMINISTRASI = "administrasi"
    SYSADMIN = "sysadmin"


# Roles that read case data: granting one takes effect only when another head approves it (security/grants.py).
CASE_DATA_ROLES = (RoleCode.PETUGAS, RoleCode.KEPALA, RoleCode.ADMINISTRASI)

ROLE_LABELS = {
    RoleCode.PETUGAS: "Petugas Layanan PPA",
    RoleCode.KEPALA: "Kepala UPTD PPA",
    RoleCode.ADMINISTRASI: "Petugas Administrasi / Kasubag TU",
    RoleCode.SYSADMIN: "Administrator Sistem",
}

user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Role(VersionedMixin, Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, info=AUDITED)
    name: Mapped[str] = mapped_column(String(80), info=AUDITED)
    description: Mapped[str | None] = mapped_column(Text, info=AUDITED)

    def __str__(self) -> str:
        return self.name


class User(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("nip IS NULL OR length(nip) = 18", name="nip_length"),
        CheckConstraint("length(username) >= 3", name="username_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, info=AUDITED)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True, server_default="1", info=AUDITED)
    # Staff data printed on letters (tata naskah dinas).
    full_name: Mapped[str] = mapped_column(String(150), info=AUDITED)  # with academic titles, as signed
    nip: Mapped[str | None] = mapped_column(String(18), unique=True, info=AUDITED)  # contract staff have none
    rank: Mapped[str | None] = mapped_column(String(80), info=AUDITED)  # pangkat/golongan, e.g. "Penata (III/c)"
    position: Mapped[str | None] = mapped_column(String(150), info=AUDITED)  # jabatan
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Channels the user chose on the account page (in the app is always on): e-mail to `email`, WhatsApp (the
    # gateway's webhook) to `phone`. Only the case number and a link are sent (sop/notifications.py).
    notify_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    notify_whatsapp: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    # Raised on logout, deactivation and password change: every cookie carrying an older value is dead.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    # Login hardening (views/auth.py). Failures in a row since the last successful login, kept in the database so
    # the lockout holds on every app server; `locked_until` in the future refuses every login attempt.
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None]
    # Two-factor login (TOTP, RFC 6238). A secret without `totp_enabled_at` is an enrolment not yet confirmed.
    # Encrypted at rest with the data keys (models/encryption.py), like the victims' identifiers.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString("totp_secret"))
    totp_enabled_at: Mapped[dt.datetime | None]
    # The last time step whose code was accepted: a code is good once only (no replay within its 30 seconds).
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin", order_by=Role.id, info=AUDITED)

    # --- Flask-Login protocol (kept here so the model needs no Flask import) ---
    @property
    def is_active(self) -> bool:
        return bool(self.is_active_account)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # --- roles ---
    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.roles)

    def has_role(self, *codes: str | RoleCode) -> bool:
        wanted = {c.value if isinstance(c, RoleCode) else c for c in codes}
        return bool(self.role_codes & wanted)

    @property
    def two_factor_enabled(self) -> bool:
        return bool(self.totp_secret and self.totp_enabled_at)

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @property
    def nip_display(self) -> str:
        """NIP as printed on letters: `19860926 201505 1 001`."""
        if not self.nip:
            return "-"
        n = self.nip
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}"

    def __str__(self) -> str:
        return self.full_name


class RecoveryCode(Base):
    """One-time codes for two-factor login when the phone is lost; only their hashes are stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    used_at: Mapped[dt.datetime | None]


class GrantStatus(str, enum.Enum):
    PENDING = "menunggu"
    APPROVED = "disetujui"
    REFUSED = "ditolak"


GRANT_STATUS_LABELS = {
    GrantStatus.PENDING: "Menunggu persetujuan Kepala",
    GrantStatus.APPROVED: "Disetujui",
    GrantStatus.REFUSED: "Ditolak",
}


class RoleGrant(VersionedMixin, Base):
    """A request to give a user a role that reads case data; it takes effect only when an active head other than
    the one who asked approves it (separation of duties: the system administrator cannot give itself access)."""

    __tablename__ = "role_grants"
    __table_args__ = (
        Index("ix_role_grants_status", "status"),
        Index("uq_role_grants_pending", "user_id", "role_id", unique=True,
              postgresql_where=text("status = 'menunggu'"), sqlite_where=text("status = 'menunggu'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, info=AUDITED)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="RESTRICT"), info=AUDITED)
    status: Mapped[GrantStatus] = mapped_column(str_enum(GrantStatus, "grant_status"), default=GrantStatus.PENDING,
                                                info=AUDITED)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow, info=AUDITED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    decided_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    role: Mapped[Role] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
