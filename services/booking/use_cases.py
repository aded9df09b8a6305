"""The booking use-cases: book, book a series, cancel, check in, mark a no-show, and the audited reads.

API, desk, portal and operator pages all come here; they differ only in how they parse and render.
Each use-case checks access, takes the space's lock where seats are at stake, applies the rules,
writes the audit entry and commits or rolls back in one `write_transaction`. Parsing and
authentication happen before it, and the nearest free slots for a refused booking are looked up
after it, so the write lock is held only for the few statements that check and write.
"""
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models import Booking, Resource, Series
from services.booking import booking, dayboard, recurrence
from services.booking.rules import Context, Request
from services.checkup import refusals
from services.core import audit, centre, errors
from services.core.access import Actor, require_booking_for, visible_booking, visible_bookings
from services.core.storage import settings_cache
from services.core.storage.transaction import read_only, write_transaction
from services.routines.scheduler_settings import Settings


@dataclass(frozen=True)
class BookingInput:
    """A parsed booking request: ids, not rows (rows are loaded under the lock)."""

    resource_id: int
    resident_id: int
    start: datetime
    end: datetime
    party_size: int = 1
    channel: str = "api"
    note: str | None = None


@dataclass
class Booked:
    bookings: list[Booking]
    series: Series | None = None
    skipped: list[dict] = field(default_factory=list)


def _changed(session: Session, actor: Actor, bookings: list[Booking], action: str, now: datetime) -> None:
    for each in bookings:
        audit.booking_touched(session, actor.user_id, each, action, now)


def _request(session: Session, wanted: BookingInput) -> Request:
    return Request(booking.find_space_with_hours(session, wanted.resource_id),
                   booking.find_resident(session, wanted.resident_id), wanted.start, wanted.end, wanted.party_size)


def _locked_request(session: Session, wanted: BookingInput) -> Request:
    booking.lock_space_row(session, wanted.resource_id)
    return _request(session, wanted)


def _booking_write(session: Session, actor: Actor, now: datetime, tz: ZoneInfo, write) -> Booked:
    """Run one booking write under the space's lock; a refusal gets its alternatives after the lock."""
    ctx: Context | None = None
    try:
        # keep_loaded: the write only adds rows, so the answer is made from them without reading them back
        with write_transaction(session, keep_loaded=True):
            ctx = centre.context(session, now, tz, by_staff=actor.is_staff)
            made = write(ctx)
            _changed(session, actor, made.bookings, audit.CREATE, now)
    except errors.RuleViolation as err:
        _refused(session, err, ctx, tz, now)
        raise
    return made


def _refused(session: Session, err: errors.RuleViolation, ctx: Context | None, tz: ZoneInfo, now: datetime) -> None:
    """The nearest free slots, read without holding the lock, and the refusal for the check-up's unmet demand."""
    if ctx is not None:
        booking.offer_alternatives(session, err, ctx)
    refused = refusals.refusal_of(err, tz)
    refusals.record(session, [refused] if refused else [], now)  # anonymous


def book(session: Session, actor: Actor, wanted: BookingInput, now: datetime, tz: ZoneInfo) -> Booked:
    """Book one slot, or raise the rule that refuses it (with the nearest free slots when it is full).

    The rules that need no query (shape, eligibility, timing, hours) are examined first, in the request's read;
    under the write lock, with the same settings, only those other bookings, holds and closures decide. If an
    admin changed the settings in between, every rule is examined under the lock, on fresh rows. (The resident's
    groups are taken as they were read: an edit of the resident landing in between counts as made after it.)
    """
    require_booking_for(actor, wanted.resident_id)
    ctx: Context | None = None
    try:
        with read_only(session):
            ctx = centre.context(session, now, tz, by_staff=actor.is_staff)
            req = _request(session, wanted)
            looked_under = settings_cache.version(session)
            booking.examine(session, req, ctx, wanted.channel, settled_only=True)
        with write_transaction(session, keep_loaded=True, keep_read=True):
            booking.lock_space_row(session, wanted.resource_id)
            if settings_cache.version(session) == looked_under:
                made = booking.book_examined(session, req, actor, ctx, wanted.channel, wanted.note)
            else:
                session.expire_all()  # what the read loaded is read again
                ctx = centre.context(session, now, tz, by_staff=actor.is_staff)
                made = booking.book(session, _request(session, wanted), actor, ctx, wanted.channel, wanted.note,
                                    with_alternatives=False)
            _changed(session, actor, [made], audit.CREATE, now)
    except errors.RuleViolation as err:
        _refused(session, err, ctx, tz, now)
        raise
    return Booked([made])


