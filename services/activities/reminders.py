"""Reminders before sessions, on the booking reminders' rules: the evening before and two hours before.

Each enrolee (or guardian) once per session, kind and version of the session: the outbox key carries the
session's sequence, so re-runs queue nothing twice and a moved session reminds afresh.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Enrolment
from services.activities import notices, seats
from services.routines.reminders import LOOK_AHEAD, day_before_due, two_hours_due
from services.routines.scheduler_settings import Settings

KINDS = (("reminder_day_before", day_before_due), ("reminder_2h", two_hours_due))


def due_now(session: Session, now: datetime, settings: Settings) -> list[tuple[Enrolment, ActivitySession, str]]:
    rows = session.execute(
        select(Enrolment, ActivitySession)
        .join(Activity, Activity.id == Enrolment.activity_id)
        .join(ActivitySession, seats.covers(ActivitySession.id, ActivitySession.activity_id))
        .where(Enrolment.status == "enrolled", ActivitySession.status == "scheduled",
               ActivitySession.starts_at > now, ActivitySession.starts_at <= now + LOOK_AHEAD)
        .order_by(ActivitySession.starts_at, Enrolment.id)).all()
    return [(e, s, kind) for e, s in rows for kind, due in KINDS if due(s.starts_at, now, settings)]


def queue_due(session: Session, now: datetime, settings: Settings) -> int:
    """The job: queue every session reminder due as of `now` (the outbox's unique key makes it once)."""
    queued = sum(notices.reminder(session, e, s, kind, now, settings) for e, s, kind in due_now(session, now, settings))
    session.commit()
    return queued
