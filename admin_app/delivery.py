"""The notification worker: sends the outbox (e-mail over SMTP, the WhatsApp gateway's webhook) outside any
request, so a slow mail server never slows a page; and the reminders. Commands:

- `flask notify run [--once]`: one pass over the due messages (`--once`), else a loop every
  `NOTIFY_POLL_SECONDS`. A failed message is retried with back-off (1, 2, 4 ... minutes, at most an hour) until
  `NOTIFY_MAX_ATTEMPTS`, then marked failed. Several workers may run: each message is claimed with
  `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite has one writer anyway).
- `flask remind`: due-soon, due-tomorrow and overdue notices, each once per step run, and the head's daily
  digest at the time set in the settings, once a day (`sop/notifications.py`); run every minute by
  `deploy/jangkau-remind.timer`.

What leaves the app is the outbox body (case number and step only), a link to the case page and, for the
webhook, the recipient's phone number: never a victim's name or identifier. The webhook's body is JSON signed with
HMAC-SHA256 (`X-Jangkau-Signature: sha256=<hex>` over `<X-Jangkau-Timestamp>.<body>`; docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Callable, Iterator, Mapping

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.extensions import db, write_intent
from admin_app.models import Channel, OutboxMessage, OutboxStatus, utcnow
from admin_app.settings import DIGEST_SETTING, get_setting
from admin_app.sop.notifications import Notifier, digest_time
from admin_app.sop.policy import load_deadline_policy

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Jangkau-Signature"
TIMESTAMP_HEADER = "X-Jangkau-Timestamp"
SMTP_SECURITY = ("starttls", "tls", "none")
FOOTER = "Pesan otomatis Jangkau, UPTD PPA Kota Tangerang. Jangan dibalas; buka aplikasi untuk rinciannya."


@dataclass(frozen=True)
class DeliverySettings:
    base_url: str
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "jangkau@localhost"
    smtp_security: str = "starttls"  # "starttls", "tls" or "none"
    smtp_ca_file: str = ""  # a CA bundle for a mail server with the city's own certificate; empty: the system's
    webhook_url: str = ""
    webhook_secret: str = ""
    timeout: float = 15.0
    max_attempts: int = 8

    def __post_init__(self):
        # A misspelt security ("ssl") must never fall back to sending in clear.
        if self.smtp_security not in SMTP_SECURITY:
            raise ValueError(f"JANGKAU_SMTP_SECURITY harus salah satu dari {', '.join(SMTP_SECURITY)}, "
                             f"bukan {self.smtp_security!r}.")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeliverySettings:
        return cls(
            base_url=config["PUBLIC_BASE_URL"], smtp_host=config["SMTP_HOST"], smtp_port=config["SMTP_PORT"],
            smtp_user=config["SMTP_USER"], smtp_password=config["SMTP_PASSWORD"], smtp_from=config["SMTP_FROM"],
            smtp_security=config["SMTP_SECURITY"], smtp_ca_file=config["SMTP_CA_FILE"], webhook_url=config["WHATSAPP_WEBHOOK_URL"],
            webhook_secret=config["WHATSAPP_WEBHOOK_SECRET"], timeout=config["NOTIFY_TIMEOUT_SECONDS"],
            max_attempts=config["NOTIFY_MAX_ATTEMPTS"],
        )

    @property
    def channels(self) -> list[Channel]:
        """The channels configured; messages of the others wait in the queue."""
        ready = []
        if self.smtp_host:
            ready.append(Channel.EMAIL)
        if self.webhook_url and self.webhook_secret:
            ready.append(Channel.WEBHOOK)
        return ready


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after `attempts` failures: 1, 2, 4 ... minutes, at most one hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook's signature: HMAC-SHA256 of `<timestamp>.<body>` with the shared secret, hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Outgoing:
    """What one send needs, read out of the row (so SQLite's read transaction can end before the network)."""

    id: int
    channel: Channel
    address: str
    subject: str
    body: str
    kind: str
    link: str
    created_at: dt.datetime

    @classmethod
    def of(cls, message: OutboxMessage, settings: DeliverySettings) -> Outgoing:
        n = message.notification
        link = f"{settings.base_url}{n.link}" if n.link else settings.base_url
        return cls(message.id, message.channel, message.address, message.subject, message.body, n.kind, link,
                   n.created_at)


def send_email(settings: DeliverySettings, message: Outgoing) -> None:
    email = EmailMessage()
    email["From"] = settings.smtp_from
    email["To"] = message.address
    email["Subject"] = message.subject
    email.set_content(f"{message.body}\n\nBuka: {message.link}\n\n-- \n{FOOTER}\n")
    # The server's certificate is always verified (host name included), against the system's CAs or the given file.
    context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.timeout,
                                              context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(email)


def webhook_payload(message: Outgoing) -> bytes:
    return json.dumps({
        "id": message.id, "to": message.address, "kind": message.kind, "text": message.body,
        "link": message.link, "created_at": message.created_at.isoformat(),
    }, ensure_ascii=False, separators=(",", ":")).encode()


def send_webhook(settings: DeliverySettings, message: Outgoing, now: dt.datetime) -> None:
    if not settings.webhook_url.startswith(("https://", "http://")):
        raise ValueError("URL webhook harus http(s)")
    body = webhook_payload(message)
    timestamp = str(int(now.timestamp()))
    request = urllib.request.Request(settings.webhook_url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: f"sha256={sign(settings.webhook_secret, timestamp, body)}",
        "User-Agent": "Jangkau-notify/1",
    })
    with urllib.request.urlopen(request, timeout=settings.timeout) as response:  # nosec B310 - scheme checked above
        if not 200 <= response.status < 300:
            raise RuntimeError(f"HTTP {response.status}")


