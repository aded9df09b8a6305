"""The outbox: every message is a row first, queued at most once, then claimed and sent outside any transaction."""
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import Booking, DeliveryAttempt, OutboxMessage, Resident, ResidentContact, Resource
from services.core import errors
from services.core.centre import current_centre
from services.core.errors import N_
from services.messaging import quiet_hours, senders
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHILD_AGE = 14


@dataclass(frozen=True)
class Address:
    """Where a message for a resident goes: them, or their guardian for a child."""

    channel: str
    recipient: str | None
    via_guardian: bool = False


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, copied out of the session so sending never touches the database."""

    id: int
    kind: str
    channel: str
    recipient: str | None
    subject: str
    body: str
    resident_id: int | None
    booking_id: int | None
    lease: datetime
    attempts: int = 0


def slot_text(resource: Resource, start: datetime, end: datetime, settings: Settings) -> tuple[str, str]:
    """("2楼 康复理疗室 11月24日（周二）10:00–11:00", "Rehab room, floor 2, Tue 24 Nov 10:00–11:00")."""
    s, e = start.astimezone(settings.tz), end.astimezone(settings.tz)
    hours = f"{s:%H:%M}–{e:%H:%M}"
    redact = resource.sensitive and settings.redact_sensitive
    # A sensitive space's name is health data once it leaves the app (SMS gateway, mail provider).
    name_zh = "专用室" if redact else resource.name
    name_en = "private room" if redact else resource.name_en
    floor_zh = f"{resource.floor}楼 " if resource.floor is not None else ""
    floor_en = f", floor {resource.floor}" if resource.floor is not None else ""
    zh = f"{floor_zh}{name_zh} {s.month}月{s.day}日（周{WEEKDAYS_ZH[s.weekday()]}）{hours}"
    en = f"{name_en}{floor_en}, {WEEKDAYS_EN[s.weekday()]} {s.day} {MONTHS_EN[s.month - 1]} {hours}"
    return zh, en


def signature(session: Session) -> str:
    """The sender's name at the head of every message: 【红梅社区邻里中心】."""
    return f"【{current_centre(session).name}】"


def address_for(session: Session, resident: Resident, today: date, settings: Settings) -> Address:
    """The resident's own channel, or their guardian's when the resident is a child."""
    person, via_guardian = resident, False
    if resident.age_on(today) < CHILD_AGE and resident.guardian_id:
        person, via_guardian = session.get(Resident, resident.guardian_id), True
    contact = session.scalar(select(ResidentContact).where(ResidentContact.resident_id == person.id))
    if contact is not None and contact.channel in settings.channels:
        return Address(contact.channel, contact.address, via_guardian)
    channel = settings.default_channel if settings.default_channel in settings.channels else "log"
    if channel == "email":  # a phone number is no e-mail address: leave it for the desk's log
        channel = "log"
    return Address(channel, person.phone or f"resident:{person.id}", via_guardian)


def set_contact(session: Session, resident_id: int, channel: str, address: str) -> ResidentContact:
    """Record how a resident wants to hear from the centre (replacing what was there)."""
    if session.get(Resident, resident_id) is None:
        raise errors.NotFound(N_("找不到该居民"), field="resident_id")
    if channel not in senders.CHANNELS:
        raise errors.Invalid("channel", N_("%(field)s 只能是 %(choices)s 之一"), choices=", ".join(senders.CHANNELS))
    if channel == "email" and "@" not in address:
        raise errors.Invalid("address", N_("请填写电子邮箱"))
    contact = session.scalar(select(ResidentContact).where(ResidentContact.resident_id == resident_id))
    contact = contact or ResidentContact(resident_id=resident_id)
    contact.channel, contact.address = channel, address.strip()[:200]
    session.add(contact)
    session.flush()
    return contact


def queue(session: Session, key: str, kind: str, address: Address, subject: str, body: str, now: datetime,
          resident_id: int | None = None, booking_id: int | None = None) -> bool:
    """Insert the message unless one with this key exists; True when this call queued it."""
    values = dict(dedupe_key=key, kind=kind, channel=address.channel, recipient=address.recipient,
                  resident_id=resident_id, booking_id=booking_id, subject=subject, body=body, status="pending",
                  attempts=0, next_attempt_at=now, created_at=now)
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return session.execute(stmt).rowcount == 1


