"""The activity waitlist, on the waitlist's offer-and-hold rules: a freed seat goes to the first in line and is
held for them (hold times shortened near the start, as for a space); accepting takes it, declining or expiry
passes it on. For a course the seat offered is the whole course seat."""
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Enrolment
from services.activities import notices, seats
from services.routines import waitlist
from services.routines.scheduler_settings import Settings


def targets_of(activity: Activity, enrolment: Enrolment, now: datetime) -> list[ActivitySession]:
    """The sessions an enrolment is (or would be) a seat in that are still to come."""
    if activity.mode == "session":
        row = enrolment.session
        return [row] if row is not None and row.status == "scheduled" and row.starts_at > now else []
    return [s for s in notices.scheduled(activity) if s.starts_at > now]


def _line(session: Session, activity: Activity, session_row: ActivitySession | None) -> list[Enrolment]:
    stmt = select(Enrolment).where(Enrolment.activity_id == activity.id, Enrolment.status == "waitlisted")
    if activity.mode == "session" and session_row is not None:
        stmt = stmt.where(Enrolment.session_id == session_row.id)
    return list(session.scalars(stmt.order_by(Enrolment.created_at, Enrolment.id)))


def offer_freed(session: Session, activity: Activity, session_row: ActivitySession | None, now: datetime,
                settings: Settings) -> int:
    """Offer free seats to the line in arrival order; the caller holds the activity's lock."""
    made = 0
    for entry in _line(session, activity, session_row):
        targets = targets_of(activity, entry, now)
        if not targets:
            continue
        first = SimpleNamespace(starts_at=targets[0].starts_at)
        if not waitlist.offerable(first, now, settings) or seats.remaining(session, activity, targets) < entry.seats:
            continue
        hold = waitlist.hold_deadline(first, now, settings)
        won = session.execute(update(Enrolment).where(Enrolment.id == entry.id, Enrolment.status == "waitlisted")
                              .values(status="offered", offered_at=now, hold_until=hold)).rowcount
        if won:
            session.refresh(entry)
            notices.offer(session, entry, activity, targets[0], now, settings)
            made += 1
    return made


def drop_line_for_session(session: Session, session_row: ActivitySession, now: datetime) -> None:
    """A cancelled session has no seats to offer: its line ends (the enrolees were told)."""
    session.execute(update(Enrolment).where(Enrolment.session_id == session_row.id,
                                            Enrolment.status.in_(("waitlisted", "offered")))
                    .values(status="expired", responded_at=now))


def expire_offers(session: Session, now: datetime, settings: Settings) -> int:
    """The job: offers past their hold expire and the seat goes to the next in line; one transaction per activity."""
    from services.activities.programme import lock_activity  # the lock lives with the use-cases
    activity_ids = session.scalars(select(Enrolment.activity_id).where(
        Enrolment.status == "offered", Enrolment.hold_until <= now).distinct()).all()
    session.commit()
    expired = 0
    for activity_id in sorted(activity_ids):
        activity = lock_activity(session, activity_id)
        stale = list(session.scalars(select(Enrolment).where(
            Enrolment.activity_id == activity_id, Enrolment.status == "offered", Enrolment.hold_until <= now)))
        for entry in stale:
            entry.status, entry.responded_at = "expired", now
        session.flush()
        for entry in stale:
            offer_freed(session, activity, entry.session, now, settings)
        expired += len(stale)
        session.commit()
    return expired
