"""What the programme shows each reader: activities with their sessions' numbers, and the enrolments one may see."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from models import LIVE_ENROLMENT, TAKING_SEATS, Activity, ActivitySession, Enrolment, Resident
from services.activities import eligibility, seats
from services.core.access import Actor
from services.core.errors import NotEligible

LIST_LIMIT = 500


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None
    group: str | None = None
    kind: str | None = None


def runs(actor: Actor, activity: Activity) -> bool:
    return actor.role == "operator" and actor.organisation is not None and activity.operator == actor.organisation


def sees(actor: Actor, activity: Activity) -> bool:
    """Public activities are everyone's programme; the others are for staff and the operator running them."""
    return activity.public or actor.is_staff or runs(actor, activity)


def activities(session: Session, actor: Actor, window: Window) -> tuple[list[tuple[Activity, list]], dict]:
    """[(activity, its sessions in the window)] the actor may see, and the seats taken per session."""
    stmt = select(ActivitySession).options(selectinload(ActivitySession.activity))
    if window.start is not None:
        stmt = stmt.where(ActivitySession.ends_at > window.start)
    if window.end is not None:
        stmt = stmt.where(ActivitySession.starts_at < window.end)
    if window.kind:
        stmt = stmt.join(Activity, Activity.id == ActivitySession.activity_id).where(Activity.kind == window.kind)
    rows = session.scalars(stmt.order_by(ActivitySession.starts_at, ActivitySession.id).limit(LIST_LIMIT * 10))
    grouped: dict[int, tuple[Activity, list]] = {}
    for row in rows:
        activity = row.activity
        if not sees(actor, activity) or (window.group and activity.groups and window.group not in activity.groups):
            continue
        grouped.setdefault(activity.id, (activity, []))[1].append(row)
    found = list(grouped.values())[:LIST_LIMIT]
    return found, seats.taken_by_session(session, [a.id for a, _ in found])


def enrolments(session: Session, actor: Actor, resident_id: int | None = None, session_id: int | None = None,
               activity_id: int | None = None) -> list[Enrolment]:
    stmt = (select(Enrolment).join(Activity, Activity.id == Enrolment.activity_id)
            .options(selectinload(Enrolment.activity), selectinload(Enrolment.resident)))
    if not actor.is_staff:
        mine = [Enrolment.resident_id.in_(actor.resident_ids)]
        if actor.role == "operator" and actor.organisation:
            mine.append(Activity.operator == actor.organisation)
        stmt = stmt.where(or_(*mine))
    if resident_id is not None:
        stmt = stmt.where(Enrolment.resident_id == resident_id)
    if activity_id is not None:
        stmt = stmt.where(Enrolment.activity_id == activity_id)
    if session_id is not None:
        row = session.get(ActivitySession, session_id)
        if row is None:
            return []
        stmt = stmt.where(seats.covers(row.id, row.activity_id))
    return list(session.scalars(stmt.order_by(Enrolment.created_at, Enrolment.id).limit(LIST_LIMIT * 2)))


def session_ids(enrolment: Enrolment) -> list[int]:
    if enrolment.session_id is not None:
        return [enrolment.session_id]
    return [s.id for s in enrolment.activity.sessions if s.status == "scheduled"]


def may_join(activity: Activity, person, row: ActivitySession, tz) -> bool:
    """Whether the person's groups and age admit them to this session (the other rules are checked on enrolling)."""
    try:
        eligibility.check_eligible(activity, person, row, tz)
    except NotEligible:
        return False
    return True


def household_enrolments(session: Session, resident_ids: list[int]) -> list[Enrolment]:
    """The live and recent enrolments of a household, newest sessions last."""
    return list(session.scalars(select(Enrolment).where(Enrolment.resident_id.in_(resident_ids),
                                                        Enrolment.status.in_(LIVE_ENROLMENT))
                                .options(selectinload(Enrolment.activity), selectinload(Enrolment.resident))
                                .order_by(Enrolment.created_at)))


@dataclass(frozen=True)
class EnrolledSession:
    """A session someone of the household holds a seat in (enrolled, or offered and not yet answered)."""
    row: ActivitySession
    resident_id: int
    resident_name: str
    enrolment_status: str


def household_sessions(session: Session, resident_ids: list[int], start: datetime,
                       end: datetime) -> list[EnrolledSession]:
    """The household's sessions overlapping [start, end), cancelled ones included so the calendar says so."""
    rows = session.execute(
        select(ActivitySession, Enrolment.resident_id, Resident.name, Enrolment.status)
        .join(Enrolment, seats.covers(ActivitySession.id, ActivitySession.activity_id))
        .join(Resident, Resident.id == Enrolment.resident_id)
        .options(selectinload(ActivitySession.activity), selectinload(ActivitySession.resource))
        .where(Enrolment.resident_id.in_(resident_ids), Enrolment.status.in_(TAKING_SEATS),
               ActivitySession.starts_at < end, ActivitySession.ends_at > start)
        .order_by(ActivitySession.starts_at, ActivitySession.id, Enrolment.resident_id)).all()
    return [EnrolledSession(row, resident_id, name, status) for row, resident_id, name, status in rows]
