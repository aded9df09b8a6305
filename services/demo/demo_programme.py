"""The Hongmei demo programme: storytime, a rehab exercise course, a baking class and a monthly health lecture.

Placed through the same placement rules as any activity (sessions that do not fit are skipped), with
enrolments of residents the activity admits and attendance for the sessions already held. Loaded once:
a second run finds 绘本故事会 and changes nothing.
"""
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, Attendance, Enrolment, Resident, Resource
from services.activities import eligibility, placement
from services.core.centre import context
from services.core.errors import DomainError

STORYTIME = "绘本故事会"
# (title, title_en, kind, space, operator, groups, min_age, max_age, seats, mode, weekday, start, minutes,
#  rrule, weeks from now of the first session, extra fields, how many to enrol)
PROGRAMME = [
    (STORYTIME, "Picture-book storytime", "storytime", "绘本馆", "小橡树早教", ["child"], 3, 6, 15, "session",
     5, time(10), 60, "FREQ=WEEKLY;COUNT=8", -3, {"guardian_present": True}, 12),
    ("康复操（八周课程）", "Rehab exercise course (8 weeks)", "rehab_class", "养老驿站·休闲活动区", "颐康养老服务中心",
     ["elderly"], None, None, 12, "course", 1, time(9, 30), 60, "FREQ=WEEKLY;COUNT=8", -2, {}, 10),
    ("亲子烘焙", "Parent-child baking", "baking", "邻里共享厨房", None, ["child"], 4, 12, 8, "session", 6,
     time(14), 120, None, 1, {"guardian_present": True, "guardian_takes_seat": True}, 3),
    ("健康讲座：秋冬季慢病防护", "Health lecture: chronic illness in winter", "health_lecture", "养老驿站·休闲活动区",
     None, [], None, None, 30, "session", None, time(14, 30), 90, "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", -4, {}, 18),
]


def _first(today: date, weekday: int | None, weeks: int) -> date:
    if weekday is None:  # monthly on the 15th, starting in the month `weeks` weeks from now
        day = today + timedelta(weeks=weeks)
        return day.replace(day=15)
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    return monday + timedelta(days=weekday)


def seed_programme(session: Session, residents: list[Resident], now: datetime, tz: ZoneInfo,
                   rng: random.Random) -> bool:
    """Place the programme once; False when it is already there."""
    if session.scalar(select(Activity.id).where(Activity.title == STORYTIME)):
        return False
    spaces = {s.name: s for s in session.scalars(select(Resource))}
    today = now.astimezone(tz).date()
    for entry in PROGRAMME:
        title, title_en, kind, where, operator, groups, lo, hi, seats, mode, weekday, at, minutes, rrule, weeks, \
            extra, enrol = entry
        start = datetime.combine(_first(today, weekday, weeks), at, tz)
        activity = Activity(title=title, title_en=title_en, kind=kind, operator=operator, groups=groups, min_age=lo,
                            max_age=hi, seats=seats, mode=mode, rrule=rrule, created_at=now,
                            registration_opens_at=start - timedelta(days=14), **extra)
        session.add(activity)
        session.flush()
        ctx = context(session, start - timedelta(days=1), tz, by_staff=True)  # placed before its first session
        try:
            placement.place_sessions(session, activity, spaces[where], start, start + timedelta(minutes=minutes),
                                     rrule, True, None, ctx)
        except DomainError:
            continue
        _enrol(session, activity, residents, enrol, now, tz, rng)
    return True


def _admitted(activity: Activity, residents: list[Resident], tz: ZoneInfo) -> list[Resident]:
    first = activity.sessions[0]
    found = []
    for person in residents:
        try:
            eligibility.check_eligible(activity, person, first, tz)
        except DomainError:
            continue
        found.append(person)
    return found


def _enrol(session: Session, activity: Activity, residents: list[Resident], count: int, now: datetime,
           tz: ZoneInfo, rng: random.Random) -> None:
    session.refresh(activity)
    admitted = _admitted(activity, residents, tz)
    demo_family = [p for p in admitted if p.name in ("陈一诺", "周桂兰")]
    others = [p for p in admitted if p not in demo_family]
    chosen = (demo_family + rng.sample(others, min(count, len(others))))[:count]
    scheduled = [s for s in activity.sessions if s.status == "scheduled"]
    targets = [None] if activity.mode == "course" else scheduled
    for target in targets:
        for person in chosen if target is None or target.starts_at > now else chosen[: count - 2]:
            session.add(Enrolment(activity_id=activity.id, session_id=target.id if target else None,
                                  resident_id=person.id, seats=1, status="enrolled",
                                  created_at=min(now, (target or scheduled[0]).starts_at - timedelta(days=3))))
    session.flush()
    for row in (s for s in scheduled if s.ends_at < now):
        people = chosen if activity.mode == "course" else chosen[: count - 2]
        for person in people:
            session.add(Attendance(session_id=row.id, resident_id=person.id, present=rng.random() < 0.85,
                                   method="desk", recorded_at=row.starts_at + timedelta(minutes=10)))
