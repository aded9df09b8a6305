"""Free slots per space and day, and the nearest free alternatives to a refused request.

Availability answers for the person asking: a slot is "free" only when that actor could book it
now (the same rule functions as booking), so a page never offers what a booking then refuses.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from models import Resident, Resource
from services.booking import answers, occupancy, opening, rules
from services.booking.rules import Context
from services.core import errors
from services.core.clock import at_local

ALTERNATIVE_DAYS = 7
# What a slot may say, besides free: why this actor cannot book it now.
STATUSES = ("free", "full", "closed", "past", "not_eligible", "too_soon", "too_far", "quota")


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    remaining: int
    status: str  # one of STATUSES

    @property
    def bookable(self) -> bool:
        return self.status == "free"


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


class _Refusals:
    """The actor-specific rules (eligibility, notice, window, weekly quota) as a status, memoised per week."""

    def __init__(self, session: Session, resource: Resource, resident: Resident | None, ctx: Context):
        self.session, self.resource, self.resident, self.ctx = session, resource, resident, ctx
        self._quota: dict[date, str | None] = {}

    def status(self, start: datetime, end: datetime) -> str | None:
        try:
            rules.check_eligible(self.resource, self.resident, self.ctx)
            rules.check_timing(self.resource, self.resident, start, end, self.ctx)
        except errors.RuleViolation as err:
            return err.code
        return self._quota_status(start)

    def _quota_status(self, start: datetime) -> str | None:
        if self.resident is None or self.resource.weekly_quota is None:
            return None
        local = start.astimezone(self.ctx.tz).date()
        monday = local - timedelta(days=local.weekday())
        if monday not in self._quota:
            try:
                rules.check_quota(self.session, self.resource, self.resident, start, self.ctx)
                self._quota[monday] = None
            except errors.QuotaExceeded as err:
                self._quota[monday] = err.code
        return self._quota[monday]


def day_slots(session: Session, resource: Resource, day: date, ctx: Context,
              resident: Resident | None = None) -> list[Slot]:
    """The day's slots as `ctx`'s actor booking for `resident` would find them (None: anyone in no group).

    Reused from this worker's copy while nothing it reads has changed (services/booking/answers.py)."""
    key = ("day_slots", resource.id, day, ctx.by_staff, resident.id if resident else None)

    def work_out():
        slots = tuple(_day_slots(session, resource, day, ctx, resident))
        return slots, minute_stable(slots)
    return list(answers.reused(session, key, ctx.now, work_out))  # a list of its own: the copy is shared


def minute_stable(slots) -> bool:
    """Whether the clock can change these slots only at whole minutes (see answers.reused)."""
    return answers.on_whole_minutes(edge for slot in slots for edge in (slot.start, slot.end))


def _day_slots(session: Session, resource: Resource, day: date, ctx: Context,
               resident: Resident | None) -> list[Slot]:
    cells = grid(resource, day, ctx)
    if not cells:
        return []
    first, last = cells[0][0], cells[-1][1]
    near = occupancy.around(session, resource, first, last)
    refusals = _Refusals(session, resource, resident, ctx)
    return [_slot(resource, start, end, near, refusals, ctx) for start, end in cells]


def _slot(resource, start, end, near: occupancy.Around, refusals: _Refusals, ctx: Context) -> Slot:
    if any(c.starts_at < end and c.ends_at > start for c in near.closures):
        return Slot(start, end, 0, "closed")
    remaining = occupancy.seats_free(resource, near.uses, start, end)
    if end <= ctx.now:
        return Slot(start, end, remaining, "past")
    refused = refusals.status(start, end)
    if refused:
        return Slot(start, end, remaining, refused)
    return Slot(start, end, remaining, "free" if remaining else "full")


def alternatives(session: Session, resource: Resource, start: datetime, end: datetime, party_size: int,
                 ctx: Context, limit: int = 3, resident: Resident | None = None) -> list[tuple[datetime, datetime]]:
    """Free periods of the same length nearest to the requested start that this person could book:
    that day first, then the week around it (earlier days too, which matter at the end of a booking window)."""
    refusals = _Refusals(session, resource, resident, ctx)
    first_day = start.astimezone(ctx.tz).date()
    found = _free_in_days(session, resource, [first_day], start, end, party_size, ctx, refusals)
    if len(found) < limit:
        today = ctx.now.astimezone(ctx.tz).date()
        around = [first_day + timedelta(days=n) for n in range(1 - ALTERNATIVE_DAYS, ALTERNATIVE_DAYS)
                  if n and first_day + timedelta(days=n) >= today]
        more = _free_in_days(session, resource, around, start, end, party_size, ctx, refusals)
        found += sorted(more, key=lambda c: abs(c[0] - start))
    return found[:limit]


def _free_in_days(session, resource, days, start, end, party_size, ctx: Context,
                  refusals: _Refusals) -> list[tuple[datetime, datetime]]:
    span_start = at_local(days[0], datetime.min.time(), ctx.tz)
    span_end = at_local(days[-1], datetime.min.time(), ctx.tz) + timedelta(days=1)
    near = occupancy.around(session, resource, span_start, span_end)
    found = []
    for day in days:
        for period in opening.opening_periods(resource, day, ctx.centre, ctx.tz):
            found.extend(_fits_in(resource, period, end - start, party_size, near, refusals))
    return sorted((c for c in found if c[0] != start), key=lambda c: abs(c[0] - start))


def _fits_in(resource, period, length, party_size, near: occupancy.Around, refusals: _Refusals):
    step = timedelta(minutes=resource.slot_minutes)
    candidate = period.start
    while candidate + length <= period.end:
        cand_end = candidate + length
        open_then = not any(c.starts_at < cand_end and c.ends_at > candidate for c in near.closures)
        if (open_then and occupancy.seats_free(resource, near.uses, candidate, cand_end) >= party_size
                and refusals.status(candidate, cand_end) is None):
            yield candidate, cand_end
        candidate += step


def first_day_with_free(session: Session, resource: Resource, days: list[date], ctx: Context,
                        resident: Resident | None = None) -> date | None:
    """The first of `days` with a slot this person could book now, so a page opens where there is something."""
    for day in days:
        if any(s.bookable for s in day_slots(session, resource, day, ctx, resident)):
            return day
    return None
