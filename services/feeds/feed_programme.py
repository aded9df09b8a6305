"""The centre's public programme as calendar events: holidays and closures (and, once they exist,
public activities); the opening hours go in the calendar's description.

No personal data goes in: no bookings, and no closure reasons (free text that staff type).
These events have no record of their own, so the UID carries a hash of the content: when
the hours change the event is replaced, and the bytes stay the same from request to request.
"""
import hashlib
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Centre, Closure, Resource
from services.booking import opening
from services.feeds import ics
from services.feeds.feeds import Window

# DTSTAMP of derived events: fixed, because the clock must not change the bytes.
PROGRAMME_STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _uid(kind: str, key: str, content: str, uid_domain: str) -> str:
    digest = hashlib.sha256(content.encode()).hexdigest()[:12]
    return f"{kind}-{key}-{digest}@{uid_domain}"


WEEKDAYS_ZH = "一二三四五六日"


def opening_hours_text(spaces: list[Resource], centre: Centre) -> str:
    """The weekly opening hours, for the calendar's description: as busy events they cluttered every
    subscriber's calendar with a block a day and contradicted that day's closures."""
    lines = [f"{centre.name}开放时间（节假日与临时闭馆见日历中的事件）/ {centre.name_en} opening hours "
             "(holidays and closures are the calendar's events)"]
    for space in spaces:
        days = []
        for weekday in range(7):
            periods = sorted((h.opens, h.closes) for h in space.hours if h.weekday == weekday)
            if periods:
                hours = "、".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in periods)
                days.append(f"周{WEEKDAYS_ZH[weekday]} {hours}")
        if days:
            lines.append(f"{space.name} / {space.name_en}: {'；'.join(days)}")
    return "\n".join(lines)


def holiday_event(day: date, centre: Centre, uid_domain: str) -> ics.IcsEvent | None:
    name = opening.public_holiday(day)
    if not (name and centre.close_on_public_holidays):
        return None
    summary = f"{name} 闭馆 / Closed for the public holiday"
    start, end = ics.day_span(day)
    return ics.IcsEvent(uid=_uid("holiday", day.isoformat(), summary, uid_domain), start=start, end=end,
                        summary=summary, stamp=PROGRAMME_STAMP, location=centre.name, private=False)


def closure_event(closure: Closure, spaces: dict[int, Resource], centre: Centre, uid_domain: str) -> ics.IcsEvent:
    space = spaces.get(closure.resource_id) if closure.resource_id else None
    if space is None:
        summary = f"{centre.name}暂停开放 / {centre.name_en} closed"
    else:
        summary = f"{space.name}暂停开放 / {space.name_en} closed"
    content = f"{summary}{closure.starts_at.isoformat()}{closure.ends_at.isoformat()}"
    return ics.IcsEvent(uid=_uid("closure", str(closure.id), content, uid_domain), start=closure.starts_at,
                        end=closure.ends_at, summary=summary, stamp=PROGRAMME_STAMP, location=centre.name,
                        private=False)


def active_spaces(session: Session) -> list[Resource]:
    return list(session.scalars(select(Resource).where(Resource.active.is_(True))
                                .options(selectinload(Resource.hours)).order_by(Resource.id)))


def programme_events(session: Session, centre: Centre, win: Window, tz, uid_domain: str) -> list[ics.IcsEvent]:
    spaces = active_spaces(session)
    events: list[ics.IcsEvent] = []
    day, last = win.start.astimezone(tz).date(), (win.end - timedelta(seconds=1)).astimezone(tz).date()
    while day <= last:
        holiday = holiday_event(day, centre, uid_domain)
        if holiday:
            events.append(holiday)
        day += timedelta(days=1)
    closures = session.scalars(select(Closure).where(Closure.starts_at < win.end, Closure.ends_at > win.start)
                               .order_by(Closure.starts_at, Closure.id))
    by_id = {s.id: s for s in spaces}
    events.extend(closure_event(c, by_id, centre, uid_domain) for c in closures)
    return events
