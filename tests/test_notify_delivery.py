"""The channels outside the app and the reminders (issue 14): e-mail delivered to a real SMTP server on loopback
(aiosmtpd) by `flask notify run --once` and retried after a failure; the WhatsApp gateway's webhook signed with
HMAC-SHA256 (verified by the receiver) and carrying no victim data; `flask remind` sends each reminder once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select, update

from admin_app.extensions import db
from admin_app.models import Notification, OutboxMessage, OutboxStatus
from admin_app.sop.notifications import Kind
from tests.test_notifications import assert_no_victim_data

SECRET = "rahasia-webhook-uji-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((envelope.rcpt_tos, f"{parsed['Subject']}\n{parsed.get_content()}"))
            return "250 OK"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def outbox():
    return db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def use_smtp(app, port):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="none", SMTP_FROM="jangkau@uptd.test",
                      PUBLIC_BASE_URL="https://jangkau.test")


def test_email_goes_out_by_the_worker_and_is_retried_after_a_failure(app, runner, builder, team, smtp_server):
    controller, received = smtp_server
    kepala = team.kepala
    kepala.email, kepala.notify_email = "kepala@uptd.test", True
    case = builder.walk(builder.register(child=True), 2)
    db.session.commit()
    [queued] = outbox()
    assert queued.status is OutboxStatus.PENDING and queued.address == "kepala@uptd.test"

    use_smtp(app, free_port())  # nobody listens: the attempt fails
    result = runner.invoke(args=["notify", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "gagal 1" in result.output
    db.session.expire_all()
    [queued] = outbox()
    assert (queued.status, queued.attempts) == (OutboxStatus.PENDING, 1) and queued.last_error
    assert queued.next_attempt_at > dt.datetime.now(dt.timezone.utc)  # backed off
    use_smtp(app, controller.port)
    assert "Terkirim 0" in runner.invoke(args=["notify", "run", "--once"]).output  # not before its time
    assert received.messages == []

    db.session.execute(update(OutboxMessage).values(next_attempt_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    db.session.commit()
    result = runner.invoke(args=["notify", "run", "--once"])
    assert "Terkirim 1" in result.output, result.output
    db.session.expire_all()
    [sent] = outbox()
    assert (sent.status, sent.attempts) == (OutboxStatus.SENT, 2) and sent.sent_at is not None
    [(to, content)] = received.messages
    assert to == ["kepala@uptd.test"]
    assert case.case_number in content and f"https://jangkau.test/admin/cases/details/?id={case.id}" in content
    assert_no_victim_data(case, [content])
    assert "Terkirim 0" in runner.invoke(args=["notify", "run", "--once"]).output  # sent once


def test_gives_up_after_the_last_attempt(app, builder, team):
    from admin_app.delivery import DeliverySettings, backoff, deliver_pending

    team.kepala.email, team.kepala.notify_email = "kepala@uptd.test", True
    builder.walk(builder.register(), 2)
    db.session.commit()
    settings = DeliverySettings(base_url="https://jangkau.test", smtp_host="127.0.0.1", smtp_port=free_port(),
                                smtp_security="none", timeout=2, max_attempts=3)
    now = dt.datetime(2026, 11, 2, 4, 0, tzinfo=dt.timezone.utc)
    for attempt in range(3):
        assert deliver_pending(db.session, settings, clock=lambda: now) == (0, 1)
        now += backoff(attempt + 1)
    assert deliver_pending(db.session, settings, clock=lambda: now + dt.timedelta(days=1)) == (0, 0)
    [message] = outbox()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 10)] == [1, 2, 4, 60]


@pytest.fixture
def receiver():
    got = []
    status = {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((dict(self.headers), body))
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/kirim", got, status
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_is_signed_and_carries_no_victim_data(app, runner, builder, team, receiver):
    url, got, status = receiver
    officer = team.officers[0]
    officer.phone, officer.notify_whatsapp = "+6281234567890", True
    case = builder.walk(builder.register(child=True), 3)
    db.session.commit()
    app.config.update(WHATSAPP_WEBHOOK_URL=url, WHATSAPP_WEBHOOK_SECRET=SECRET, PUBLIC_BASE_URL="https://jangkau.test")

    status["code"] = 500  # the gateway fails once
    assert "gagal 1" in runner.invoke(args=["notify", "run", "--once"]).output
    db.session.execute(update(OutboxMessage).values(next_attempt_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    db.session.commit()
    status["code"] = 200
    assert "Terkirim 1" in runner.invoke(args=["notify", "run", "--once"]).output
    headers, body = got[-1]
    # the receiver's check: HMAC-SHA256 of "<timestamp>.<body>" with the shared secret
    timestamp = headers["X-Jangkau-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Jangkau-Signature"], f"sha256={expected}")
    wrong = hmac.new(b"kunci-lain", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Jangkau-Signature"] != f"sha256={wrong}"
    payload = json.loads(body)
    assert payload["to"] == "+6281234567890" and payload["kind"] == Kind.ASSIGNED
    assert case.case_number in payload["text"] and payload["link"].endswith(f"?id={case.id}")
    assert_no_victim_data(case, [body.decode()])


# --- reminders ------------------------------------------------------------------------------------------------


def count(kind):
    return db.session.execute(select(func.count()).select_from(Notification).where(Notification.kind == kind)).scalar()


def test_minute_reminders_and_overdue_once_per_run(builder, team, clock):
    notifier = builder.process.notifier
    case = builder.walk(builder.register(), 2)
    run = builder.process.current_run(case)
    assert notifier.remind(run.due_at - dt.timedelta(minutes=6)) == []
    soon = notifier.remind(run.due_at - dt.timedelta(minutes=4))
    assert [(n.recipient_id, n.kind) for n in soon] == [(team.kepala.id, Kind.DUE_SOON)]
    assert "jatuh tempo 5 menit lagi" in soon[0].text
    assert notifier.remind(run.due_at - dt.timedelta(minutes=1)) == []
    late = notifier.remind(run.due_at + dt.timedelta(minutes=1))
    assert [(n.recipient_id, n.kind) for n in late] == [(team.kepala.id, Kind.OVERDUE)]  # the actor is the head
    assert notifier.remind(run.due_at + dt.timedelta(minutes=30)) == []
    assert_no_victim_data(case, [n.text for n in soon + late])


def test_working_day_reminder_the_day_before_and_overdue_to_actor_and_head(builder, team):
    notifier = builder.process.notifier
    case = builder.walk(builder.register(), 3)
    run = builder.process.current_run(case)
    zone = builder.process.policy.zone
    due_local = run.due_at.astimezone(zone)
    day_before = dt.datetime.combine(due_local.date() - dt.timedelta(days=1), dt.time(9), tzinfo=zone)
    assert day_before > run.started_at
    tomorrow = notifier.remind(day_before)
    assert [(n.recipient_id, n.kind) for n in tomorrow] == [(team.officers[0].id, Kind.DUE_TOMORROW)]
    assert "jatuh tempo besok" in tomorrow[0].text
    assert notifier.remind(day_before + dt.timedelta(hours=1)) == []
    late = notifier.remind(run.due_at + dt.timedelta(minutes=1))
    assert {(n.recipient_id, n.kind) for n in late} == {(team.officers[0].id, Kind.OVERDUE), (team.kepala.id, Kind.OVERDUE)}


def test_flask_remind_twice_sends_each_once(runner, builder, team):
    builder.walk(builder.register(), 2)  # its clock is a month old: overdue now, to the head (its actor)
    builder.walk(builder.register(), 4)  # to administration (its actor) and to the head
    db.session.commit()
    first = runner.invoke(args=["remind"])
    assert first.exit_code == 0, first.output
    assert "Pengingat dikirim: 3." in first.output
    assert count(Kind.OVERDUE) == 3
    second = runner.invoke(args=["remind"])
    assert "Pengingat dikirim: 0." in second.output
    db.session.expire_all()
    assert count(Kind.OVERDUE) == 3
