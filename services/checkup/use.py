"""服务供需: use against capacity, per line (a space today; an activity once activities land).

Every figure comes from a *source*: a function (session, period, now, centre) → UseFacts. The
spaces' source reads bookings, check-ins and no-shows, waitlist entries and refused attempts.
Activities add per-activity lines by adding ONE function to USE_SOURCES (sessions offered ×
seats, enrolments booked, attendance attended; its users join the "used a service" set).

Definitions (docs/checkup.md): offered = opening hours in the period less holidays and closures
× seats (an exclusive space has one "seat": one booking at a time); booked = held bookings
(confirmed, checked in, no-show) × party size, clipped to the period; attended = checked in;
a resident "used a service" when checked in at least once; late cancel = cancelled less than
LATE_CANCEL before the start; an unserved waitlist entry never got an offer (waiting or lapsed)
for a slot that has begun.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Booking, Centre, Closure, RefusedAttempt, Resource, WaitlistEntry
from services.booking.opening import opening_periods
from services.checkup.period import Period

LATE_CANCEL = timedelta(hours=24)
HELD = ("confirmed", "checked_in", "no_show")
UNSERVED = ("waiting", "lapsed")


@dataclass
class UseLine:
    line: str  # "space" or "activity"
    resource_id: int | None
    name: str
    kind: str
    activity_id: int | None = None
    name_en: str | None = None
    seat_hours_offered: float = 0.0
    seat_hours_booked: float = 0.0
    seat_hours_attended: float = 0.0
    made: int = 0  # bookings starting in the period, cancelled ones included
    held: int = 0
    no_shows: int = 0
    late_cancels: int = 0
    unserved_waitlist: int = 0
    refusals: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        refused = sum(self.refusals.values())
        return {
            "line": self.line, "resource_id": self.resource_id, "activity_id": self.activity_id, "name": self.name,
            "name_en": self.name_en or self.name,
            "kind": self.kind, "seat_hours_offered": round(self.seat_hours_offered, 1),
            "seat_hours_booked": round(self.seat_hours_booked, 1),
            "seat_hours_attended": round(self.seat_hours_attended, 1),
            "utilisation": _ratio(self.seat_hours_booked, self.seat_hours_offered),
            "attendance_rate": _ratio(self.seat_hours_attended, self.seat_hours_offered),
            "bookings": self.made, "held": self.held, "no_shows": self.no_shows,
            "no_show_rate": _ratio(self.no_shows, self.held), "late_cancels": self.late_cancels,
            "late_cancel_rate": _ratio(self.late_cancels, self.made), "unserved_waitlist": self.unserved_waitlist,
            "refusals": dict(sorted(self.refusals.items())), "refused": refused,
        }


@dataclass
class UseFacts:
    lines: list[UseLine] = field(default_factory=list)
    intervals: list[tuple[datetime, datetime, float]] = field(default_factory=list)  # held seats, for the heatmap
    users: set[int] = field(default_factory=set)  # residents who used a service (attended)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0) / 3600


def _offered_hours(space: Resource, period: Period, centre: Centre, closed: list[tuple]) -> float:
    """Opening hours in the period, less the parts any closure (the space's or the centre's) covers."""
    total = 0.0
    for day in period.days:
        for p in opening_periods(space, day, centre, period.tz):
            total += _hours(p.start, p.end)
            for lo, hi in closed:
                total -= _hours(max(lo, p.start), min(hi, p.end))
    return total


def _closures(session: Session, period: Period) -> dict[int | None, list[tuple]]:
    found: dict[int | None, list[tuple]] = defaultdict(list)
    for rid, lo, hi in session.execute(select(Closure.resource_id, Closure.starts_at, Closure.ends_at).where(
            Closure.starts_at < period.hi, Closure.ends_at > period.lo)):
        found[rid].append((lo, hi))
    return found


def _space_lines(session: Session, period: Period, centre: Centre) -> dict[int, UseLine]:
    closures = _closures(session, period)
    lines = {}
    for space in session.scalars(select(Resource).order_by(Resource.id)):
        line = UseLine("space", space.id, space.name, space.kind, name_en=space.name_en)
        if space.active:
            seats = 1 if space.exclusive else space.capacity
            line.seat_hours_offered = seats * _offered_hours(space, period, centre, closures[None] + closures[space.id])
        lines[space.id] = line
    return lines


def _add_bookings(session: Session, period: Period, lines: dict[int, UseLine], facts: UseFacts) -> None:
    rows = session.execute(select(
        Booking.resource_id, Booking.resident_id, Booking.starts_at, Booking.ends_at, Booking.party_size,
        Booking.status, Booking.exclusive, Booking.updated_at,
    ).where(Booking.starts_at < period.hi, Booking.ends_at > period.lo))
    lo, hi = period.lo, period.hi
    for rid, resident_id, start, end, party, status, exclusive, updated in rows:
        line = lines[rid]
        begins_inside = start >= lo
        if begins_inside:
            line.made += 1
        if status == "cancelled":
            line.late_cancels += begins_inside and updated is not None and updated >= start - LATE_CANCEL
            continue
        seats = 1 if exclusive else party
        clipped = (max(start, lo), min(end, hi))
        line.seat_hours_booked += seats * _hours(*clipped)
        facts.intervals.append((*clipped, seats))
        line.held += begins_inside
        if status == "checked_in":
            line.seat_hours_attended += seats * _hours(*clipped)
            facts.users.add(resident_id)
        elif status == "no_show":
            line.no_shows += begins_inside


def _add_waitlist_and_refusals(session: Session, period: Period, now: datetime, lines: dict[int, UseLine]) -> None:
    unserved = session.execute(select(WaitlistEntry.resource_id, func.count()).where(
        WaitlistEntry.status.in_(UNSERVED), WaitlistEntry.starts_at >= period.lo,
        WaitlistEntry.starts_at < min(period.hi, now)).group_by(WaitlistEntry.resource_id))
    for rid, n in unserved:
        lines[rid].unserved_waitlist = n
    refused = session.execute(select(RefusedAttempt.resource_id, RefusedAttempt.code, func.count()).where(
        RefusedAttempt.at >= period.lo, RefusedAttempt.at < period.hi,
    ).group_by(RefusedAttempt.resource_id, RefusedAttempt.code))
    for rid, code, n in refused:
        if rid in lines:
            lines[rid].refusals[code] = n


def space_facts(session: Session, period: Period, now: datetime, centre: Centre) -> UseFacts:
    facts = UseFacts()
    lines = _space_lines(session, period, centre)
    _add_bookings(session, period, lines, facts)
    _add_waitlist_and_refusals(session, period, now, lines)
    facts.lines = list(lines.values())
    return facts


# One function per kind of line; activities append theirs here.
USE_SOURCES = (space_facts,)


def gather(session: Session, period: Period, now: datetime, centre: Centre, sources=USE_SOURCES) -> UseFacts:
    merged = UseFacts()
    for source in sources:
        facts = source(session, period, now, centre)
        merged.lines += facts.lines
        merged.intervals += facts.intervals
        merged.users |= facts.users
    return merged


def heatmap(intervals: list[tuple[datetime, datetime, float]], period: Period) -> list[list[float]]:
    """Booked seat-hours by local weekday (0 = Monday) × hour of day, each interval split at the hours.

    In whole seconds of local time from a Monday midnight, so a year of bookings costs no datetime maths.
    """
    grid = [[0.0] * 24 for _ in range(7)]
    monday = datetime(2001, 1, 1, tzinfo=period.tz)  # a Monday, local midnight
    base = monday.utcoffset().total_seconds()
    for start, end, seats in intervals:
        shift = start.astimezone(period.tz).utcoffset().total_seconds() - base  # daylight saving, where there is any
        lo = int((start - monday).total_seconds() + shift)
        hi = lo + int((end - start).total_seconds())
        while lo < hi:
            step = min((lo // 3600 + 1) * 3600, hi)
            hour_of_week = (lo // 3600) % (7 * 24)
            grid[hour_of_week // 24][hour_of_week % 24] += seats * (step - lo) / 3600
            lo = step
    return [[round(v, 1) for v in row] for row in grid]


def refusals_by_code(lines: list[UseLine]) -> dict[str, int]:
    total: Counter = Counter()
    for line in lines:
        total.update(line.refusals)
    return dict(sorted(total.items()))
