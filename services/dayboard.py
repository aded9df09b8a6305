"""The front desk's day at a glance: every space's slots, bookings and closures on one local day.

Three queries for the whole board (spaces with hours, the day's bookings, the day's closures), so it
stays fast with thirty spaces on a busy day.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import ACTIVE_STATUSES, Booking, Closure, Resource

from . import occupancy
from .availability import Slot, grid
from .clock import local_day_bounds
from .rules import Context


@dataclass
class SpaceDay:
    resource: Resource
    slots: list[Slot]
    bookings: list[Booking]
    closures: list[Closure]
    bookings_by_slot: dict[datetime, list[Booking]] = field(default_factory=dict)
    # The board's columns are local hours; each holds the slots starting in it.
    slots_by_hour: dict[int, list[Slot]] = field(default_factory=dict)


def _uses(bookings: list[Booking]) -> list[occupancy.Use]:
    return [occupancy.Use(b.starts_at, b.ends_at, b.party_size) for b in bookings if b.status in ACTIVE_STATUSES]


def _slot(resource: Resource, start, end, uses, closures, now) -> Slot:
    if any(c.starts_at < end and c.ends_at > start for c in closures):
        return Slot(start, end, 0, "closed")
    remaining = occupancy.seats_free(resource, uses, start, end)
    if end <= now:
        return Slot(start, end, remaining, "past")
    return Slot(start, end, remaining, "free" if remaining else "full")


def _space_day(resource: Resource, day: date, bookings: list[Booking], closures: list[Closure],
               ctx: Context) -> SpaceDay:
    mine = [c for c in closures if c.resource_id in (None, resource.id)]
    uses = _uses(bookings)
    slots = [_slot(resource, s, e, uses, mine, ctx.now) for s, e in grid(resource, day, ctx)]
    by_slot: dict[datetime, list[Booking]] = defaultdict(list)
    for booking in bookings:
        home = next((s.start for s in slots if s.start <= booking.starts_at < s.end), None)
        by_slot[home or booking.starts_at].append(booking)
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
    bookings = session.scalars(
        select(Booking).options(joinedload(Booking.resident))
        .where(Booking.resource_id.in_(ids), Booking.starts_at < end, Booking.ends_at > start,
               Booking.status != "cancelled")
        .order_by(Booking.starts_at, Booking.id))
    by_space: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_space[booking.resource_id].append(booking)
    closures = list(session.scalars(select(Closure).where(
        or_(Closure.resource_id.in_(ids), Closure.resource_id.is_(None)), Closure.starts_at < end,
        Closure.ends_at > start)))
    return [_space_day(r, day, by_space[r.id], closures, ctx) for r in spaces]


def hours_spanned(days: list[SpaceDay], tz) -> list[int]:
    """The local hours (columns of the board) from the earliest opening to the latest closing."""
    starts = [s.start.astimezone(tz).hour for d in days for s in d.slots]
    ends = [(s.end.astimezone(tz).hour if s.end.astimezone(tz).minute == 0 else s.end.astimezone(tz).hour + 1)
            for d in days for s in d.slots]
    return list(range(min(starts), max(ends))) if starts else []
