"""Senders against real local servers: SMTP (aiosmtpd) and an HTTP webhook (http.server in a thread)."""
import email
import hashlib
import hmac
import json
import socket
import threading
from dataclasses import replace
from datetime import timedelta
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from models import DeliveryAttempt, OutboxMessage, ResidentContact, db
from services.messaging import outbox
from services.routines import jobs, reminders
from services.routines.scheduler_settings import settings_from
from tests.scheduler_world import TUESDAY, build, messages
from tests.world import NOW, at, book

pytestmark = pytest.mark.slow
EVENING = at(TUESDAY, 18) - timedelta(days=1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.mails.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway that fails the first `failures` calls with a 503, then accepts."""

    failures = 0
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's hook name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        failing = len(type(self).received) <= type(self).failures
        self.send_response(503 if failing else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    Gateway.received, Gateway.failures = [], 2
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", Gateway
    server.shutdown()
    server.server_close()


def prefer(session, resident, channel, address):
    session.add(ResidentContact(resident_id=resident.id, channel=channel, address=address))
    session.commit()


def test_reminder_goes_out_by_smtp_with_chinese_text(session, smtp_server):
    controller, inbox = smtp_server
    settings = settings_from({"TIMEZONE": "Asia/Shanghai", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
                              "MAIL_SENDER": "centre@hongmei.example"})
    world = build(session)
    prefer(session, world.adult, "email", "zhang@example.cn")
    book(session, world.room, world.adult, at(TUESDAY, 10))
    jobs.run_all(session, EVENING, settings)
    [(to, mail)] = inbox.mails
    assert to == ["zhang@example.cn"] and mail["From"] == "centre@hongmei.example"
    assert "康复理疗室" in mail["Subject"] and "11月24日" in mail.get_content()
    [message] = messages(session, kind="reminder_day_before")
    assert message.status == "sent" and message.channel == "email" and mail["Message-ID"] == f"<outbox-{message.id}@linli>"


def test_webhook_that_fails_twice_then_succeeds_is_retried_with_backoff(session, webhook_server):
    url, gateway = webhook_server
    settings = settings_from({"TIMEZONE": "Asia/Shanghai", "WEBHOOK_URL": url, "WEBHOOK_SECRET": "s3cret",
                              "NOTIFY_DEFAULT_CHANNEL": "webhook"})
    world = build(session)
    book(session, world.room, world.adult, at(TUESDAY, 10))
    reminders.queue_due(session, EVENING, settings)
    outbox.deliver_due(session, EVENING, settings)                          # 1st try: 503
    outbox.deliver_due(session, EVENING + timedelta(seconds=30), settings)  # too early: backoff is 1 minute
    outbox.deliver_due(session, EVENING + timedelta(minutes=1), settings)   # 2nd try: 503
    outbox.deliver_due(session, EVENING + timedelta(minutes=2), settings)   # too early: backoff is now 2 minutes
    outbox.deliver_due(session, EVENING + timedelta(minutes=3), settings)   # 3rd try: 200
    session.expire_all()
    [message] = messages(session)
    attempts = session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.number)).all()
    assert [(a.number, a.succeeded) for a in attempts] == [(1, False), (2, False), (3, True)]
    assert attempts[0].detail == "webhook: HTTP 503"
    assert message.status == "sent" and message.attempts == 3 and message.sent_at == EVENING + timedelta(minutes=3)
    headers, body = gateway.received[-1]
    payload = json.loads(body)
    assert payload["to"] == world.adult.phone and payload["text"].startswith("【") and payload["id"] == message.id
    assert headers["Idempotency-Key"] == f"outbox-{message.id}"
    assert headers["X-Linli-Signature"] == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt(session):
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    settings = settings_from({"TIMEZONE": "Asia/Shanghai", "WEBHOOK_URL": dead, "NOTIFY_DEFAULT_CHANNEL": "webhook",
                              "OUTBOX_MAX_ATTEMPTS": 3})
    world = build(session)
    book(session, world.room, world.adult, at(TUESDAY, 10))
    reminders.queue_due(session, EVENING, settings)
    for minutes in range(0, 60, 1):
        outbox.deliver_due(session, EVENING + timedelta(minutes=minutes), settings)
    session.expire_all()
    [message] = messages(session)
    assert message.status == "failed" and message.attempts == 3
    assert session.query(DeliveryAttempt).count() == 3


def test_a_runner_that_died_mid_send_leaves_a_claim_that_lapses_and_is_sent_once(session, smtp_server):
    controller, inbox = smtp_server
    settings = settings_from({"TIMEZONE": "Asia/Shanghai", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port})
    world = build(session)
    prefer(session, world.adult, "email", "zhang@example.cn")
    book(session, world.room, world.adult, at(TUESDAY, 10))
    reminders.queue_due(session, EVENING, settings)
    batch, _ = outbox.claim_batch(session, EVENING, settings)  # claimed, then the process was killed
    assert len(batch) == 1
    assert outbox.deliver_due(session, EVENING + timedelta(minutes=1), settings) == 0  # the claim still holds
    assert outbox.deliver_due(session, EVENING + timedelta(minutes=6), settings) == 1  # lapsed: sent by the next run
    assert outbox.deliver_due(session, EVENING + timedelta(minutes=20), settings) == 0
    assert len(inbox.mails) == 1
    assert session.scalar(select(OutboxMessage.status)) == "sent"


def test_unconfigured_channel_is_recorded_as_a_failed_attempt_not_a_silent_success(session):
    world = build(session)
    prefer(session, world.adult, "email", "zhang@example.cn")
    book(session, world.room, world.adult, at(TUESDAY, 10))
    mail_on = settings_from({"TIMEZONE": "Asia/Shanghai", "MAIL_SERVER": "127.0.0.1"})
    reminders.queue_due(session, EVENING, mail_on)
    mail_off = settings_from({"TIMEZONE": "Asia/Shanghai"})
    outbox.deliver_due(session, EVENING, mail_off)
    attempt = session.scalar(select(DeliveryAttempt))
    assert not attempt.succeeded and "not configured" in attempt.detail
    assert NOW < EVENING


def test_set_contact_command_chooses_the_residents_channel(app, runner):
    with app.app_context():
        world = build(db.session)
        adult_id = world.adult.id
    done = runner.invoke(args=["set-contact", str(adult_id), "email", "zhang@example.cn"])
    assert done.exit_code == 0, done.output
    bad = runner.invoke(args=["set-contact", str(adult_id), "email", "13900000002"])
    assert bad.exit_code != 0 and "e-mail" in bad.output
    missing = runner.invoke(args=["set-contact", "99999", "log", "x"])
    assert missing.exit_code != 0
    with app.app_context():
        [contact] = db.session.scalars(select(ResidentContact)).all()
        assert (contact.resident_id, contact.channel, contact.address) == (adult_id, "email", "zhang@example.cn")


def test_a_slow_delivery_run_stops_claiming_before_its_leases_could_lapse(session):
    """Leases count from the run's start; after half a lease the rest waits for the next run."""
    settings = settings_from({"TIMEZONE": "Asia/Shanghai"})
    world = build(session)
    for hour in (10, 11, 12):
        book(session, world.room, world.adult, at(TUESDAY, hour))
    reminders.queue_due(session, EVENING, settings)
    no_time_left = replace(settings, claim_lease=timedelta(0), batch_size=1)
    assert outbox.deliver_due(session, EVENING, no_time_left) == 1
    assert outbox.deliver_due(session, EVENING, settings) == 2
