"""Free slots per space and day, and the nearest free alternatives to a refused request."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from models import Resource
from services.booking import occupancy, opening
from services.booking.rules import Context
from services.core.clock import at_local

ALTERNATIVE_DAYS = 7


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    remaining: int
    status: str  # free, full, closed, past


def grid(resource: Resource, day: date, ctx: Context) -> list[tuple[datetime, datetime]]:
    """The space's slot grid on a local day: slot_minutes steps through each opening period."""
    step = timedelta(minutes=resource.slot_minutes)
    cells = []
    for period in opening.opening_periods(resource, day, ctx.centre, ctx.tz):
        start = period.start
        while start + step <= period.end:
            cells.append((start, start + step))
            start += step
    return cells


def day_slots(session: Session, resource: Resource, day: date, ctx: Context) -> list[Slot]:
    cells = grid(resource, day, ctx)
    if not cells:
        return []
    first, last = cells[0][0], cells[-1][1]
    near = occupancy.around(session, resource, first, last)
    return [_slot(resource, start, end, near.uses, near.closures, ctx) for start, end in cells]


def _slot(resource, start, end, uses, closures, ctx: Context) -> Slot:
    if any(c.starts_at < end and c.ends_at > start for c in closures):
        return Slot(start, end, 0, "closed")
    remaining = occupancy.seats_free(resource, uses, start, end)
    if end <= ctx.now:
        return Slot(start, end, remaining, "past")
    return Slot(start, end, remaining, "free" if remaining else "full")


def alternatives(session: Session, resource: Resource, start: datetime, end: datetime, party_size: int,
                 ctx: Context, limit: int = 3) -> list[tuple[datetime, datetime]]:
    """Free periods of the same length nearest to the requested start: that day first, then the week after."""
    first_day = start.astimezone(ctx.tz).date()
    found = _free_in_days(session, resource, [first_day], start, end, party_size, ctx)
    if len(found) < limit:
        later = [first_day + timedelta(days=n) for n in range(1, ALTERNATIVE_DAYS)]
        found += _free_in_days(session, resource, later, start, end, party_size, ctx)
    return found[:limit]


def _free_in_days(session, resource, days, start, end, party_size, ctx: Context) -> list[tuple[datetime, datetime]]:
    span_start = at_local(days[0], datetime.min.time(), ctx.tz)
    span_end = at_local(days[-1], datetime.min.time(), ctx.tz) + timedelta(days=1)
    near = occupancy.around(session, resource, span_start, span_end)
    found = []
    for day in days:
        for period in opening.opening_periods(resource, day, ctx.centre, ctx.tz):
            found.extend(_fits_in(resource, period, end - start, party_size, near.uses, near.closures, ctx))
    return sorted((c for c in found if c[0] != start), key=lambda c: abs(c[0] - start))


def _fits_in(resource, period, length, party_size, uses, closures, ctx: Context):
    step = timedelta(minutes=resource.slot_minutes)
    earliest = ctx.now if ctx.by_staff else ctx.now + timedelta(minutes=resource.min_notice_minutes)
    candidate = period.start
    while candidate + length <= period.end:
        cand_end = candidate + length
        open_now = candidate >= earliest and not any(
            c.starts_at < cand_end and c.ends_at > candidate for c in closures
        )
        if open_now and occupancy.seats_free(resource, uses, candidate, cand_end) >= party_size:
            yield candidate, cand_end
        candidate += step
