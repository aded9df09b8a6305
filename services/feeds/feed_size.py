"""Feeds bounded in bytes: Google Calendar ignores a subscribed feed over ~1 MB.

Over the budget the far past goes first, then the far future, and the feed says so: an X- property
with the counts, and an all-day event today pointing to the app, where everything is listed.
A count cap alone let a busy space's feed reach 1.28 MB, and the events over it vanished silently.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.feeds import ics

MAX_BYTES = 900_000
RESERVE = 4_000  # the calendar's head, its VTIMEZONE and the notice event


@dataclass(frozen=True)
class Trimmed:
    events: list[ics.IcsEvent]
    past: int = 0
    future: int = 0

    @property
    def any(self) -> bool:
        return bool(self.past or self.future)


def event_size(event: ics.IcsEvent, tz: ZoneInfo) -> int:
    return sum(len(line.encode()) + 2 for line in ics.event_lines(event, tz))


def fit(events: list[ics.IcsEvent], today_start: datetime, tz: ZoneInfo, max_bytes: int = MAX_BYTES,
        max_events: int | None = None) -> Trimmed:
    """The events (in time order) that fit in bytes and in number, dropping the oldest past ones
    first, then the furthest future ones."""
    sizes = [event_size(e, tz) for e in events]
    total, budget = sum(sizes), max_bytes - RESERVE
    cap = len(events) if max_events is None else max_events
    first, last = 0, len(events)  # keep events[first:last]

    def over() -> bool:
        return total > budget or last - first > cap

    while over() and first < last and _is_past(events[first], today_start):
        total -= sizes[first]
        first += 1
    while over() and first < last:
        last -= 1
        total -= sizes[last]
    return Trimmed(events[first:last], past=first, future=len(events) - last)


def _is_past(event: ics.IcsEvent, today_start: datetime) -> bool:
    if isinstance(event.start, datetime):
        return event.start < today_start
    return event.start < today_start.date()


def notice(trimmed: Trimmed, today: datetime, app_url: str | None, uid: str) -> ics.IcsEvent:
    """The all-day event that says the feed is shortened, and where to see everything."""
    where = f" {app_url}" if app_url else ""
    summary = "日历内容较多，部分预约未列出 / Some bookings are not listed in this calendar"
    description = (f"为保持日历文件小于 1 MB，较早的 {trimmed.past} 项和较远的 {trimmed.future} 项预约没有列出，"
                   f"请在邻里中心预约系统中查看全部预约。{where}\n"
                   f"To keep this calendar under 1 MB, {trimmed.past} older and {trimmed.future} later bookings "
                   f"are left out: see them all in the centre's app.{where}")
    day = today.date()
    return ics.IcsEvent(uid=uid, start=day, end=day + timedelta(days=1), summary=summary, stamp=today,
                        description=description, private=True)


def trimmed_property(trimmed: Trimmed) -> str:
    return f"X-LINLI-TRIMMED:past={trimmed.past};future={trimmed.future}"
