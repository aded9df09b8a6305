"""How full a session is: the seats its enrolments take (enrolled, or held by an offer)."""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from models import TAKING_SEATS, Activity, ActivitySession, Enrolment, Resident
from services.core.storage import statements


def covers(session_row_id, activity_id):
    """Enrolments that cover a session: in it, or in the whole course it belongs to."""
    return or_(Enrolment.session_id == session_row_id,
               and_(Enrolment.session_id.is_(None), Enrolment.activity_id == activity_id))


_TAKEN_IN_COURSE = select(func.coalesce(func.sum(Enrolment.seats), 0)).where(
    Enrolment.activity_id == bindparam("activity_id"), Enrolment.status.in_(TAKING_SEATS))
_TAKEN_IN_SESSION = _TAKEN_IN_COURSE.where(Enrolment.session_id == bindparam("session_id"))


def taken(session: Session, activity: Activity, target: ActivitySession | None = None) -> int:
    """Seats taken in one session (mode "session") or in the course (every session alike)."""
    if activity.mode == "session" and target is not None:
        return int(statements.scalar(session, _TAKEN_IN_SESSION, activity_id=activity.id, session_id=target.id))
    return int(statements.scalar(session, _TAKEN_IN_COURSE, activity_id=activity.id))


def remaining(session: Session, activity: Activity, targets: list[ActivitySession]) -> int:
    """The seats still free in every one of `targets` (a course seat must exist in each session)."""
    if activity.mode == "course":
        used = taken(session, activity)
        return min(s.seats for s in targets) - used
    return min(s.seats - taken(session, activity, s) for s in targets)


def taken_by_session(session: Session, activity_ids: list[int]) -> dict[tuple[int, int | None], int]:
    """{(activity_id, session_id or None for a course seat): seats taken}, in one query for a list page."""
    rows = session.execute(select(Enrolment.activity_id, Enrolment.session_id, func.sum(Enrolment.seats))
                           .where(Enrolment.activity_id.in_(activity_ids), Enrolment.status.in_(TAKING_SEATS))
                           .group_by(Enrolment.activity_id, Enrolment.session_id))
    return {(a, s): int(n) for a, s, n in rows}


def enrolled_in(counts: dict, row: ActivitySession) -> int:
    return counts.get((row.activity_id, row.id), 0) + counts.get((row.activity_id, None), 0)


def seats_for(activity: Activity, resident: Resident, day) -> int:
    """A child whose guardian must come, and whose guardian's seat counts, takes two seats."""
    child = "child" in resident.groups_on(day)
    return 2 if child and activity.guardian_present and activity.guardian_takes_seat else 1


_MY_SESSIONS = (select(ActivitySession.starts_at, ActivitySession.ends_at, Activity.kind, Activity.id)
                .join(Activity, Activity.id == ActivitySession.activity_id)
                .join(Enrolment, covers(ActivitySession.id, ActivitySession.activity_id))
                .where(Enrolment.resident_id == bindparam("resident_id"), Enrolment.status.in_(TAKING_SEATS),
                       ActivitySession.status == "scheduled", ActivitySession.starts_at < bindparam("hi"),
                       ActivitySession.ends_at > bindparam("lo")))


def my_sessions(session: Session, resident_id: int, lo: datetime, hi: datetime) -> list[tuple]:
    """(start, end, activity kind, activity id) of the person's sessions with a seat, overlapping [lo, hi)."""
    return [tuple(row) for row in statements.rows(session, _MY_SESSIONS, resident_id=resident_id, lo=lo, hi=hi)]


def roster_counts(session: Session, targets: list[ActivitySession]) -> dict[int, int]:
    """{session id: seats taken} for a list of sessions of any activities."""
    counts = taken_by_session(session, sorted({t.activity_id for t in targets}))
    found: dict[int, int] = defaultdict(int)
    for row in targets:
        found[row.id] = enrolled_in(counts, row)
    return dict(found)
