"""Week and month calendars of a space or a resident, on the same slot service as the day board.

A resident's calendar shows the household's bookings and the activity sessions they are enrolled in."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import ACTIVE_STATUSES, Booking, Resident, Resource
from services.activities.listing import EnrolledSession, household_sessions
from services.booking import availability
from services.booking.rules import Context
from services.core.access import Actor, runs_space
from services.core.clock import local_day_bounds


@dataclass
class CalendarDay:
    day: date
    slots: list[availability.Slot] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    sessions: list[EnrolledSession] = field(default_factory=list)  # a resident's calendar only

    @property
    def empty(self) -> bool:
        return not self.bookings and not self.sessions

    @property
    def free(self) -> int:
        return sum(1 for s in self.slots if s.status == "free")

    @property
    def closed(self) -> bool:
        return not self.slots or all(s.status == "closed" for s in self.slots)


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def month_weeks(day: date) -> list[list[date]]:
    """The Monday-first weeks covering the month of `day` (days outside the month included)."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    weeks, monday = [], first - timedelta(days=first.weekday())
    while monday < following:
        weeks.append([monday + timedelta(days=n) for n in range(7)])
        monday += timedelta(days=7)
    return weeks


def sees_bookings(actor: Actor, resource: Resource) -> bool:
    """Staff and the space's operator see who booked; residents see free and full only."""
    return actor.is_staff or runs_space(actor, resource)


def _bookings(session: Session, days: list[date], ctx: Context, **where) -> list[Booking]:
    start, _ = local_day_bounds(days[0], ctx.tz)
    _, end = local_day_bounds(days[-1], ctx.tz)
    stmt = (select(Booking).options(selectinload(Booking.resident), selectinload(Booking.resource))
            .where(Booking.starts_at < end, Booking.ends_at > start))
    if "resource_id" in where:
        stmt = stmt.where(Booking.resource_id == where["resource_id"], Booking.status.in_(ACTIVE_STATUSES))
    else:
        stmt = stmt.where(Booking.resident_id.in_(where["resident_ids"]))
    return list(session.scalars(stmt.order_by(Booking.starts_at, Booking.id)))


def _by_day(bookings: list[Booking], ctx: Context) -> dict[date, list[Booking]]:
    grouped: dict[date, list[Booking]] = {}
    for booking in bookings:
        grouped.setdefault(booking.starts_at.astimezone(ctx.tz).date(), []).append(booking)
    return grouped


def space_days(session: Session, actor: Actor, resource: Resource, days: list[date], ctx: Context,
               with_slots: bool = True) -> list[CalendarDay]:
    """Each day's slots (free, full, closed, past) and, for those who may see them, its bookings."""
    grouped = _by_day(_bookings(session, days, ctx, resource_id=resource.id), ctx) \
        if sees_bookings(actor, resource) else {}
    return [CalendarDay(day, availability.day_slots(session, resource, day, ctx) if with_slots else [],
                        grouped.get(day, [])) for day in days]


def household(session: Session, resident: Resident) -> list[int]:
    """The resident and those they are guardian of."""
    return [resident.id, *session.scalars(select(Resident.id).where(Resident.guardian_id == resident.id))]


def resident_days(session: Session, resident_ids: list[int], days: list[date], ctx: Context) -> list[CalendarDay]:
    grouped = _by_day(_bookings(session, days, ctx, resident_ids=resident_ids), ctx)
    start, _ = local_day_bounds(days[0], ctx.tz)
    _, end = local_day_bounds(days[-1], ctx.tz)
    enrolled: dict[date, list[EnrolledSession]] = {}
    for held in household_sessions(session, resident_ids, start, end):
        enrolled.setdefault(held.row.starts_at.astimezone(ctx.tz).date(), []).append(held)
    return [CalendarDay(day, [], grouped.get(day, []), enrolled.get(day, [])) for day in days]
