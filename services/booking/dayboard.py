"""The front desk's day at a glance: every space's slots, bookings and closures on one local day.

Three queries for the whole board (spaces with hours, the day's bookings, the day's closures), so it
stays fast with thirty spaces on a busy day.
"""
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from models import (
    ACTIVE_STATUSES,
    ActivitySession,
    Booking,
    Building,
    Closure,
    Resident,
    Resource,
    WaitlistEntry,
)
from services.booking import occupancy
from services.booking.availability import Slot, grid
from services.booking.rules import DESK_GRACE, Context
from services.core.clock import local_day_bounds


@dataclass(frozen=True)
class BoardBooking:
    """What the board, roster and schedule show of a booking: plain values, no ORM object to load."""

    id: int
    resource_id: int
    starts_at: datetime
    ends_at: datetime
    party_size: int
    status: str
    resident_name: str
    building_name: str | None
    # An activity session's hold on the space (no resident): the board opens the session's roster instead.
    session_id: int | None = None


@dataclass
class SpaceDay:
    resource: Resource
    slots: list[Slot]
    bookings: list[BoardBooking]
    closures: list[Closure]
    bookings_by_slot: dict[datetime, list[BoardBooking]] = field(default_factory=dict)
    # The board's columns are local hours; each holds the slots starting in it.
    slots_by_hour: dict[int, list[Slot]] = field(default_factory=dict)


def _uses(bookings: list[BoardBooking], held: list[occupancy.Use]) -> list[occupancy.Use]:
    """Active bookings and seats held by waitlist offers: what every booking check counts too."""
    booked = [occupancy.Use(b.starts_at, b.ends_at, b.party_size) for b in bookings if b.status in ACTIVE_STATUSES]
    return booked + held


def _slot(resource: Resource, start, end, uses, closures, now) -> Slot:
    if any(c.starts_at < end and c.ends_at > start for c in closures):
        return Slot(start, end, 0, "closed")
    remaining = occupancy.seats_free(resource, uses, start, end)
    if end <= now:
        return Slot(start, end, remaining, "past")
    if start < now - DESK_GRACE:  # in progress beyond what the desk may still book
        return Slot(start, end, remaining, "too_soon")
    if not remaining and resource.exclusive and not any(u.start < end and u.end > start for u in uses):
        return Slot(start, end, 0, "buffer")  # nothing booked in it: only a neighbour's buffer blocks it
    return Slot(start, end, remaining, "free" if remaining else "full")


def _space_day(resource: Resource, day: date, bookings: list[BoardBooking], closures: list[Closure],
               ctx: Context, held: list[occupancy.Use]) -> SpaceDay:
    mine = [c for c in closures if c.resource_id in (None, resource.id)]
    uses = _uses(bookings, held)
    slots = [_slot(resource, s, e, uses, mine, ctx.now) for s, e in grid(resource, day, ctx)]
    by_slot: dict[datetime, list[BoardBooking]] = defaultdict(list)
    starts = [s.start for s in slots]
    for booking in bookings:
        at = bisect_right(starts, booking.starts_at) - 1  # the slot the booking starts in
        inside = at >= 0 and booking.starts_at < slots[at].end
        by_slot[starts[at] if inside else booking.starts_at].append(booking)
    by_hour: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_hour[slot.start.astimezone(ctx.tz).hour].append(slot)
    return SpaceDay(resource, slots, bookings, mine, dict(by_slot), dict(by_hour))


def spaces_query(resource_ids: list[int] | None = None):
    stmt = (select(Resource).where(Resource.active.is_(True)).options(selectinload(Resource.hours))
            .order_by(Resource.floor, Resource.id))
    return stmt.where(Resource.id.in_(resource_ids)) if resource_ids is not None else stmt


def board(session: Session, day: date, ctx: Context, resources: list[Resource] | None = None) -> list[SpaceDay]:
    """Every space (or the given ones) on `day`; cancelled bookings are left out."""
    spaces = resources if resources is not None else list(session.scalars(spaces_query()))
    start, end = local_day_bounds(day, ctx.tz)
    ids = [r.id for r in spaces]
    rows = session.execute(
        select(Booking.id, Booking.resource_id, Booking.starts_at, Booking.ends_at, Booking.party_size,
               Booking.status, func.coalesce(Resident.name, Booking.note), Building.name, ActivitySession.id)
        # Outer join: an activity session holds its space with a resident-less row (its note names it).
        .outerjoin(Resident, Booking.resident_id == Resident.id)
        .outerjoin(ActivitySession, ActivitySession.booking_id == Booking.id)
        .outerjoin(Building, Resident.building_id == Building.id)
        .where(Booking.resource_id.in_(ids), Booking.starts_at < end, Booking.ends_at > start,
               Booking.starts_at >= start - occupancy.LONGEST_BOOKING,  # bounds the index range from below
               Booking.status != "cancelled")
        .order_by(Booking.starts_at, Booking.id))
    by_space: dict[int, list[BoardBooking]] = defaultdict(list)
    for row in rows:
        by_space[row[1]].append(BoardBooking(*row))
    closures = list(session.scalars(select(Closure).where(
        or_(Closure.resource_id.in_(ids), Closure.resource_id.is_(None)), Closure.starts_at < end,
        Closure.ends_at > start)))
    held: dict[int, list[occupancy.Use]] = defaultdict(list)
    for resource_id, hold_start, hold_end, seats in session.execute(
            select(WaitlistEntry.resource_id, WaitlistEntry.starts_at, WaitlistEntry.ends_at, WaitlistEntry.party_size)
            .where(WaitlistEntry.resource_id.in_(ids), WaitlistEntry.status == "offered",
                   WaitlistEntry.starts_at < end, WaitlistEntry.ends_at > start)):
        held[resource_id].append(occupancy.Use(hold_start, hold_end, seats))
    return [_space_day(r, day, by_space[r.id], closures, ctx, held[r.id]) for r in spaces]


def hours_spanned(days: list[SpaceDay], tz) -> list[int]:
    """The local hours (columns of the board) from the earliest opening to the latest closing."""
    starts = [s.start.astimezone(tz).hour for d in days for s in d.slots]
    ends = [(s.end.astimezone(tz).hour if s.end.astimezone(tz).minute == 0 else s.end.astimezone(tz).hour + 1)
            for d in days for s in d.slots]
    return list(range(min(starts), max(ends))) if starts else []