def book_series(session: Session, actor: Actor, wanted: BookingInput, rrule: str, now: datetime, tz: ZoneInfo,
                skip_conflicts: bool = False) -> Booked:
    """Book every occurrence of an RRULE: all or nothing, or skipping (and reporting) the refused ones.

    The rule is checked and expanded first, in bounded time and without any lock (recurrence.expand).
    """
    require_booking_for(actor, wanted.resident_id)
    recurring = recurrence.expand(rrule, wanted.start, wanted.end, tz)

    def write(ctx: Context) -> Booked:
        req = _locked_request(session, wanted)
        result = booking.book_series(session, req, recurring, actor, ctx, skip_conflicts=skip_conflicts,
                                     channel=wanted.channel, note=wanted.note, with_alternatives=False)
        groups.extend(req.resident.groups_on(wanted.start.astimezone(tz).date()))
        return Booked(result.bookings, result.series, result.skipped)

    groups: list[str] = []
    made = _booking_write(session, actor, now, tz, write)
    refusals.record(session, refusals.skipped_occurrences(wanted.resource_id, groups, wanted.channel, made.skipped),
                    now)
    return made


def cancel(session: Session, actor: Actor, booking_id: int, now: datetime, reason: str | None = None,
           following: bool = False, notify: Settings | None = None) -> Booking:
    """Cancel a booking (or it and the rest of its series); the seats are free at once.

    With `notify`, each resident is told (a confirmation of their own cancellation, else a notice)."""
    with write_transaction(session):
        target = visible_booking(session, actor, booking_id)
        cancelled = booking.cancel(session, target, actor, now, reason, following=following, notify=notify)
        _changed(session, actor, cancelled, audit.CHANGE, now)
    return target


def check_in(session: Session, actor: Actor, booking_id: int, now: datetime) -> Booking:
    with write_transaction(session):
        target = visible_booking(session, actor, booking_id)
        booking.check_in(session, target, actor, now)
        _changed(session, actor, [target], audit.CHANGE, now)
    return target


def mark_no_show(session: Session, actor: Actor, booking_id: int, now: datetime) -> Booking:
    with write_transaction(session):
        target = visible_booking(session, actor, booking_id)
        booking.mark_no_show(target, actor, now)
        _changed(session, actor, [target], audit.CHANGE, now)
    return target


def read_booking(session: Session, actor: Actor, booking_id: int, now: datetime) -> Booking:
    """One booking the actor may see; reading a counselling-type booking is written in the audit trail."""
    found = visible_booking(session, actor, booking_id)
    audit.reads_recorded(session, actor.user_id, audit.sensitive_entries(bookings=[found]), now)
    return found


@dataclass(frozen=True)
class BookingFilter:
    resource_id: int | None = None
    resident_id: int | None = None
    ends_after: datetime | None = None
    starts_before: datetime | None = None
    status: str | None = None
    limit: int = 1000


def list_bookings(session: Session, actor: Actor, wanted: BookingFilter, now: datetime) -> list[Booking]:
    """The bookings the actor may see that match the filter, earliest first; sensitive ones audited."""
    stmt = visible_bookings(actor)
    if wanted.resource_id is not None:
        stmt = stmt.where(Booking.resource_id == wanted.resource_id)
    if wanted.resident_id is not None:
        stmt = stmt.where(Booking.resident_id == wanted.resident_id)
    if wanted.ends_after is not None:
        stmt = stmt.where(Booking.ends_at > wanted.ends_after)
    if wanted.starts_before is not None:
        stmt = stmt.where(Booking.starts_at < wanted.starts_before)
    if wanted.status is not None:
        stmt = stmt.where(Booking.status == wanted.status)
    rows = list(session.scalars(stmt.order_by(Booking.starts_at, Booking.id).limit(wanted.limit)))
    audit.reads_recorded(session, actor.user_id, audit.sensitive_entries(bookings=rows), now)
    return rows


def read_space_days(session: Session, actor: Actor, spaces: list[Resource], ctx: Context,
                    day) -> list[dayboard.SpaceDay]:
    """A day's bookings of some spaces (the roster, an operator's schedule); sensitive spaces audited."""
    days = dayboard.board(session, day, ctx, spaces) if spaces else []
    entries = [("booking", b.id) for space_day in days if space_day.resource.sensitive
               for b in space_day.bookings]
    audit.reads_recorded(session, actor.user_id, entries, ctx.now)
    return days
