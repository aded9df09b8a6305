"""Attendance: the desk or the activity's operator marks present or absent; a resident may scan the session's QR code.

Absences are rows too (present = false): the check-up counts them, and each one counts as a no-show
towards the desk's "missed several times" flag, the same flag as missed bookings (routines.no_shows).
"""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ActivitySession, Attendance, Enrolment
from services.activities import seats
from services.activities.programme import require_runs_activity
from services.core import audit, errors
from services.core.access import Actor
from services.core.errors import N_
from services.core.storage.transaction import write_transaction
from services.routines import no_shows
from services.routines.scheduler_settings import Settings

# Self check-in by QR code from a little before the start until a little after.
SELF_CHECK_IN_BEFORE = timedelta(minutes=30)
SELF_CHECK_IN_AFTER = timedelta(minutes=30)


def enrolment_in(session: Session, row: ActivitySession, resident_id: int) -> Enrolment | None:
    return session.scalar(select(Enrolment).where(seats.covers(row.id, row.activity_id),
                                                  Enrolment.resident_id == resident_id,
                                                  Enrolment.status == "enrolled").limit(1))


def _mark(session: Session, row: ActivitySession, resident_id: int, present: bool, method: str,
          user_id: int | None, now: datetime) -> Attendance:
    found = session.scalar(select(Attendance).where(Attendance.session_id == row.id,
                                                    Attendance.resident_id == resident_id))
    found = found or Attendance(session_id=row.id, resident_id=resident_id)
    found.present, found.method, found.recorded_by_id, found.recorded_at = present, method, user_id, now
    session.add(found)
    session.flush()
    return found


def record(session: Session, actor: Actor, session_id: int, resident_id: int, present: bool,
           now: datetime, settings: Settings) -> Attendance:
    """The desk marks anyone enrolled; the operator those in its own activities. Not before the session starts."""
    with write_transaction(session):
        row = session.get(ActivitySession, session_id)
        if row is None:
            raise errors.NotFound(N_("找不到该场次"), field="session_id")
        require_runs_activity(actor, row.activity)
        if row.status != "scheduled":
            raise errors.InvalidState(N_("该场次已取消"))
        if now < row.starts_at - SELF_CHECK_IN_BEFORE:
            raise errors.InvalidState(N_("场次还没开始，不能点名"))
        if enrolment_in(session, row, resident_id) is None:
            raise errors.InvalidState(N_("该居民没有报名这一场"), field="resident_id")
        mark = _mark(session, row, resident_id, present, "operator" if actor.role == "operator" else "desk",
                     actor.user_id, now)
        if row.activity.sensitive:
            audit.record(session, actor.user_id, audit.CHANGE, "attendance", mark.id, now)
        if not present:
            no_shows.flag_if_repeated(session, resident_id, f"attendance:{mark.id}", now, settings)
    return mark


def self_check_in(session: Session, actor: Actor, token: str, now: datetime) -> tuple[ActivitySession, list[int]]:
    """The resident scanned the code at the session: everyone of their household enrolled is marked present."""
    with write_transaction(session):
        row = session.scalar(select(ActivitySession).where(ActivitySession.checkin_token == token))
        if row is None or row.status != "scheduled":
            raise errors.NotFound(N_("找不到该场次"))
        if not row.starts_at - SELF_CHECK_IN_BEFORE <= now <= row.starts_at + SELF_CHECK_IN_AFTER:
            raise errors.InvalidState(N_("签到时间为开始前后半小时内"))
        marked = [rid for rid in sorted(actor.resident_ids) if enrolment_in(session, row, rid) is not None]
        if not marked:
            raise errors.InvalidState(N_("您没有报名这一场"))
        for resident_id in marked:
            _mark(session, row, resident_id, True, "qr", actor.user_id, now)
    return row, marked


def attendance_of(session: Session, session_id: int) -> dict[int, bool]:
    return dict(session.execute(select(Attendance.resident_id, Attendance.present)
                                .where(Attendance.session_id == session_id)).all())
