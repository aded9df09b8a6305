"""一人不落下 over a period: who was on the outreach list, who was contacted and how, who then came.

A resident is on the list at an instant when they are in the outreach population (living alone,
a disability or another recorded need, or aged OUTREACH_AGE+) and have had no booking made, booking
held, check-in or real contact for `days` days (services/routines/outreach.py, the desk's list).
Over a period: on the list at any instant of it. "Then used a service": checked in to a booking, or
marked present at an activity session, that began after their first contact in the period.
"""
import itertools
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import CONTACT_METHODS, ActivitySession, Attendance, Booking, ContactRecord, Resident
from services.checkup.period import Period
from services.checkup.population import Person
from services.circle.circle_store import born_by
from services.routines.outreach import COUNTS_AS_CONTACT


def eligible(person: Person, age: int) -> bool:
    return person.lives_alone or person.disability or person.other_need or person.age >= age


def _was_listed(events: list[datetime], period: Period, days: timedelta) -> bool:
    """True when some instant of the period lies `days` or more after the last event before it."""
    seen = [period.lo - days, *sorted(e for e in events if period.lo - days <= e < period.hi), period.hi + days]
    return any(b - a >= days and a + days < period.hi and b > period.lo for a, b in itertools.pairwise(seen))


def _in_population(period: Period, age: int):
    """The outreach population as SQL, so only their rows are read (a year holds tens of thousands)."""
    return select(Resident.id).where(or_(Resident.lives_alone, Resident.disability, Resident.other_need,
                                         Resident.birth_date <= born_by(period.end, age)))


def _events(session: Session, ids: set[int], period: Period, now: datetime, days: timedelta,
            age: int) -> dict[int, list]:
    since, until = period.lo - days, min(period.hi, now)
    found: dict[int, list[datetime]] = defaultdict(list)
    rows = session.execute(select(Booking.resident_id, Booking.created_at, Booking.starts_at, Booking.status,
                                  Booking.checked_in_at).where(
        or_(Booking.created_at.between(since, until), Booking.starts_at.between(since, until)),
        Booking.resident_id.in_(_in_population(period, age))))
    for rid, created, start, status, checked in rows:
        if rid not in ids:
            continue
        found[rid] += [t for t in (created, checked) if t is not None and t <= until]
        if status != "cancelled" and start <= until:
            found[rid].append(start)
    for rid, at in session.execute(select(ContactRecord.resident_id, ContactRecord.at).where(
            ContactRecord.outcome.in_(COUNTS_AS_CONTACT), ContactRecord.at.between(since, until))):
        if rid in ids:
            found[rid].append(at)
    return found


def _contacts(session: Session, ids: set[int], period: Period) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = defaultdict(list)
    for rid, at, method, outcome in session.execute(select(
            ContactRecord.resident_id, ContactRecord.at, ContactRecord.method, ContactRecord.outcome).where(
            ContactRecord.at >= period.lo, ContactRecord.at < period.hi).order_by(ContactRecord.at)):
        if rid in ids:
            found[rid].append((at, method, outcome))
    return found


def _came_after(session: Session, first_contact: dict[int, datetime], period: Period, age: int) -> set[int]:
    checked_in = select(Booking.resident_id, Booking.starts_at).where(
        Booking.status == "checked_in", Booking.starts_at >= period.lo, Booking.starts_at < period.hi,
        Booking.resident_id.in_(_in_population(period, age)))
    present = select(Attendance.resident_id, ActivitySession.starts_at).join(
        ActivitySession, ActivitySession.id == Attendance.session_id).where(
        Attendance.present, ActivitySession.starts_at >= period.lo, ActivitySession.starts_at < period.hi,
        Attendance.resident_id.in_(_in_population(period, age)))
    came = set()
    for query in (checked_in, present):
        for rid, start in session.execute(query):
            if rid in first_contact and start > first_contact[rid]:
                came.add(rid)
    return came


def listed_ids(session: Session, people: list[Person], period: Period, now: datetime, days: int,
               age: int) -> set[int]:
    window = timedelta(days=days)
    ids = {p.id for p in people if eligible(p, age)}
    events = _events(session, ids, period, now, window, age)
    return {rid for rid in ids if _was_listed(events.get(rid, []), period, window)}


def outreach(session: Session, people: list[Person], period: Period, now: datetime, days: int = 14,
             age: int = 80) -> dict:
    listed = listed_ids(session, people, period, now, days, age)
    contacts = _contacts(session, listed, period)
    reached = {rid for rid, rows in contacts.items() if any(o in COUNTS_AS_CONTACT for _, _, o in rows)}
    by_method = {m: sum(1 for rows in contacts.values() if any(method == m for _, method, _ in rows))
                 for m in CONTACT_METHODS}
    came = _came_after(session, {rid: rows[0][0] for rid, rows in contacts.items()}, period, age)
    return {"on_list": len(listed), "contacted": len(contacts), "reached": len(reached), "by_method": by_method,
            "then_used": len(came), "days_without_contact": days, "age": age}
