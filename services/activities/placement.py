"""Placing an activity's sessions: each one reserves its space through the booking rules and the space's lock.

A session holds its space with a Booking row that has no resident. Every check a booking passes
(opening hours, closures, holidays, exclusive conflicts and buffers, shared capacity) runs against
that row's seats, with the space row locked as for a booking; on PostgreSQL the exclusion constraint
refuses what slips through, since the hold row is a booking in an exclusive space like any other.
"""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Booking, Resource
from services.booking import occupancy, recurrence, rules
from services.booking.rules import Context
from services.core import errors
from services.core.errors import N_


@dataclass
class Placed:
    sessions: list[ActivitySession]
    skipped: list[dict] = field(default_factory=list)


def horizon(ctx: Context) -> datetime:
    """How far ahead a programme may be placed: the desk's booking window."""
    return ctx.now + timedelta(days=ctx.centre.staff_window_days)


def check_place(session: Session, resource: Resource, start: datetime, end: datetime, seats: int,
                ctx: Context) -> None:
    """The booking rules that bind a space, not a person: shape, time, hours, closures, room."""
    rules.check_shape(resource, start, end, seats)
    if start < ctx.now:
        raise errors.TooSoon(N_("该时段已过"))
    if start > horizon(ctx):
        days = ctx.centre.staff_window_days
        raise errors.TooFar(N_("最多可提前 %(days)s 天安排"), days=days, window_days=days)
    near = occupancy.around(session, resource, start, end)
    rules.check_open(session, resource, start, end, ctx, near.closures)
    rules.check_room(session, resource, start, end, seats, near.uses)


def hold_space(session: Session, resource: Resource, start: datetime, end: datetime, seats: int,
               title: str, user_id: int | None, now: datetime) -> Booking:
    """The resident-less booking row that holds the space; a PostgreSQL exclusion violation is a conflict."""
    row = Booking(resource_id=resource.id, resident_id=None, starts_at=start, ends_at=end, party_size=seats,
                  status="confirmed", exclusive=resource.exclusive, channel="desk", booked_by_id=user_id,
                  note=f"活动：{title}"[:500], created_at=now, updated_at=now)
    if session.get_bind().dialect.name != "postgresql":
        session.add(row)
        session.flush()
        return row
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise errors.Conflict() from None
    return row


def _new_session(session: Session, activity: Activity, resource: Resource, start: datetime, end: datetime,
                 user_id: int | None, now: datetime) -> ActivitySession:
    hold = hold_space(session, resource, start, end, activity.seats, activity.title, user_id, now)
    placed = ActivitySession(activity_id=activity.id, resource_id=resource.id, booking_id=hold.id, starts_at=start,
                             ends_at=end, seats=activity.seats, status="scheduled",
                             checkin_token=secrets.token_urlsafe(24), created_at=now, updated_at=now)
    session.add(placed)
    session.flush()
    return placed


def place_sessions(session: Session, activity: Activity, resource: Resource, start: datetime, end: datetime,
                   rrule: str | None, skip_conflicts: bool, user_id: int | None, ctx: Context) -> Placed:
    """Every occurrence, all or nothing unless skip_conflicts; the caller holds the space's lock."""
    times = [(start, end)] if rrule is None else recurrence.occurrences(rrule, start, end, ctx.tz, horizon(ctx))
    placed = Placed([])
    for occ_start, occ_end in times:
        try:
            check_place(session, resource, occ_start, occ_end, activity.seats, ctx)
            placed.sessions.append(_new_session(session, activity, resource, occ_start, occ_end, user_id, ctx.now))
        except errors.RuleViolation as err:
            if not skip_conflicts:
                err.details["occurrence"] = occ_start
                raise
            placed.skipped.append({"start": occ_start, "code": err.code, "message": err.message})
    if not placed.sessions:
        raise errors.Conflict(N_("所有日期都无法安排"), skipped=placed.skipped)
    return placed


def release(session_row: ActivitySession, now: datetime) -> None:
    """Give the space back: the hold row is cancelled, so its seats are free at once."""
    hold = session_row.booking
    if hold is not None and hold.status == "confirmed":
        hold.status, hold.updated_at, hold.sequence = "cancelled", now, hold.sequence + 1
        hold.cancel_reason = session_row.cancel_reason
