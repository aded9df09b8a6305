"""The enrolment rules, each raising the RuleViolation that names what stands in the way."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models import LIVE_ENROLMENT, Activity, ActivitySession, Enrolment, Resident
from services.activities import seats
from services.core import errors
from services.core.errors import N_
from services.core.storage import statements


def check_registration(activity: Activity, now: datetime) -> None:
    opens, closes = activity.registration_opens_at, activity.registration_closes_at
    if opens is not None and now < opens:
        raise errors.NotOpen(N_("报名尚未开始"), opens_at=opens)
    if closes is not None and now >= closes:
        raise errors.NotOpen(N_("报名已经截止"), closed_at=closes)


def check_eligible(activity: Activity, resident: Resident, first: ActivitySession, tz: ZoneInfo) -> None:
    """Groups and age, judged on the (first) session's date, not today."""
    day = first.starts_at.astimezone(tz).date()
    if activity.groups and not set(resident.groups_on(day)) & set(activity.groups):
        raise errors.NotEligible(N_("该活动不对此居民开放"), allowed_groups=list(activity.groups))
    age = resident.age_on(day)
    too_young = activity.min_age is not None and age < activity.min_age
    too_old = activity.max_age is not None and age > activity.max_age
    if too_young or too_old:
        raise errors.NotEligible(N_("年龄不在 %(lo)s–%(hi)s 岁范围内"), lo=activity.min_age or 0,
                                 hi=activity.max_age if activity.max_age is not None else "∞",
                                 min_age=activity.min_age, max_age=activity.max_age)


_LIVE_IN_COURSE = select(Enrolment.id).where(Enrolment.activity_id == bindparam("activity_id"),
                                              Enrolment.resident_id == bindparam("resident_id"),
                                              Enrolment.status.in_(LIVE_ENROLMENT)).limit(1)
_LIVE_IN_SESSION = _LIVE_IN_COURSE.where(Enrolment.session_id == bindparam("session_id"))


def check_not_enrolled(session: Session, activity: Activity, resident: Resident,
                       target: ActivitySession | None) -> None:
    ids = {"activity_id": activity.id, "resident_id": resident.id}
    found = statements.scalar(session, _LIVE_IN_SESSION, session_id=target.id, **ids) if target is not None \
        else statements.scalar(session, _LIVE_IN_COURSE, **ids)
    if found is not None:
        raise errors.InvalidState(N_("已经报名了"))


def _week_of(instant: datetime, tz: ZoneInfo) -> datetime:
    local = instant.astimezone(tz)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def check_overlap_and_quota(session: Session, activity: Activity, resident: Resident,
                            targets: list[ActivitySession], tz: ZoneInfo) -> None:
    """No two sessions of one person at once; at most `weekly_limit` sessions of this kind a week."""
    lo = _week_of(targets[0].starts_at, tz)
    hi = _week_of(targets[-1].starts_at, tz) + timedelta(days=7)
    mine = seats.my_sessions(session, resident.id, lo, hi)
    for row in targets:
        if any(start < row.ends_at and end > row.starts_at for start, end, _kind, _id in mine):
            raise errors.Conflict(N_("同一时间已报名其他活动"), occurrence=row.starts_at)
    if activity.weekly_limit is None:
        return
    for row in targets:
        week = _week_of(row.starts_at, tz)
        same = sum(1 for start, _end, kind, _id in mine if kind == activity.kind and _week_of(start, tz) == week)
        if same >= activity.weekly_limit:
            raise errors.QuotaExceeded(N_("每人每周最多报名 %(n)s 次"), n=activity.weekly_limit,
                                       weekly_limit=activity.weekly_limit, occurrence=row.starts_at)