def rewrite_unsent(session: Session, key: str, body: str) -> bool:
    """Change the text of a queued message nobody has tried to send yet; True when it was changed."""
    return session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == key,
                                                       OutboxMessage.status == "pending",
                                                       OutboxMessage.attempts == 0)
                           .values(body=body)).rowcount == 1


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these dedupe keys are already queued: lets a job skip its no-op inserts."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))))
    return found


def _claimable(now: datetime):
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),  # its runner died
    )


def _stale_reminder(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """A reminder whose booking was cancelled, changed or has begun (held back by quiet hours) is not sent."""
    if not message.kind.startswith("reminder") or message.booking_id is None:
        return False
    booking = session.get(Booking, message.booking_id)
    return booking is None or booking.status != "confirmed" or booking.starts_at <= now or \
        message.dedupe_key.rsplit(":", 1)[-1] != str(booking.sequence)


def claim_batch(session: Session, now: datetime, settings: Settings) -> tuple[list[Outgoing], int]:
    """Claim up to a batch of due messages with conditional updates; commits, so the claims are visible.

    Returns the messages to send and how many rows were claimed (stale reminders are claimed and skipped).
    """
    ids = session.scalars(select(OutboxMessage.id).where(_claimable(now))
                          .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(settings.batch_size)).all()
    lease = now + settings.claim_lease
    claimed = []
    for message_id in ids:
        won = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, _claimable(now))
                              .values(status="sending", claimed_until=lease)).rowcount
        if won:
            claimed.append(message_id)
    rows = session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))).scalars().all()
    batch = []
    for m in sorted(rows, key=lambda m: m.id):
        if _stale_reminder(session, m, now):
            m.status, m.claimed_until = "skipped", None
            continue
        batch.append(Outgoing(m.id, m.kind, m.channel, m.recipient, m.subject, m.body, m.resident_id,
                              m.booking_id, lease, m.attempts))
    session.commit()
    return batch, len(claimed)


def record(session: Session, out: Outgoing, error: str | None, now: datetime, settings: Settings) -> None:
    """One attempt, written down; then sent, retried later with backoff, or given up."""
    number = out.attempts + 1  # the claim excludes every other writer of this row until it is settled
    session.add(DeliveryAttempt(message_id=out.id, number=number, channel=out.channel, at=now,
                                succeeded=error is None, detail=(error or "ok")[:500]))
    values: dict = {"attempts": number, "claimed_until": None}
    if error is None:
        values.update(status="sent", sent_at=now)
    elif number >= settings.max_attempts:
        values.update(status="failed")
    else:
        values.update(status="pending", next_attempt_at=now + settings.retry_base * 2 ** (number - 1))
    # Only the runner whose lease this is may settle the message.
    session.execute(update(OutboxMessage).where(OutboxMessage.id == out.id, OutboxMessage.status == "sending",
                                                OutboxMessage.claimed_until == out.lease).values(**values))
    session.commit()


def deliver_due(session: Session, now: datetime, settings: Settings) -> int:
    """Send every due message, a batch at a time; each attempt is recorded. Returns messages sent.

    Nothing goes out in quiet hours: messages wait in the outbox until the morning.
    """
    if quiet_hours.quiet_end(now, settings) is not None:
        return 0
    by_channel = senders.build(settings)
    sent = 0
    began = time.monotonic()
    while True:
        batch, claimed = claim_batch(session, now, settings)
        if not claimed:
            return sent
        for out in batch:
            sender = by_channel.get(out.channel)
            error = sender.send(out) if sender else f"channel {out.channel} is not configured"
            record(session, out, error, now, settings)
            sent += error is None
            log.debug("delivered message %s via %s: %s", out.id, out.channel, error or "ok")
        # Leases count from `now`, the run's start: claiming on after half a lease of slow sends could
        # hand out claims already lapsed, which another runner would take and send again.
        if time.monotonic() - began > settings.claim_lease.total_seconds() / 2:
            return sent
