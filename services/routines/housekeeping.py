"""Housekeeping: expire holds, forget what we no longer need (PIPL art. 47), the operators' daily digest."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Booking, DeliveryAttempt, OutboxMessage, Resource, Series, WaitlistEntry
from services.core.clock import at_local, local_day_bounds
from services.messaging import outbox
from services.routines import waitlist
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")
PURGED = "[已清除 / purged]"
PURGE_BATCH = 200


def expire_holds(session: Session, now: datetime, settings: Settings) -> int:
    return waitlist.expire(session, now)


def _scrub_messages(session: Session, condition) -> None:
    ids = select(OutboxMessage.id).where(condition).scalar_subquery()
    session.execute(update(DeliveryAttempt).where(DeliveryAttempt.message_id.in_(ids)).values(detail=None))
    session.execute(update(OutboxMessage).where(condition).values(
        recipient=None, body=PURGED, subject=PURGED, resident_id=None, booking_id=None))


def _delete_bookings(session: Session, ids: list[int]) -> int:
    """Delete cancelled bookings; if another table still refers to one, keep the row but blank its notes."""
    _scrub_messages(session, OutboxMessage.booking_id.in_(ids))
    session.execute(update(WaitlistEntry).where(WaitlistEntry.booking_id.in_(ids)).values(booking_id=None))
    series_ids = set(session.scalars(select(Booking.series_id).where(Booking.id.in_(ids))))
    try:
        with session.begin_nested():
            session.execute(delete(Booking).where(Booking.id.in_(ids)))
    except IntegrityError:
        session.execute(update(Booking).where(Booking.id.in_(ids)).values(note=None, cancel_reason=None))
        return 0
    for series_id in series_ids - {None}:
        if session.scalar(select(Booking.id).where(Booking.series_id == series_id).limit(1)) is None:
            session.execute(delete(Series).where(Series.id == series_id))
    return len(ids)


def purge_personal_data(session: Session, now: datetime, settings: Settings) -> int:
    """Cancelled bookings, finished waitlist entries and old message texts go after the retention period."""
    cutoff = now - timedelta(days=settings.cancelled_retention_days)
    purged = 0
    # A session's hold (no resident) carries no personal data and its session still refers to it.
    while ids := session.scalars(select(Booking.id).where(Booking.status == "cancelled", Booking.ends_at < cutoff,
                                                          Booking.resident_id.is_not(None))
                                 .order_by(Booking.id).limit(PURGE_BATCH)).all():
        deleted = _delete_bookings(session, list(ids))
        session.commit()
        purged += deleted
        if not deleted:
            break
    session.execute(delete(WaitlistEntry).where(WaitlistEntry.status.notin_(waitlist.LIVE),
                                                WaitlistEntry.booking_id.is_(None), WaitlistEntry.ends_at < cutoff))
    old = now - timedelta(days=settings.outbox_retention_days)
    _scrub_messages(session, (OutboxMessage.status.in_(("sent", "failed", "skipped")))
                    & (OutboxMessage.created_at < old) & (OutboxMessage.body != PURGED))
    session.commit()
    return purged


def _digest_lines(session: Session, organisation: str, now: datetime, settings: Settings) -> list[str]:
    """Today's bookings in the organisation's spaces: time, space, party size. No names leave the app."""
    start, end = local_day_bounds(now.astimezone(settings.tz).date(), settings.tz)
    rows = session.execute(
        select(Booking.starts_at, Booking.ends_at, Booking.party_size, Resource.floor, Resource.name)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(Resource.operator == organisation, Booking.status.in_(("confirmed", "checked_in")),
               Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at, Resource.name)).all()
    return [f"{s.astimezone(settings.tz):%H:%M}–{e.astimezone(settings.tz):%H:%M} "
            f"{floor if floor is not None else '-'}楼 {name} {party}人" for s, e, party, floor, name in rows]


def queue_operator_digests(session: Session, now: datetime, settings: Settings) -> int:
    """Once a day after OPERATOR_DIGEST_AT: each operating organisation gets today's schedule of its spaces."""
    local = now.astimezone(settings.tz)
    if now < at_local(local.date(), settings.digest_at, settings.tz):
        return 0
    organisations = session.scalars(select(Resource.operator).where(Resource.operator.is_not(None),
                                                                    Resource.active).distinct()).all()
    day = local.date().isoformat()
    keys = {organisation: f"operator_digest:{organisation}:{day}" for organisation in organisations}
    done = outbox.existing_keys(session, list(keys.values()))
    queued = 0
    for organisation in sorted(o for o in organisations if keys[o] not in done):
        lines = _digest_lines(session, organisation, now, settings)
        contact = settings.operator_contacts.get(organisation, {})
        address = outbox.Address(contact.get("channel", "log"), contact.get("address", organisation))
        body = (f"{outbox.signature(session)}{day} 今日预约 {len(lines)} 项 / Today's bookings: {len(lines)}\n"
                + ("\n".join(lines) if lines else "今天没有预约 / No bookings today"))
        queued += outbox.queue(session, keys[organisation], "operator_digest", address,
                               f"{day} 今日预约 / Today's schedule", body, now)
        session.commit()
    return queued
