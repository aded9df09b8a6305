"""How full a space is: the active bookings around a time and the peak seats they use."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from models import ACTIVE_STATUSES, Booking, Closure, Resource, WaitlistEntry
from services.core.storage import statements

# No booking is longer than this, so a lookup can bound its index range scan on starts_at
# from below too; without it, every earlier booking of the space would be scanned.
LONGEST_BOOKING = timedelta(hours=24)


@dataclass(frozen=True)
class Use:
    start: datetime
    end: datetime
    seats: int


@dataclass(frozen=True)
class ClosedPeriod:
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class Around:
    """What stands in the way of a booking of [start, end): uses (bookings, held seats) and closures."""

    uses: list[Use]
    closures: list[ClosedPeriod]


def uses_between(session: Session, resource: Resource, start: datetime, end: datetime) -> list[Use]:
    """Active uses of the space that overlap [start, end) widened by its buffer: bookings and held seats."""
    return around(session, resource, start, end, with_closures=False).uses


def around(session: Session, resource: Resource, start: datetime, end: datetime,
           with_closures: bool = True) -> Around:
    """Uses and closures of the space near [start, end) in one round trip (UNION ALL).

    This runs in every booking check and every availability answer, where round trips dominate.
    """
    buffer = timedelta(minutes=resource.buffer_minutes)
    lo, hi = start - buffer, end + buffer
    params = {"resource_id": resource.id, "lo": lo, "hi": hi, "scan_from": lo - LONGEST_BOOKING,
              "start": start, "end": end}
    found = Around([], [])
    for kind, s, e, seats, reason in statements.rows(session, _AROUND if with_closures else _USES, **params):
        if kind == "closure":
            found.closures.append(ClosedPeriod(s, e, reason))
        else:
            found.uses.append(Use(s, e, seats))
    return found


def closures_between(session: Session, resource: Resource, start: datetime, end: datetime) -> list[ClosedPeriod]:
    """Closures of the space, or of the whole centre, overlapping [start, end)."""
    params = {"resource_id": resource.id, "start": start, "end": end}
    return [ClosedPeriod(s, e, reason) for _, s, e, _, reason in session.execute(_CLOSED, params)]


def held_between(session: Session, resource: Resource, lo: datetime, hi: datetime) -> list[Use]:
    rows = session.execute(_HELD, {"resource_id": resource.id, "lo": lo, "hi": hi})
    return [Use(s, e, n) for _, s, e, n, _ in rows]


# Built once with bound parameters: constructing the statements cost as much as running them.
_BOOKED = select(literal("booking"), Booking.starts_at, Booking.ends_at, Booking.party_size,
                 null().cast(String)).where(
    Booking.resource_id == bindparam("resource_id"),
    Booking.starts_at > bindparam("scan_from"),
    Booking.starts_at < bindparam("hi"),
    Booking.ends_at > bindparam("lo"),
    Booking.status.in_(ACTIVE_STATUSES),
)
# Seats held by a waitlist offer count as taken until the offer is accepted, declined or expired.
# Every offered entry holds, even a little past `hold_until`: the housekeeping job expires it
# within a minute, and until then nobody else is promised the seat (accepting checks the deadline).
_HELD = select(literal("hold"), WaitlistEntry.starts_at, WaitlistEntry.ends_at, WaitlistEntry.party_size,
               null().cast(String)).where(
    WaitlistEntry.resource_id == bindparam("resource_id"),
    WaitlistEntry.status == "offered",
    WaitlistEntry.starts_at < bindparam("hi"),
    WaitlistEntry.ends_at > bindparam("lo"),
)
_CLOSED = select(literal("closure"), Closure.starts_at, Closure.ends_at, literal(0), Closure.reason).where(
    or_(Closure.resource_id == bindparam("resource_id"), Closure.resource_id.is_(None)),
    Closure.starts_at < bindparam("end"),
    Closure.ends_at > bindparam("start"),
)
_USES = union_all(_BOOKED, _HELD)
_AROUND = union_all(_BOOKED, _HELD, _CLOSED)


def peak_seats(uses: list[Use], start: datetime, end: datetime) -> int:
    """The most seats in use at any instant of [start, end)."""
    events = []
    for use in uses:
        if use.start < end and use.end > start:
            events.append((max(use.start, start), 1, use.seats))
            events.append((min(use.end, end), 0, -use.seats))  # ends sort before starts
    peak = running = 0
    for _, _, delta in sorted(events):
        running += delta
        peak = max(peak, running)
    return peak


def blocked_by_exclusive(uses: list[Use], start: datetime, end: datetime, buffer_minutes: int) -> bool:
    buffer = timedelta(minutes=buffer_minutes)
    return any(u.start < end + buffer and u.end > start - buffer for u in uses)


def seats_free(resource: Resource, uses: list[Use], start: datetime, end: datetime) -> int:
    """Seats a new booking of [start, end) could still take."""
    if resource.exclusive:
        blocked = blocked_by_exclusive(uses, start, end, resource.buffer_minutes)
        return 0 if blocked else resource.capacity
    return max(0, resource.capacity - peak_seats(uses, start, end))
