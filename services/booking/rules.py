"""The booking rules. Each check raises the RuleViolation that names what to change."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ACTIVE_STATUSES, Booking, Centre, Resident, Resource, WaitlistEntry
from services.booking import occupancy, opening
from services.core import errors

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
        raise errors.Invalid("end", "结束时间必须晚于开始时间 / end must be after start")
    minutes = (end - start) / timedelta(minutes=1)
    if minutes < resource.min_duration_minutes:
        raise errors.Invalid(
            "end", f"至少预约 {resource.min_duration_minutes} 分钟 / book at least {resource.min_duration_minutes} minutes"
        )
    if minutes > resource.max_duration_minutes:
        raise errors.Invalid(
            "end", f"最多预约 {resource.max_duration_minutes} 分钟 / book at most {resource.max_duration_minutes} minutes"
        )
    if party_size > resource.capacity:
        raise errors.Invalid(
            "party_size", f"该空间最多容纳 {resource.capacity} 人 / this space holds at most {resource.capacity}"
        )


def check_eligible(resource: Resource, resident: Resident, ctx: Context) -> None:
    if not resource.groups:
        return
    groups = resident.groups_on(ctx.now.astimezone(ctx.tz).date())
    if not set(groups) & set(resource.groups):
        raise errors.NotEligible(allowed_groups=resource.groups)


def window_days(resource: Resource, resident: Resident, ctx: Context) -> int:
    groups = resident.groups_on(ctx.now.astimezone(ctx.tz).date())
    days = max([resource.window_days] + [resource.group_window_days.get(g, 0) for g in groups])
    return max(days, ctx.centre.staff_window_days) if ctx.by_staff else days


def check_timing(resource: Resource, resident: Resident, start: datetime, end: datetime, ctx: Context) -> None:
    """Minimum notice and booking window bind residents; staff at the desk get a longer window."""
    if ctx.by_staff:
        if end <= ctx.now or start < ctx.now - DESK_GRACE:
            raise errors.TooSoon("该时段已过 / That time has passed")
    elif start < ctx.now + timedelta(minutes=resource.min_notice_minutes):
        raise errors.TooSoon(
            f"请至少提前 {resource.min_notice_minutes} 分钟预约 / book at least "
            f"{resource.min_notice_minutes} minutes ahead",
            min_notice_minutes=resource.min_notice_minutes,
        )
    days = window_days(resource, resident, ctx)
    if start > ctx.now + timedelta(days=days):
        raise errors.TooFar(f"最多可提前 {days} 天预约 / book at most {days} days ahead", window_days=days)


def check_open(session: Session, resource: Resource, start: datetime, end: datetime, ctx: Context,
               closures: list | None = None) -> None:
    """Holidays, closures (looked up unless given) and opening hours."""
    local_day = start.astimezone(ctx.tz).date()
    holiday = opening.public_holiday(local_day)
    if holiday and ctx.centre.close_on_public_holidays:
        raise errors.Closed(f"{holiday}，中心休息 / Closed for a public holiday", reason=holiday)
    if closures is None:
        closures = occupancy.closures_between(session, resource, start, end)
    if closures:
        raise errors.Closed(f"闭馆：{closures[0].reason} / Closed: {closures[0].reason}", reason=closures[0].reason)
    periods = opening.opening_periods(resource, local_day, ctx.centre, ctx.tz)
    if not any(p.start <= start and end <= p.end for p in periods):
        raise errors.OutsideHours(hours=[{"start": p.start, "end": p.end} for p in periods])


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
            f"每人每周最多预约 {resource.weekly_quota} 次 / at most {resource.weekly_quota} bookings a week",
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
    check_shape(req.resource, req.start, req.end, req.party_size)
    check_eligible(req.resource, req.resident, ctx)
    check_timing(req.resource, req.resident, req.start, req.end, ctx)
    near = occupancy.around(session, req.resource, req.start, req.end)
    check_open(session, req.resource, req.start, req.end, ctx, near.closures)
    check_quota(session, req.resource, req.resident, req.start, ctx)
    if room:
        check_room(session, req.resource, req.start, req.end, req.party_size, near.uses)
