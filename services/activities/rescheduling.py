"""Moving a session to another time (or space): the new time passes the booking rules under the space's lock,
the old hold is released, and every enrolee (or guardian) is told once per move."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ActivitySession, Enrolment, Resource
from services.activities import notices, placement, seats
from services.activities.programme import lock_activity, require_runs_activity
from services.booking.booking import lock_space
from services.booking.rules import Context
from services.core import audit, errors
from services.core.access import Actor, require_space_manager
from services.core.errors import N_
from services.core.storage.transaction import write_transaction
from services.routines.scheduler_settings import Settings


def _spaces_locked(session: Session, old_id: int, new_id: int) -> Resource:
    """Both spaces, always in id order so two moves in opposite directions cannot deadlock."""
    found = {rid: lock_space(session, rid) for rid in sorted({old_id, new_id})}
    return found[new_id]


def move_session(session: Session, actor: Actor, activity_id: int, session_id: int, start: datetime,
                 end: datetime, resource_id: int | None, ctx: Context, settings: Settings) -> ActivitySession:
    if end <= start:
        raise errors.Invalid("end", N_("结束时间必须晚于开始时间"))
    with write_transaction(session):
        activity = lock_activity(session, activity_id)
        require_runs_activity(actor, activity)
        row = session.get(ActivitySession, session_id)
        if row is None or row.activity_id != activity.id:
            raise errors.NotFound(N_("找不到该场次"), field="session_id")
        if row.status != "scheduled" or row.starts_at <= ctx.now:
            raise errors.InvalidState(N_("只能调整还没开始的场次"))
        resource = _spaces_locked(session, row.resource_id, resource_id or row.resource_id)
        if resource.id != row.resource_id:
            require_space_manager(actor, resource)
        placement.release(row, ctx.now)  # its own seats do not stand in the way of the new time
        session.flush()
        try:
            placement.check_place(session, resource, start, end, row.seats, ctx)
        except errors.RuleViolation as err:
            err.details["occurrence"] = start
            raise
        hold = placement.hold_space(session, resource, start, end, row.seats, activity.title, actor.user_id, ctx.now)
        row.resource_id, row.booking_id, row.starts_at, row.ends_at = resource.id, hold.id, start, end
        row.sequence, row.updated_at = row.sequence + 1, ctx.now
        session.flush()
        session.refresh(row)
        _tell_enrolees(session, activity, row, ctx.now, settings)
        audit.record(session, actor.user_id, audit.CHANGE, "activity_session", row.id, ctx.now)
    return row


def _tell_enrolees(session: Session, activity, row: ActivitySession, now: datetime, settings: Settings) -> int:
    people = session.scalars(select(Enrolment).where(seats.covers(row.id, activity.id),
                                                     Enrolment.status.in_(("enrolled", "offered", "waitlisted")))
                             .order_by(Enrolment.id)).all()
    sent = 0
    for person in {e.resident_id: e for e in people}.values():
        sent += notices.session_moved(session, activity, row, person, now, settings)
    return sent
