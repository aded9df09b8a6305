"""The booking rules. Each check raises the RuleViolation that names what to change."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ACTIVE_STATUSES, Booking, Centre, Resident, Resource, WaitlistEntry
from services.booking import occupancy, opening
from services.core import errors
from services.core.errors import N_

# Desk staff may enter a walk-in whose session began a little before they reached the desk.
DESK_GRACE = timedelta(minutes=30)


@dataclass(frozen=True)
class Context:
    """Everything a rule needs besides the request: the clock, the zone, the centre, who asks."""

    now: datetime
    tz: ZoneInfo
    centre: Centre
    by_staff: bool = False


def check_shape(resource: Resource, start: datetime, end: datetime, party_size: int) -> None:
    if end <= start:
        raise errors.Invalid("end", N_("结束时间必须晚于开始时间"))
    minutes = (end - start) / timedelta(minutes=1)
    if minutes < resource.min_duration_minutes:
        raise errors.Invalid(
            "end", N_("至少预约 %(minutes)s 分钟"), minutes=resource.min_duration_minutes
        )
    if minutes > resource.max_duration_minutes:
        raise errors.Invalid(
            "end", N_("最多预约 %(minutes)s 分钟"), minutes=resource.max_duration_minutes
        )
    if party_size > resource.capacity:
        raise errors.Invalid(
            "party_size", N_("该空间最多容纳 %(capacity)s 人"), capacity=resource.capacity
        )


def check_eligible(resource: Resource, resident: Resident | None, ctx: Context) -> None:
    if not resource.groups or resident is None:
        return
    groups = resident.groups_on(ctx.now.astimezone(ctx.tz).date())
    if not set(groups) & set(resource.groups):
        raise errors.NotEligible(allowed_groups=resource.groups)


def window_days(resource: Resource, resident: Resident | None, ctx: Context) -> int:
    """Days ahead this resident may book (a group may book earlier); None asks for anyone in no group."""
    groups = resident.groups_on(ctx.now.astimezone(ctx.tz).date()) if resident else []
    days = max([resource.window_days] + [resource.group_window_days.get(g, 0) for g in groups])
    return max(days, ctx.centre.staff_window_days) if ctx.by_staff else days


def check_timing(resource: Resource, resident: Resident | None, start: datetime, end: datetime, ctx: Context) -> None:
    """Minimum notice and booking window bind residents; staff at the desk get a longer window."""
    if ctx.by_staff:
        if end <= ctx.now or start < ctx.now - DESK_GRACE:
            raise errors.TooSoon(N_("该时段已过"))
    elif start < ctx.now + timedelta(minutes=resource.min_notice_minutes):
        raise errors.TooSoon(
            N_("请至少提前 %(min_notice_minutes)s 分钟预约"),
            min_notice_minutes=resource.min_notice_minutes,
        )
    days = window_days(resource, resident, ctx)
    if start > ctx.now + timedelta(days=days):
        raise errors.TooFar(N_("最多可提前 %(window_days)s 天预约"), window_days=days)


def check_open(session: Session, resource: Resource, start: datetime, end: datetime, ctx: Context,
               closures: list | None = None) -> None:
    """Holidays, opening hours and closures (looked up unless given), in check_all's order."""
    _check_holiday(start, ctx)
    _check_hours(resource, start, end, ctx)
    _check_closures(occupancy.closures_between(session, resource, start, end) if closures is None else closures)


def _check_holiday(start: datetime, ctx: Context) -> None:
    holiday = opening.public_holiday(start.astimezone(ctx.tz).date())
    if holiday and ctx.centre.close_on_public_holidays:
        raise errors.Closed(N_("%(reason)s，中心休息"), reason=holiday)


def _check_hours(resource: Resource, start: datetime, end: datetime, ctx: Context) -> None:
    periods = opening.opening_periods(resource, start.astimezone(ctx.tz).date(), ctx.centre, ctx.tz)
    if not any(p.start <= start and end <= p.end for p in periods):
        raise errors.OutsideHours(hours=[{"start": p.start, "end": p.end} for p in periods])


def _check_closures(closures: list) -> None:
    if closures:
        raise errors.Closed(N_("闭馆：%(reason)s"), reason=closures[0].reason)


def check_quota(session: Session, resource: Resource, resident: Resident, start: datetime, ctx: Context) -> None:
    """Active bookings, and seats held for the resident by waitlist offers, per space kind per week."""
    if resource.weekly_quota is None:
        return
    local = start.astimezone(ctx.tz)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    week = (monday, monday + timedelta(days=7))
    used = session.scalar(_count_in_week(Booking, Booking.status.in_(ACTIVE_STATUSES), resident, resource, week))
    held = session.scalar(_count_in_week(WaitlistEntry, WaitlistEntry.status == "offered", resident, resource, week))
    if used + held >= resource.weekly_quota:
        raise errors.QuotaExceeded(
            N_("每人每周最多预约 %(weekly_quota)s 次"),
            weekly_quota=resource.weekly_quota,
        )


def _count_in_week(model, live, resident: Resident, resource: Resource, week: tuple[datetime, datetime]):
    return (
        select(func.count(model.id))
        .join(Resource, model.resource_id == Resource.id)
        .where(model.resident_id == resident.id, Resource.kind == resource.kind, live,
               model.starts_at >= week[0], model.starts_at < week[1])
    )


def check_room(session: Session, resource: Resource, start: datetime, end: datetime, party_size: int,
               uses: list | None = None) -> None:
    """Seats (shared space) or the space itself with its buffers (exclusive); uses looked up unless given."""
    if uses is None:
        uses = occupancy.uses_between(session, resource, start, end)
    if occupancy.seats_free(resource, uses, start, end) >= party_size:
        return
    if resource.exclusive:
        raise errors.Conflict()
    raise errors.CapacityExceeded()


@dataclass(frozen=True)
class Request:
    resource: Resource
    resident: Resident
    start: datetime
    end: datetime
    party_size: int = 1


def check_all(session: Session, req: Request, ctx: Context, room: bool = True) -> None:
    """Every rule, cheapest and most specific first; the space's fullness last.

    room=False leaves out only the fullness: the waitlist queues for slots that are full.
    """
    check_settled(req, ctx)
    check_occupancy(session, req, ctx, room)


def check_settled(req: Request, ctx: Context) -> None:
    """The rules the request and the settings decide alone, without a query: shape, eligibility, timing, hours."""
    check_shape(req.resource, req.start, req.end, req.party_size)
    check_eligible(req.resource, req.resident, ctx)
    check_timing(req.resource, req.resident, req.start, req.end, ctx)
    _check_holiday(req.start, ctx)
    _check_hours(req.resource, req.start, req.end, ctx)


def check_occupancy(session: Session, req: Request, ctx: Context, room: bool = True) -> None:
    """The rules other bookings, holds and closures decide: closures, the weekly quota, the room."""
    near = occupancy.around(session, req.resource, req.start, req.end)
    _check_closures(near.closures)
    check_quota(session, req.resource, req.resident, req.start, ctx)
    if room:
        check_room(session, req.resource, req.start, req.end, req.party_size, near.uses)
