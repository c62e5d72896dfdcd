"""The channels outside the app and the reminders (issue 14): e-mail delivered to a real SMTP server on loopback
(aiosmtpd) by `flask notify run --once` and retried after a failure; the WhatsApp gateway's webhook signed with
HMAC-SHA256 (verified by the receiver) and carrying no victim data; `flask remind` sends each reminder once."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from sqlalchemy import func, select, update

from admin_app.extensions import db
from admin_app.models import Notification, OutboxMessage, OutboxStatus
from admin_app.sop.notifications import Kind
from tests.conftest import free_port
from tests.test_notifications import assert_no_victim_data

SECRET = "rahasia-webhook-uji-0123456789"


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


def _certificates(directory):
    """A CA of the city's own and a mail server certificate it signed for 127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def build(subject, issuer, public_key, signing_key, *, ca):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=ca, crl_sign=ca,
                                                content_commitment=False, key_encipherment=False,
                                                data_encipherment=False, key_agreement=False, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                                  critical=False))
        if not ca:
            builder = (builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                             critical=False)
                       .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
        return builder.sign(signing_key, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA Pemkot Uji")])
    ca = build(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    server = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.uptd.test")]), ca_name,
                   server_key.public_key(), ca_key, ca=False)
    paths = [directory / "ca.pem", directory / "mail.pem", directory / "mail.key"]
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return paths


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_email_over_starttls_and_tls_with_login_and_a_verified_certificate(app, runner, builder, team, tmp_path,
                                                                            security):
    """The mail server's certificate is checked (a server the CA did not sign gets nothing), the login goes over
    the encrypted connection, and the message arrives encrypted."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.conftest import _collecting_smtp_handler

    ca, cert, key = _certificates(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"jangkau", b"sandi-smtp-uji"),
                          auth_data=auth_data)

    handler = _collecting_smtp_handler()
    # aiosmtpd 1.4 offers AUTH on implicit TLS only with auth_require_tls off (it looks for a STARTTLS layer);
    # the connection is TLS from its first byte all the same, which `handler.encrypted` checks below.
    tls = {"tls_context": context, "require_starttls": True} if security == "starttls" else \
        {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticate,
                            auth_required=True, **tls)
    controller.start()
    try:
        team.kepala.email, team.kepala.notify_email = "kepala@uptd.test", True
        case = builder.walk(builder.register(), 2)
        db.session.commit()
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SECURITY=security,
                          SMTP_USER="jangkau", SMTP_PASSWORD="sandi-smtp-uji", SMTP_FROM="jangkau@uptd.test")
        # Not signed by a CA the worker trusts (the system's): refused, retried later, nothing sent.
        assert "gagal 1" in runner.invoke(args=["notify", "run", "--once"]).output
        db.session.expire_all()
        assert "CERTIFICATE_VERIFY_FAILED" in outbox()[0].last_error and handler.messages == []
        db.session.execute(update(OutboxMessage).values(next_attempt_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
        db.session.commit()
        app.config["SMTP_CA_FILE"] = str(ca)
        result = runner.invoke(args=["notify", "run", "--once"])
        assert "Terkirim 1" in result.output, result.output
    finally:
        controller.stop()
    [(to, content)] = handler.messages
    assert to == ["kepala@uptd.test"] and case.case_number in content
    assert handler.encrypted == [True] and handler.logins == ["jangkau"]


def test_a_misspelt_smtp_security_stops_the_worker_instead_of_sending_in_clear(app, runner):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_SECURITY="ssl")
    result = runner.invoke(args=["notify", "run", "--once"])
    assert result.exit_code != 0 and "JANGKAU_SMTP_SECURITY harus salah satu dari starttls, tls, none" in result.output


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


def test_the_heads_daily_digest_once_a_day_at_the_set_time(builder, team, clock):
    """At the set time (or the first run after it), once a day, each head gets the figures as counts only."""
    from admin_app.sop.notifications import digest_time

    notifier = builder.process.notifier
    zone = builder.process.policy.zone
    builder.walk(builder.register(), 2)  # waits for the head; its 10 minutes are long gone
    builder.walk(builder.register(), 4)  # administration's; overdue as well
    field = builder.walk(builder.register(), 3)  # the team's two working days
    due = builder.process.current_run(field).due_at.astimezone(zone)
    before = due - dt.timedelta(hours=1)  # the digest runs an hour before the field work is due, that day
    at = digest_time(f"{before:%H:%M}")

    def local(day, hour, minute):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)

    assert notifier.daily_digest(at, before - dt.timedelta(minutes=1)) == []  # not yet
    first = notifier.daily_digest(at, before + dt.timedelta(minutes=1))
    assert [(n.recipient_id, n.kind, n.case_id, n.link) for n in first] == [(team.kepala.id, Kind.DIGEST, None, "/admin/")]
    day = f"{due:%d-%m-%Y}"
    assert first[0].text.endswith(
        f"{day}: 3 kasus terbuka, 1 menunggu Anda, 2 langkah melewati batas waktu, 1 jatuh tempo hari ini, "
        "0 laporan baru dalam 24 jam terakhir."), first[0].text
    assert notifier.daily_digest(at, local(due.date(), 23, 0)) == []  # once a day
    assert notifier.daily_digest(None, local(due.date() + dt.timedelta(days=1), 23, 0)) == []  # switched off
    next_day = notifier.daily_digest(at, local(due.date() + dt.timedelta(days=1), 23, 0))
    assert len(next_day) == 1 and "3 langkah melewati batas waktu, 0 jatuh tempo hari ini" in next_day[0].text


def test_the_digest_time_is_a_setting_and_flask_remind_sends_it_once(runner, builder, team, client):
    from admin_app.models import Setting
    from admin_app.settings import DIGEST_SETTING, SettingError, validate_setting

    for bad in ("7.30", "24:00", "07:60", "pagi"):
        with pytest.raises(SettingError, match="JJ:MM"):
            validate_setting(DIGEST_SETTING, bad)
    assert validate_setting(DIGEST_SETTING, " ") == ""  # empty: no digest
    builder.walk(builder.register(), 2)
    stored = db.session.execute(select(Setting).where(Setting.key == DIGEST_SETTING)).scalar_one_or_none()
    if stored is None:
        stored = Setting(key=DIGEST_SETTING, description="-")
        db.session.add(stored)
    stored.value = "00:00"  # every time of the day has passed it
    db.session.commit()
    first = runner.invoke(args=["remind"])
    assert "Ringkasan harian: 1." in first.output, first.output
    assert "Ringkasan harian: 0." in runner.invoke(args=["remind"]).output
    db.session.expire_all()
    assert count(Kind.DIGEST) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_at_once_send_each_message_once(app, builder, team):
    """Several `flask notify run` workers (one per app server) share the queue: each message is claimed with
    FOR UPDATE SKIP LOCKED, so a slow send on one worker is not repeated by the other."""
    import threading
    import time

    from aiosmtpd.controller import Controller

    from admin_app.delivery import DeliverySettings, deliver_pending
    from tests.conftest import _collecting_smtp_handler

    class Slow(type(_collecting_smtp_handler())):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            time.sleep(0.05)  # a slow mail server: both workers are busy at the same time
            return await super().handle_DATA(server, session, envelope)

    handler = Slow()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    team.kepala.email, team.kepala.notify_email = "kepala@uptd.test", True
    case = builder.walk(builder.register(), 2)
    for n in range(11):
        builder.process.notifier.send(team.kepala, Kind.WAITING, case, f"uji {n}", f"uji {n}")
    db.session.commit()
    queued = len(outbox())
    assert queued == 12
    settings = DeliverySettings(base_url="https://jangkau.test", smtp_host="127.0.0.1", smtp_port=controller.port,
                                smtp_security="none")
    results, start = [], threading.Barrier(2)

    def worker():
        with app.app_context():
            start.wait()
            results.append(deliver_pending(db.session, settings))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        controller.stop()
    assert sorted(sent for sent, _failed in results) != [0, queued]  # both workers took a share
    assert sum(sent for sent, _failed in results) == queued and all(failed == 0 for _s, failed in results)
    bodies = sorted(content.split("\n")[1] for _to, content in handler.messages)
    assert len(bodies) == queued == len(set(bodies))  # each message once
    db.session.expire_all()
    assert {(m.status, m.attempts) for m in outbox()} == {(OutboxStatus.SENT, 1)}
