"""Notifications to staff (in the app) and the outbox of their copies for external channels (e-mail, the
WhatsApp gateway's webhook). Who is told what is decided in `sop/notifications.py`; the worker that empties the
outbox is `admin_app/delivery.py`."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, str_enum, utcnow


class Channel(str, enum.Enum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class OutboxStatus(str, enum.Enum):
    PENDING = "menunggu"
    SENT = "terkirim"
    FAILED = "gagal"  # gave up after the last retry


class Notification(Base):
    """One message to one staff member. `key` (unique) makes a notice that must be sent once per step run
    (a reminder, an overdue notice) idempotent: a second attempt finds the row and sends nothing."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_unread", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), info=AUDITED)
    kind: Mapped[str] = mapped_column(String(30), info=AUDITED)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, info=AUDITED)
    text: Mapped[str] = mapped_column(Text)  # shown in the app only
    link: Mapped[str | None] = mapped_column(String(200))
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now(), info=AUDITED)
    read_at: Mapped[dt.datetime | None] = mapped_column(info=AUDITED)

    outbox: Mapped[list[OutboxMessage]] = relationship(back_populates="notification", cascade="all, delete-orphan")


class OutboxMessage(Base):
    """A copy of a notification for an external channel, sent by the worker (`flask notify run`), never in a
    request. `body` carries the case number and a link only: no victim's name or identifier leaves the app."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "notification_channel"), info=AUDITED)
    address: Mapped[str] = mapped_column(String(254))  # the e-mail address or the phone number (E.164)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.PENDING, info=AUDITED)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0", info=AUDITED)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[dt.datetime | None]

    notification: Mapped[Notification] = relationship(back_populates="outbox")
