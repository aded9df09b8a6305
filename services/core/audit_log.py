"""The audit log as an admin reads it: who (by name) did what to whose record, filtered and a page at a time.

Naming the people in the entries shows personal records, so reading the log is itself a read of them:
each resident named on the page, and each booking in a sensitive space, gets a read entry of its own
(the same rule as the residents' search and the booking pages).
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    Attendance,
    AuditEntry,
    Booking,
    Enrolment,
    Resident,
    Resource,
    User,
)
from services.core import audit, errors
from services.core.access import Actor
from services.core.clock import local_day_bounds
from services.core.errors import N_

PER_PAGE = 50
ACTIONS = (audit.READ, audit.CHANGE, audit.CREATE)


@dataclass(frozen=True)
class Filters:
    """What the admin asked for; None is "any"."""

    first_day: date | None = None
    last_day: date | None = None
    user_id: int | None = None
    action: str | None = None
    object_type: str | None = None


@dataclass(frozen=True)
class Subject:
    """Whose record an entry is about, as people read it, and where to open it (a kind and an id)."""

    person: str | None = None
    space: Resource | None = None  # shown in the reader's language
    activity: Activity | None = None
    opens: tuple[str, int] | None = None  # ("booking", id), ("resident", id), ("session", id), ("programme", 0)


@dataclass(frozen=True)
class Line:
    at: datetime
    actor: str | None
    actor_role: str | None
    action: str
    object_type: str
    object_id: int
    subject: Subject


@dataclass(frozen=True)
class LogPage:
    lines: list[Line]
    number: int
    pages: int
    total: int


def _where(filters: Filters, tz: ZoneInfo) -> list:
    where = []
    if filters.first_day and filters.last_day and filters.last_day < filters.first_day:
        raise errors.Invalid("until", N_("结束日期不能早于开始日期"))
    if filters.first_day:
        where.append(AuditEntry.at >= local_day_bounds(filters.first_day, tz)[0])
    if filters.last_day:
        where.append(AuditEntry.at < local_day_bounds(filters.last_day, tz)[1])
    if filters.user_id is not None:
        where.append(AuditEntry.user_id == filters.user_id)
    if filters.action is not None:
        if filters.action not in ACTIONS:
            raise errors.Invalid("action", N_("%(field)s 只能是 %(choices)s 之一"), choices=", ".join(ACTIONS))
        where.append(AuditEntry.action == filters.action)
    if filters.object_type is not None:
        where.append(AuditEntry.object_type == filters.object_type)
    return where


def actor_name(user: User | None) -> str | None:
    """A resident login by the resident's name, an operator by its organisation, staff by their login."""
    if user is None:
        return None
    if user.role == "resident" and user.resident is not None:
        return user.resident.name
    if user.role == "operator" and user.organisation:
        return f"{user.organisation} · {user.username}"
    return user.username


def _ids(entries: list[AuditEntry], object_type: str) -> list[int]:
    return sorted({e.object_id for e in entries if e.object_type == object_type})


def _by_id(session: Session, model, ids: list[int]) -> dict:
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


Found = dict[tuple[str, int], Subject]


def _booking_subjects(session: Session, entries: list[AuditEntry], found: Found, reads: set) -> None:
    bookings = _by_id(session, Booking, _ids(entries, "booking"))
    held = {s.booking_id: s for s in session.scalars(select(ActivitySession).where(
        ActivitySession.booking_id.in_(list(bookings))))} if bookings else {}
    for b in bookings.values():
        if b.resident is None:  # an activity session's hold on its space
            row = held.get(b.id)
            found["booking", b.id] = Subject(b.note, b.resource, None, ("session", row.id) if row else None)
            continue
        found["booking", b.id] = Subject(b.resident.name, b.resource, None, ("booking", b.id))
        reads.add(("resident", b.resident_id))
        if b.resource.sensitive:
            reads.add(("booking", b.id))
    for r in _by_id(session, Resident, _ids(entries, "resident")).values():
        found["resident", r.id] = Subject(r.name, opens=("resident", r.id))
        reads.add(("resident", r.id))


def _programme_subjects(session: Session, entries: list[AuditEntry], found: Found, reads: set) -> None:
    for e in _by_id(session, Enrolment, _ids(entries, "enrolment")).values():
        opens = ("session", e.session_id) if e.session_id else ("programme", 0)
        found["enrolment", e.id] = Subject(e.resident.name, None, e.activity, opens)
        reads.add(("resident", e.resident_id))
        if e.activity.sensitive:
            reads.add(("enrolment", e.id))
    marks = _by_id(session, Attendance, _ids(entries, "attendance"))
    sessions = _by_id(session, ActivitySession, _ids(entries, "activity_session")
                      + sorted({m.session_id for m in marks.values()}))
    people = _by_id(session, Resident, sorted({m.resident_id for m in marks.values()}))
    for m in marks.values():
        row, person = sessions.get(m.session_id), people.get(m.resident_id)
        found["attendance", m.id] = Subject(person.name if person else None, None, row.activity if row else None,
                                            ("session", m.session_id))
        reads.add(("resident", m.resident_id))
    for s in sessions.values():
        found["activity_session", s.id] = Subject(None, None, s.activity, ("session", s.id))
    for a in _by_id(session, Activity, _ids(entries, "activity")).values():
        found["activity", a.id] = Subject(None, None, a, ("programme", 0))


def _subjects(session: Session, entries: list[AuditEntry]) -> tuple[Found, list[tuple[str, int]]]:
    """Each entry's subject, and the reads that showing them makes."""
    found: Found = {}
    reads: set[tuple[str, int]] = set()
    _booking_subjects(session, entries, found, reads)
    _programme_subjects(session, entries, found, reads)
    return found, sorted(reads)


def read_log(session: Session, actor: Actor, filters: Filters, number: int, tz: ZoneInfo,
             now: datetime) -> LogPage:
    """One page (PER_PAGE entries, newest first) of the entries the filters select; admins only."""
    if actor.role != "admin":
        raise errors.Forbidden()
    where = _where(filters, tz)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(1, number), pages)
    entries = list(session.scalars(select(AuditEntry).where(*where)
                                   .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                   .offset((number - 1) * PER_PAGE).limit(PER_PAGE)))
    users = _by_id(session, User, sorted({e.user_id for e in entries if e.user_id is not None}))
    subjects, reads = _subjects(session, entries)
    lines = [Line(e.at, actor_name(users.get(e.user_id)), users[e.user_id].role if e.user_id in users else None,
                  e.action, e.object_type, e.object_id, subjects.get((e.object_type, e.object_id), Subject()))
             for e in entries]
    audit.reads_recorded(session, actor.user_id, reads, now)
    return LogPage(lines, number, pages, total)


def actors(session: Session) -> list[tuple[int, str]]:
    """Everyone who has an entry, for the filter's list: (user id, name)."""
    ids = select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None)).distinct()
    found = session.scalars(select(User).where(User.id.in_(ids)).order_by(User.role, User.username))
    return [(u.id, actor_name(u)) for u in found]

