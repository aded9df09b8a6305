"""Senders, chosen by configuration: the log (default), e-mail over SMTP, a JSON webhook.

A sender returns None on success or a short error text; it never raises, so the outbox can
record every attempt. Each call carries the outbox id, so the far end can drop a repeat
(Message-ID for mail, Idempotency-Key for the webhook).
"""
import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

log = logging.getLogger("linli.outbox")
CHANNELS = ("log", "email", "webhook")
DEFAULT_TIMEOUT = 10


class Sender(Protocol):
    def send(self, out) -> str | None: ...


class LogSender:
    """Writes the message to the application log: the default, and the desk's record when no channel fits."""

    def send(self, out) -> str | None:
        log.info("消息 / message %s [%s] to %s: %s", out.id, out.kind, out.recipient or "-", out.body)
        return None


class SmtpSender:
    def __init__(self, mail: Mapping):
        self.mail = mail

    def _message(self, out) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.mail.get("sender") or "noreply@localhost"
        msg["To"] = out.recipient
        msg["Subject"] = out.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = f"<outbox-{out.id}@linli>"
        msg.set_content(out.body, charset="utf-8")
        return msg

    def _connect(self) -> smtplib.SMTP:
        host, port = self.mail["server"], int(self.mail.get("port") or 25)
        timeout = float(self.mail.get("timeout") or DEFAULT_TIMEOUT)
        if self.mail.get("use_ssl"):
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if self.mail.get("use_tls"):
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, out) -> str | None:
        if not out.recipient or "@" not in out.recipient:
            return f"no e-mail address: {out.recipient!r}"
        try:
            with self._connect() as smtp:
                if self.mail.get("username"):
                    smtp.login(self.mail["username"], self.mail.get("password") or "")
                smtp.send_message(self._message(out))
        except (OSError, smtplib.SMTPException) as err:
            return f"smtp: {type(err).__name__}: {err}"
        return None


class WebhookSender:
    """POSTs JSON to an SMS gateway or a WeChat relay; any 2xx is success. Signed when a secret is set."""

    def __init__(self, webhook: Mapping):
        self.webhook = webhook

    def payload(self, out) -> bytes:
        return json.dumps({"id": out.id, "kind": out.kind, "to": out.recipient, "subject": out.subject,
                           "text": out.body, "resident_id": out.resident_id, "booking_id": out.booking_id},
                          ensure_ascii=False).encode("utf-8")

    def send(self, out) -> str | None:
        body = self.payload(out)
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": f"outbox-{out.id}"}
        if self.webhook.get("secret"):
            digest = hmac.new(self.webhook["secret"].encode(), body, hashlib.sha256).hexdigest()
            headers["X-Linli-Signature"] = f"sha256={digest}"
        req = urllib.request.Request(self.webhook["url"], data=body, headers=headers, method="POST")
        timeout = float(self.webhook.get("timeout") or DEFAULT_TIMEOUT)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as err:
            return f"webhook: HTTP {err.code}"
        except (OSError, ValueError) as err:
            return f"webhook: {type(err).__name__}: {err}"
        return None if 200 <= status < 300 else f"webhook: HTTP {status}"


def build(settings) -> dict[str, Sender]:
    """The senders this deployment has configured, by channel name."""
    found: dict[str, Sender] = {"log": LogSender()}
    if settings.mail.get("server"):
        found["email"] = SmtpSender(settings.mail)
    if settings.webhook.get("url"):
        found["webhook"] = WebhookSender(settings.webhook)
    return found
