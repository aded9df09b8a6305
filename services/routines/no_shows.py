"""No-shows: bookings not checked in within the space's grace period become no_show.

Their seats are released at once (no_show is not an active status), so the next waitlist run
offers them. Residents who miss several bookings or activity sessions (an absence taken at
attendance counts as a no-show) are flagged for the desk, never punished automatically: a flag
is a prompt to call, not a ban.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import ActivitySession, Attendance, AttentionFlag, Booking, Resource
from services.booking import booking as bookings
from services.core import errors
from services.core.access import Actor, require_staff
from services.core.storage.transaction import write_transaction
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")
SYSTEM = Actor(user_id=None, role="staff")
LOOK_BACK = timedelta(days=1)


def overdue(session: Session, now: datetime, settings: Settings) -> list[int]:
    """Confirmed bookings of the last day whose grace period has passed."""
    rows = session.execute(
        select(Booking.id, Booking.starts_at, Resource.id, Resource.kind)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(Booking.status == "confirmed", Booking.starts_at <= now, Booking.starts_at > now - LOOK_BACK,
               Booking.resident_id.is_not(None))  # an activity session's hold is nobody's no-show
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    return [bid for bid, start, rid, kind in rows if start + settings.grace_for(rid, kind) <= now]


def mark_one(session: Session, booking_id: int, now: datetime, settings: Settings) -> bool:
    """Lock the booking row and mark it, unless someone checked it in or cancelled it meanwhile."""
    target = session.scalar(select(Booking).where(Booking.id == booking_id).with_for_update())
    if target is None or target.status != "confirmed":
        return False
    bookings.mark_no_show(target, SYSTEM, now)
    flag_if_repeated(session, target.resident_id, str(target.id), now, settings)
    return True


def missed(session: Session, resident_id: int, now: datetime, settings: Settings) -> int:
    """Bookings marked no-show and activity sessions marked absent, in the flag's window."""
    since = now - timedelta(days=settings.no_show_flag_days)
    bookings = session.scalar(select(func.count(Booking.id)).where(
        Booking.resident_id == resident_id, Booking.status == "no_show", Booking.starts_at > since))
    absences = session.scalar(select(func.count(Attendance.id))
                              .join(ActivitySession, ActivitySession.id == Attendance.session_id)
                              .where(Attendance.resident_id == resident_id, Attendance.present.is_(False),
                                     ActivitySession.starts_at > since))
    return bookings + absences


def flag_if_repeated(session: Session, resident_id: int, cause: str, now: datetime, settings: Settings) -> bool:
    """Flag a resident with N misses in the window, unless an unresolved flag already says so.

    `cause` names the miss that tipped it (a booking id, or "attendance:<id>"): a retried run flags once."""
    missed_count = missed(session, resident_id, now, settings)
    if missed_count < settings.no_show_flag_count:
        return False
    if session.scalar(select(AttentionFlag.id).where(AttentionFlag.resident_id == resident_id,
                                                     AttentionFlag.reason == "repeated_no_show",
                                                     AttentionFlag.resolved_at.is_(None))):
        return False
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(AttentionFlag).values(
        dedupe_key=f"repeated_no_show:{resident_id}:{cause}", resident_id=resident_id,
        reason="repeated_no_show", count=missed_count, created_at=now,
    ).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return session.execute(stmt).rowcount == 1


def mark_no_shows(session: Session, now: datetime, settings: Settings) -> int:
    """The job: one short transaction per booking."""
    ids = overdue(session, now, settings)
    session.commit()
    marked = 0
    for booking_id in ids:
        if mark_one(session, booking_id, now, settings):
            marked += 1
            log.debug("marked booking %s no-show", booking_id)
        session.commit()
    return marked


def open_flags(session: Session) -> list[AttentionFlag]:
    return list(session.scalars(select(AttentionFlag).where(AttentionFlag.resolved_at.is_(None))
                                .order_by(AttentionFlag.created_at)))


def resolve_flag(session: Session, flag_id: int, user_id: int | None, now: datetime) -> AttentionFlag:
    flag = session.get(AttentionFlag, flag_id)
    if flag is None:
        raise errors.NotFound()
    if flag.resolved_at is None:
        flag.resolved_at, flag.resolved_by_id = now, user_id
    return flag


def resolve(session: Session, actor: Actor, flag_id: int, now: datetime) -> AttentionFlag:
    """Staff mark a repeated no-show flag as dealt with."""
    require_staff(actor)
    with write_transaction(session):
        return resolve_flag(session, flag_id, actor.user_id, now)