def _record(message: OutboxMessage, settings: DeliverySettings, now: dt.datetime, error: Exception | None) -> None:
    message.attempts += 1
    if error is None:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.last_error = None
        return
    message.last_error = f"{type(error).__name__}: {error}"[:300]
    if message.attempts >= settings.max_attempts:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    log.warning("notification outbox %s via %s failed (attempt %s): %s", message.id, message.channel.value,
                message.attempts, type(error).__name__)


def deliver_pending(session: Session, settings: DeliverySettings, *, clock: Callable[[], dt.datetime] = utcnow,
                    limit: int = 200) -> tuple[int, int]:
    """One pass: send every due message of a configured channel, one transaction per message. Returns (sent,
    failed attempts). PostgreSQL: the row stays locked (`SKIP LOCKED` for other workers) while it is sent.
    SQLite (one server, one worker): the read ends before the network, the result is written after it."""
    sent = failed = 0
    channels = settings.channels
    sqlite = session.get_bind().dialect.name == "sqlite"
    tried: set[int] = set()
    for _ in range(limit) if channels else ():
        now = clock()
        query = (select(OutboxMessage)
                 .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
                        OutboxMessage.channel.in_(channels))
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
        if tried:
            query = query.where(OutboxMessage.id.not_in(tried))
        message = session.execute(query if sqlite else query.with_for_update(skip_locked=True)).scalar_one_or_none()
        if message is None:
            break
        tried.add(message.id)
        outgoing = Outgoing.of(message, settings)
        if sqlite:
            session.rollback()
        error: Exception | None = None
        try:
            if outgoing.channel is Channel.EMAIL:
                send_email(settings, outgoing)
            else:
                send_webhook(settings, outgoing, now)
        except Exception as exc:  # noqa: BLE001 - any failure of the far side is retried later
            error = exc
        if sqlite:
            token = write_intent.set(True)
            try:
                message = session.get(OutboxMessage, outgoing.id)
                _record(message, settings, now, error)
                session.commit()
            finally:
                write_intent.reset(token)
        else:
            _record(message, settings, now, error)
            session.commit()
        sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    return sent, failed


# --- commands ---

@click.group("notify")
def notify_group() -> None:
    """Pemberitahuan: kirim antrean e-mail dan WhatsApp."""


@notify_group.command("run")
@click.option("--once", is_flag=True, help="Satu putaran lalu berhenti (tanpa ini: terus berjalan).")
def notify_run_command(once: bool) -> None:
    """Kirim pesan yang menunggu di antrean (e-mail, webhook WhatsApp)."""
    try:
        settings = DeliverySettings.from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if not settings.channels:
        click.echo("Belum ada saluran yang diatur (JANGKAU_SMTP_HOST, JANGKAU_WHATSAPP_WEBHOOK_URL); pesan tetap di antrean.")
    while True:
        sent, failed = deliver_pending(db.session, settings)
        if once:
            click.echo(f"Terkirim {sent}, gagal {failed} (dicoba lagi nanti).")
            return
        db.session.remove()
        time.sleep(current_app.config["NOTIFY_POLL_SECONDS"])


@click.command("remind")
def remind_command() -> None:
    """Pengingat jatuh tempo dan keterlambatan langkah SOP (masing-masing sekali per langkah) dan ringkasan
    harian kepala unit pada jam yang diatur."""
    token = write_intent.set(True)  # SQLite: one writing transaction from the start
    try:
        policy = load_deadline_policy(db.session)
        notifier = Notifier(db.session, policy.zone)
        sent = notifier.remind()
        digests = notifier.daily_digest(digest_time(get_setting(db.session, DIGEST_SETTING)))
        db.session.commit()
    finally:
        write_intent.reset(token)
    click.echo(f"Pengingat dikirim: {len(sent)}. Ringkasan harian: {len(digests)}.")


def iter_commands() -> Iterator[click.Command]:
    yield notify_group
    yield remind_command
