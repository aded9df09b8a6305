"""Reminders: the evening before (18:00 by default) and two hours before each confirmed booking.

Exactly once per booking, kind and version: the outbox key is kind + booking id + the booking's
`sequence`, so a re-run, an overlapping run or a restart queues nothing twice, while a changed
booking (its sequence bumped) gets a fresh reminder. Cancelled bookings are never selected.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Booking
from services.core.clock import at_local
from services.messaging import outbox
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")
LOOK_AHEAD = timedelta(hours=36)


def day_before_due(booking_start: datetime, now: datetime, settings: Settings) -> bool:
    """From the evening before until the two-hour reminder takes over."""
    local_day = booking_start.astimezone(settings.tz).date()
    evening = at_local(local_day - timedelta(days=1), settings.reminder_day_before_at, settings.tz)
    return evening <= now < booking_start - settings.reminder_before


def two_hours_due(booking_start: datetime, now: datetime, settings: Settings) -> bool:
    return booking_start - settings.reminder_before <= now < booking_start


def _text(session: Session, booking: Booking, kind: str, address: outbox.Address,
          settings: Settings) -> tuple[str, str]:
    zh, en = outbox.slot_text(booking.resource, booking.starts_at, booking.ends_at, settings)
    who = f"您为{booking.resident.name}预约的" if address.via_guardian else "您预约的"
    when, when_en = ("明天", "tomorrow") if kind == "reminder_day_before" else ("两小时后", "in two hours")
    body = (f"{outbox.signature(session)}提醒：{who} {zh}，{when}开始。不能来请提前取消。"
            f" / Reminder: {en}, {when_en}. Please cancel if you cannot come.")
    return f"预约提醒 / Reminder: {zh}", body


def reminder_key(kind: str, booking_id: int, sequence: int) -> str:
    return f"{kind}:{booking_id}:{sequence}"


def queue_for(session: Session, booking: Booking, kind: str, now: datetime, settings: Settings) -> bool:
    address = outbox.address_for(session, booking.resident, now.astimezone(settings.tz).date(), settings)
    subject, body = _text(session, booking, kind, address, settings)
    key = reminder_key(kind, booking.id, booking.sequence)
    return outbox.queue(session, key, kind, address, subject, body, now, booking.resident_id, booking.id)


def due_now(session: Session, now: datetime, settings: Settings) -> list[tuple[int, str]]:
    """(booking id, kind) of every reminder due and not yet queued, found in two queries."""
    rows = session.execute(select(Booking.id, Booking.starts_at, Booking.sequence).where(
        Booking.status == "confirmed", Booking.starts_at > now, Booking.starts_at <= now + LOOK_AHEAD,
        Booking.resident_id.is_not(None),  # an activity session's hold: its enrolees get their own reminders
    ).order_by(Booking.starts_at, Booking.id)).all()
    wanted = [(booking_id, kind, reminder_key(kind, booking_id, sequence))
              for booking_id, start, sequence in rows
              for kind, due in (("reminder_day_before", day_before_due), ("reminder_2h", two_hours_due))
              if due(start, now, settings)]
    queued = outbox.existing_keys(session, [key for _, _, key in wanted])
    return [(booking_id, kind) for booking_id, kind, key in wanted if key not in queued]


def queue_due(session: Session, now: datetime, settings: Settings) -> int:
    """Queue every reminder that is due as of `now`; one short transaction per reminder."""
    todo = due_now(session, now, settings)
    session.commit()
    queued = 0
    for booking_id, kind in todo:
        booking = session.get(Booking, booking_id)
        # Re-read inside the transaction: it may have been cancelled since the scan.
        still_due = booking is not None and booking.status == "confirmed" and \
            due_check(kind)(booking.starts_at, now, settings)
        if still_due and queue_for(session, booking, kind, now, settings):
            queued += 1
            log.debug("queued %s for booking %s", kind, booking_id)
        session.commit()
    return queued


def due_check(kind: str):
    return day_before_due if kind == "reminder_day_before" else two_hours_due
