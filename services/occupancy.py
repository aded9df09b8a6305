"""How full a space is: the active bookings around a time and the peak seats they use."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from models import ACTIVE_STATUSES, Booking, Resource, WaitlistEntry

# No booking is longer than this, so a lookup can bound its index range scan on starts_at
# from below too; without it, every earlier booking of the space would be scanned.
LONGEST_BOOKING = timedelta(hours=24)


@dataclass(frozen=True)
class Use:
    start: datetime
    end: datetime
    seats: int


def uses_between(session: Session, resource: Resource, start: datetime, end: datetime) -> list[Use]:
    """Active uses of the space that overlap [start, end) widened by its buffer: bookings and held seats.

    One round trip (UNION ALL): this runs in every booking check and every availability answer.
    """
    buffer = timedelta(minutes=resource.buffer_minutes)
    lo, hi = start - buffer, end + buffer
    rows = session.execute(union_all(_booked(resource, lo, hi), _held(resource, lo, hi)))
    return [Use(s, e, n) for s, e, n in rows]


def held_between(session: Session, resource: Resource, lo: datetime, hi: datetime) -> list[Use]:
    return [Use(s, e, n) for s, e, n in session.execute(_held(resource, lo, hi))]


def _booked(resource: Resource, lo: datetime, hi: datetime):
    return select(Booking.starts_at, Booking.ends_at, Booking.party_size).where(
        Booking.resource_id == resource.id,
        Booking.starts_at > lo - LONGEST_BOOKING,
        Booking.starts_at < hi,
        Booking.ends_at > lo,
        Booking.status.in_(ACTIVE_STATUSES),
    )


def _held(resource: Resource, lo: datetime, hi: datetime):
    """Seats held by a waitlist offer count as taken until the offer is accepted, declined or expired.

    Every offered entry holds, even a little past `hold_until`: the housekeeping job expires it
    within a minute, and until then nobody else is promised the seat (accepting checks the deadline).
    """
    return select(WaitlistEntry.starts_at, WaitlistEntry.ends_at, WaitlistEntry.party_size).where(
        WaitlistEntry.resource_id == resource.id,
        WaitlistEntry.status == "offered",
        WaitlistEntry.starts_at < hi,
        WaitlistEntry.ends_at > lo,
    )


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
