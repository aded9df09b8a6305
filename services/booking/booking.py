"""Booking writes: every booking, cancellation, check-in and no-show goes through here.

These run inside a use-case's write transaction (services.booking.use_cases, or the waitlist's and
the scheduler's own). On SQLite that transaction began with BEGIN IMMEDIATE; on PostgreSQL we lock
the space's row before checking, and the exclusion constraint refuses what slips through. Nothing
slow happens inside.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Booking, Resident, Resource, Series
from services.booking import availability, recurrence, rules, space_settings
from services.booking.rules import Context, Request
from services.core import errors
from services.core.access import Actor, require_booking_for, require_cancel_rights, require_space_manager
from services.core.errors import N_
from services.core.storage import change_counters, statements
from services.messaging import notices
from services.routines.scheduler_settings import Settings

CHECK_IN_OPENS = timedelta(hours=1)
_LOCK_SPACE = select(Resource.id).where(Resource.id == bindparam("id")).with_for_update()
_INSERT = insert(Booking.__table__).returning(Booking.__table__.c.id)


@dataclass
class SeriesResult:
    series: Series
    bookings: list[Booking]
    skipped: list[dict] = field(default_factory=list)


def lock_space(session: Session, resource_id: int) -> Resource:
    """The space, row-locked on PostgreSQL so concurrent bookings of it queue here (on SQLite the write
    transaction's BEGIN IMMEDIATE already queues them), then taken from this worker's copy, checked against
    the settings counter as it stands once the lock is held (the centre's rules were read before it)."""
    lock_space_row(session, resource_id)
    return find_space_with_hours(session, resource_id)


def lock_space_row(session: Session, resource_id: int) -> None:
    """Queue behind other bookings of the space on PostgreSQL (SQLite's BEGIN IMMEDIATE already queued)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK_SPACE, {"id": resource_id})
        change_counters.forget(session)  # a change committed while this waited for the lock shows


def find_space(session: Session, resource_id: int) -> Resource:
    """The space, read without a lock (to parse a form against it before booking)."""
    resource = session.get(Resource, resource_id)
    if resource is None or not resource.active:
        raise errors.NotFound(N_("找不到该空间"), field="resource_id")
    return resource


def find_space_with_hours(session: Session, resource_id: int) -> Resource:
    """The space with its opening hours, from this worker's copy while the settings stand still."""
    resource = space_settings.space_with_hours(session, resource_id)
    if resource is None or not resource.active:
        raise errors.NotFound(N_("找不到该空间"), field="resource_id")
    return resource


def find_resident(session: Session, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise errors.NotFound(N_("找不到该居民"), field="resident_id")
    return resident


def _insert(session: Session, req: Request, actor: Actor, ctx: Context, channel: str, note: str | None,
            series_id: int | None = None) -> Booking:
    """The booking's row, written by one prebuilt INSERT rather than the ORM's flush (half the time the write
    lock was held), and handed to the session as if loaded: its space and resident come from the session."""
    session.flush()  # a resident or series added just before has its id
    values = {"resource_id": req.resource.id, "resident_id": req.resident.id, "series_id": series_id,
              "starts_at": req.start, "ends_at": req.end, "party_size": req.party_size, "status": "confirmed",
              "exclusive": req.resource.exclusive, "channel": channel, "booked_by_id": actor.user_id, "note": note,
              "cancel_reason": None, "created_at": ctx.now, "updated_at": ctx.now, "checked_in_at": None,
              "sequence": 0}
    if session.get_bind().dialect.name != "postgresql":  # only PostgreSQL has the constraint to trip
        values["id"] = statements.scalar(session, _INSERT, **values)
    else:
        with refusing(req, channel):
            try:
                with session.begin_nested():  # a series skipping the refused occurrence goes on with the others
                    values["id"] = statements.scalar(session, _INSERT, **values)
            except IntegrityError:  # the PostgreSQL exclusion constraint: someone was faster
                raise errors.Conflict() from None
    booking = Booking(**values)
    statements.inserted(session, booking)
    return booking


def offer_alternatives(session: Session, err: errors.RuleViolation, ctx: Context) -> None:
    """Add the nearest free slots to a conflict or capacity refusal.

    Separate from booking so callers can compute them after releasing the write lock.
    """
    req = err.request
    if req is not None and isinstance(err, errors.Conflict | errors.CapacityExceeded):
        found = availability.alternatives(session, req.resource, req.start, req.end, req.party_size, ctx,
                                         resident=req.resident)
        err.details["alternatives"] = [{"start": s, "end": e} for s, e in found]


@contextmanager
def refusing(req: Request, channel: str) -> Iterator[None]:
    """A refusal raised inside carries the request and its channel: the check-up counts refusals by both."""
    try:
        yield
    except errors.RuleViolation as err:
        err.request, err.channel = req, channel
        raise


def examine(session: Session, req: Request, ctx: Context, channel: str, settled_only: bool = False) -> None:
    """Every rule, or only those that need no query."""
    with refusing(req, channel):
        if settled_only:
            rules.check_settled(req, ctx)
        else:
            rules.check_all(session, req, ctx)


def book(session: Session, req: Request, actor: Actor, ctx: Context, channel: str = "api",
         note: str | None = None, with_alternatives: bool = True) -> Booking:
    """Book one slot, or raise the rule that refuses it, with alternatives when the space is full.

    with_alternatives=False leaves them to the caller (offer_alternatives), after the write lock.
    """
    require_booking_for(actor, req.resident.id)
    try:
        examine(session, req, ctx, channel)
    except errors.RuleViolation as err:
        if with_alternatives:
            offer_alternatives(session, err, ctx)
        raise
    return _insert(session, req, actor, ctx, channel, note)


def book_examined(session: Session, req: Request, actor: Actor, ctx: Context, channel: str,
                  note: str | None) -> Booking:
    """Book a slot whose settled rules (examine's settled_only) passed before the write lock, under the same
    settings: under the lock, the rules other bookings, holds and closures decide."""
    with refusing(req, channel):
        rules.check_occupancy(session, req, ctx)
    return _insert(session, req, actor, ctx, channel, note)


def book_series(session: Session, req: Request, rrule: "str | recurrence.Recurrence", actor: Actor, ctx: Context,
                skip_conflicts: bool = False, channel: str = "api", note: str | None = None,
                with_alternatives: bool = True) -> SeriesResult:
    """Book every occurrence of an RRULE: all or nothing, or skipping (and reporting) the refused ones.

    Pass a Recurrence (recurrence.expand) to have the rule checked and expanded before the lock.
    """
    require_booking_for(actor, req.resident.id)
    horizon = ctx.now + timedelta(days=rules.window_days(req.resource, req.resident, ctx))
    times = recurrence.occurrences(rrule, req.start, req.end, ctx.tz, horizon)
    rule_text = rrule.text if isinstance(rrule, recurrence.Recurrence) else rrule.strip()
    series = Series(resource_id=req.resource.id, resident_id=req.resident.id, rrule=rule_text,
                    created_at=ctx.now)
    session.add(series)
    session.flush()
    result = SeriesResult(series, [])
    for start, end in times:
        occurrence = Request(req.resource, req.resident, start, end, req.party_size)
        try:
            examine(session, occurrence, ctx, channel)
            result.bookings.append(_insert(session, occurrence, actor, ctx, channel, note, series.id))
        except errors.RuleViolation as err:
            if not skip_conflicts:
                err.details["occurrence"] = start
                if with_alternatives:
                    offer_alternatives(session, err, ctx)
                raise
            result.skipped.append({"start": start, "code": err.code, "message": err.message, "params": err.details})
    if not result.bookings:
        raise errors.Conflict(N_("所有日期都无法预约"), skipped=result.skipped)
    return result


def _change_status(booking: Booking, status: str, now: datetime) -> None:
    booking.status = status
    booking.updated_at = now
    booking.sequence += 1


def cancel(session: Session, booking: Booking, actor: Actor, now: datetime, reason: str | None = None,
           following: bool = False, notify: Settings | None = None) -> list[Booking]:
    """Cancel a booking (or it and the rest of its series); the seats are free at once.

    With `notify` (the messaging settings) each resident is told: a confirmation of their own
    cancellation, or a notice with the reason when the desk cancelled it.
    """
    require_cancel_rights(actor, booking)
    targets = [booking]
    if following and booking.series_id:
        targets = list(session.scalars(
            select(Booking).where(Booking.series_id == booking.series_id, Booking.starts_at >= booking.starts_at,
                                  Booking.status == "confirmed").order_by(Booking.starts_at)))
    if booking.status != "confirmed":
        raise errors.InvalidState(N_("该预约%(status_label)s，无法取消"), booking_status=booking.status)
    if booking.ends_at <= now and not actor.is_staff:
        raise errors.InvalidState(N_("已结束的预约无法取消"))
    for target in targets:
        _change_status(target, "cancelled", now)
        target.cancel_reason = reason
        if notify is not None:
            notices.cancellation(session, target, actor, now, notify)
    return targets


def check_in_opens(booking: Booking) -> datetime:
    return booking.starts_at - CHECK_IN_OPENS


def may_check_in(booking: Booking, now: datetime) -> bool:
    """What check_in allows: an hour before the start until the end (a late arrival corrects a no-show)."""
    return booking.status in ("confirmed", "no_show") and check_in_opens(booking) <= now < booking.ends_at


def may_mark_no_show(booking: Booking, now: datetime) -> bool:
    return booking.status == "confirmed" and now >= booking.starts_at


def check_in(session: Session, booking: Booking, actor: Actor, now: datetime) -> Booking:
    require_space_manager(actor, booking.resource)
    if booking.status not in ("confirmed", "no_show"):  # a late arrival corrects a no-show
        raise errors.InvalidState(N_("该预约%(status_label)s，无法签到"), booking_status=booking.status)
    if not check_in_opens(booking) <= now < booking.ends_at:
        raise errors.InvalidState(N_("只能在预约开始前一小时至结束前签到"))
    if booking.status == "no_show":  # its seat may have gone to someone else meanwhile
        lock_space(session, booking.resource_id)
        rules.check_room(session, booking.resource, booking.starts_at, booking.ends_at, booking.party_size)
    _change_status(booking, "checked_in", now)
    booking.checked_in_at = now
    return booking


def mark_no_show(booking: Booking, actor: Actor, now: datetime) -> Booking:
    require_space_manager(actor, booking.resource)
    if booking.status != "confirmed":
        raise errors.InvalidState(N_("该预约%(status_label)s，无法标记未到"), booking_status=booking.status)
    if now < booking.starts_at:
        raise errors.InvalidState(N_("预约尚未开始"))
    _change_status(booking, "no_show", now)
    return booking
