"""服务供需: use against capacity, per line (a space, an activity).

Every figure comes from a *source*: a function (session, period, now, centre) → UseFacts, listed in
USE_SOURCES. The spaces' source reads bookings, check-ins and no-shows, waitlist entries and refused
attempts; the activities' source reads sessions, enrolments, attendance and the activity waitlist.

Definitions (docs/checkup.md): offered = opening hours in the period less holidays and closures
× seats (an exclusive space has one "seat": one booking at a time); booked = held bookings
(confirmed, checked in, no-show) × party size, clipped to the period; attended = checked in;
a resident "used a service" when checked in at least once, or marked present at an activity session;
late cancel = cancelled less than LATE_CANCEL before the start; an unserved waitlist entry never got an
offer (waiting or lapsed) for a slot that has begun.

An activity session holds its space with a booking row without a resident: that row is the activity's
use, counted on the activity's line by its enrolments and attendance, never as a booking of the space
(its party size is the session's capacity, not the people who came).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    TAKING_SEATS,
    Activity,
    ActivitySession,
    Attendance,
    Booking,
    Centre,
    Closure,
    Enrolment,
    RefusedAttempt,
    Resource,
    WaitlistEntry,
)
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
    seats: "ActivitySeats | None" = None  # an activity's line only

    def as_dict(self) -> dict:
        refused = sum(self.refusals.values())
        answer = {
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
        return answer | self.seats.as_dict() if self.seats else answer


@dataclass
class ActivitySeats:
    """An activity's line in places (名额), the unit its sessions are offered in."""

    sessions: int = 0
    offered: int = 0  # each session's capacity, summed
    enrolled: int = 0  # seats taken (enrolled or held by an offer) in each session, a course's in every one
    attended: int = 0  # seats of those marked present (a guardian's counted seat with the child)
    marked: int = 0  # attendance records, present or absent
    absences: int = 0

    def as_dict(self) -> dict:
        absence_rate = _ratio(self.absences, self.marked)
        return {"sessions": self.sessions, "seats_offered": self.offered, "seats_enrolled": self.enrolled,
                "seats_attended": self.attended, "marked": self.marked, "absences": self.absences,
                "utilisation": _ratio(self.enrolled, self.offered), "attendance_rate": _ratio(self.attended, self.offered),
                "absence_rate": absence_rate, "no_show_rate": absence_rate, "no_shows": self.absences,
                "bookings": None, "held": None, "late_cancels": None, "late_cancel_rate": None}


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
    ).where(Booking.starts_at < period.hi, Booking.ends_at > period.lo,
            Booking.resident_id.is_not(None)))  # not an activity session's hold: that is the activity's use
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


def _held_in(period: Period):
    """The sessions (not cancelled) that begin in the period."""
    return (ActivitySession.status == "scheduled", ActivitySession.starts_at >= period.lo,
            ActivitySession.starts_at < period.hi)


def _sessions(session: Session, period: Period) -> list[tuple]:
    return list(session.execute(select(
        ActivitySession.id, ActivitySession.activity_id, ActivitySession.starts_at, ActivitySession.ends_at,
        ActivitySession.seats).where(*_held_in(period)).order_by(ActivitySession.starts_at)))


def _activity_lines(session: Session, activity_ids: set[int]) -> dict[int, UseLine]:
    rows = session.execute(select(Activity.id, Activity.title, Activity.title_en, Activity.kind).where(
        Activity.id.in_(activity_ids)).order_by(Activity.id))
    return {aid: UseLine("activity", None, title, kind, activity_id=aid, name_en=title_en, seats=ActivitySeats())
            for aid, title, title_en, kind in rows}


def _enrolled(session: Session, activity_ids: set[int]) -> list[tuple]:
    """(activity, session or None for a course seat, resident, seats, status) of the live enrolments."""
    return list(session.execute(select(
        Enrolment.activity_id, Enrolment.session_id, Enrolment.resident_id, Enrolment.seats, Enrolment.status).where(
        Enrolment.activity_id.in_(activity_ids), Enrolment.status.in_((*TAKING_SEATS, "waitlisted")))))


def _add_enrolments(enrolments: list[tuple], sessions: list[tuple], lines: dict[int, UseLine], period: Period,
                    now: datetime, facts: UseFacts) -> dict[tuple, int]:
    """Seats per session (a course seat in each of its sessions) and the waitlist never given a seat."""
    taken: dict[tuple, int] = defaultdict(int)
    seats_of: dict[tuple, int] = {}
    begun = {sid for sid, _aid, start, _end, _seats in sessions if start < now}
    begun_courses = {aid for _sid, aid, start, _end, _seats in sessions if start < now}  # a course's line waits once
    for aid, sid, rid, seats, status in enrolments:
        if status == "waitlisted":  # never offered a seat: still waiting when the session began
            lines[aid].unserved_waitlist += (sid in begun) if sid is not None else (aid in begun_courses)
            continue
        taken[(aid, sid)] += seats
        seats_of[(aid, sid, rid)] = seats
    for sid, aid, start, end, capacity in sessions:
        seats, enrolled = lines[aid].seats, taken[(aid, sid)] + taken[(aid, None)]
        seats.sessions += 1
        seats.offered += capacity
        seats.enrolled += enrolled
        hours = _hours(start, min(end, period.hi))
        lines[aid].seat_hours_offered += capacity * hours
        lines[aid].seat_hours_booked += enrolled * hours
        if enrolled:
            facts.intervals.append((start, min(end, period.hi), enrolled))
    return seats_of


def _add_attendance(session: Session, sessions: list[tuple], seats_of: dict[tuple, int],
                    lines: dict[int, UseLine], period: Period, facts: UseFacts) -> None:
    by_id = {sid: (aid, start, end) for sid, aid, start, end, _seats in sessions}
    rows = session.execute(select(Attendance.session_id, Attendance.resident_id, Attendance.present).where(
        Attendance.session_id.in_(select(ActivitySession.id).where(*_held_in(period)))))
    for sid, rid, present in rows:
        aid, start, end = by_id[sid]
        seats = lines[aid].seats
        seats.marked += 1
        if not present:
            seats.absences += 1
            continue
        taken = seats_of.get((aid, sid, rid)) or seats_of.get((aid, None, rid)) or 1
        seats.attended += taken
        lines[aid].seat_hours_attended += taken * _hours(start, min(end, period.hi))
        facts.users.add(rid)


def activity_facts(session: Session, period: Period, now: datetime, centre: Centre) -> UseFacts:
    """One line per activity with a session (not cancelled) beginning in the period."""
    facts = UseFacts()
    sessions = _sessions(session, period)
    activity_ids = {aid for _sid, aid, *_ in sessions}
    if not sessions:
        return facts
    lines = _activity_lines(session, activity_ids)
    seats_of = _add_enrolments(_enrolled(session, activity_ids), sessions, lines, period, now, facts)
    _add_attendance(session, sessions, seats_of, lines, period, facts)
    facts.lines = list(lines.values())
    return facts


# One function per kind of line.
USE_SOURCES = (space_facts, activity_facts)


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
