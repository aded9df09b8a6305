"""Use-cases of enrolment (报名): enrol oneself or a ward, leave, take or turn down an offered seat.

Every write holds the activity's lock (PostgreSQL row lock; SQLite BEGIN IMMEDIATE) while it counts
seats, so a rush of hundreds takes exactly the free seats and queues the rest in arrival order.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, lazyload

from models import LIVE_ENROLMENT, TAKING_SEATS, Activity, ActivitySession, Enrolment, Resident
from services.activities import eligibility, listing, notices, offers, seats
from services.activities.programme import lock_activity
from services.core import audit, errors
from services.core.access import Actor
from services.core.errors import N_
from services.core.storage.transaction import read_only, write_transaction
from services.routines.scheduler_settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class EnrolInput:
    resident_id: int
    session_id: int | None = None
    activity_id: int | None = None
    waitlist: bool = False


def require_enrols_for(actor: Actor, resident_id: int) -> None:
    """Staff enrol anyone at the desk; residents themselves and their wards; operators no one."""
    if actor.is_staff or resident_id in actor.resident_ids:
        return
    raise errors.Forbidden(N_("只能为本人或监护的家人报名"))


# The named session comes with its activity (one statement, not two); the activity's other sessions only if asked.
_WITH_ACTIVITY = joinedload(ActivitySession.activity).lazyload(Activity.sessions)


def _asked(session: Session, data: EnrolInput) -> tuple[int, ActivitySession | None]:
    """The activity asked for, and the session when one is named."""
    if (data.session_id is None) == (data.activity_id is None):
        raise errors.Invalid("session_id", N_("请给出 session_id 或 activity_id（二选一）"))
    if data.activity_id is not None:
        return data.activity_id, None
    row = session.get(ActivitySession, data.session_id, options=[_WITH_ACTIVITY])
    if row is None:
        raise errors.NotFound(N_("找不到该场次"), field="session_id")
    return row.activity_id, row


def _targets(activity: Activity, named: ActivitySession | None,
             now: datetime) -> tuple[list[ActivitySession], ActivitySession | None]:
    """The sessions the seat is in, and the one session for a per-session activity."""
    if activity.mode == "course":
        ahead = [s for s in notices.scheduled(activity) if s.starts_at > now]
        if not ahead:
            raise errors.InvalidState(N_("该课程已经结束"))
        return ahead, None
    if named is None:
        raise errors.Invalid("session_id", N_("该活动按场次报名，请选择场次"))
    if named.status != "scheduled":
        raise errors.InvalidState(N_("该场次已取消"))
    if named.starts_at <= now:
        raise errors.InvalidState(N_("该场次已经开始"))
    return [named], named


def _lock_resident(session: Session, resident_id: int) -> Resident:
    """The person's row, locked after the activity's: two enrolments of one person in two activities at once
    then queue here, so the second sees the first when it checks for overlaps (PostgreSQL; SQLite serialises)."""
    return _found(session.scalars(select(Resident).where(Resident.id == resident_id).with_for_update()).first(),
                  N_("找不到该居民"), "resident_id")


def _visible(actor: Actor, activity: Activity | None) -> Activity:
    if activity is None or not listing.sees(actor, activity):  # a closed group is enrolled by the desk
        raise errors.NotFound(N_("找不到该活动"), field="activity_id")
    return activity


def _found(row: T | None, message: str, field: str) -> T:
    if row is None:
        raise errors.NotFound(message, field=field)
    return row


@dataclass(frozen=True)
class _Seat:
    """What an enrolment would take: the sessions it covers and the seats it needs against those free."""
    targets: list[ActivitySession]
    target: ActivitySession | None
    need: int
    free: int


def _examine(session: Session, actor: Actor, activity: Activity, named: ActivitySession | None, resident: Resident,
             data: EnrolInput, now: datetime, settings: Settings) -> _Seat:
    """The rules after the person is found, in the order a refusal names them."""
    require_enrols_for(actor, resident.id)
    targets, target = _targets(activity, named, now)
    eligibility.check_registration(activity, now)
    eligibility.check_eligible(activity, resident, targets[0], settings.tz)
    eligibility.check_not_enrolled(session, activity, resident, target)
    eligibility.check_overlap_and_quota(session, activity, resident, targets, settings.tz)
    need = seats.seats_for(activity, resident, targets[0].starts_at.astimezone(settings.tz).date())
    free = seats.remaining(session, activity, targets)
    if free < need and not data.waitlist:
        raise errors.CapacityExceeded(remaining=max(free, 0))
    return _Seat(targets, target, need, free)


def enrol(session: Session, actor: Actor, data: EnrolInput, now: datetime, settings: Settings) -> Enrolment:
    """Enrol, or join the waiting list when full and asked to; refused with the rule otherwise.

    The rules are examined under the lock, where they are exact. Without the waiting list they are examined
    first without it too, so that in a registration rush the hundreds refused for a full class never queue for
    it (a first look may refuse "full" just as the desk adds seats: it answers as the class stood when it
    looked). One who asks to queue is refused only by the rarer rules, so that look would cost more than it
    spares."""
    with read_only(session):
        activity_id, named = _asked(session, data)
        if not data.waitlist:
            activity = _visible(actor, session.get(Activity, activity_id, options=[lazyload(Activity.sessions)]))
            resident = _found(session.get(Resident, data.resident_id), N_("找不到该居民"), "resident_id")
            _examine(session, actor, activity, named, resident, data, now, settings)
    with write_transaction(session, keep_loaded=True):  # the answer is made from the rows in hand
        activity = _visible(actor, lock_activity(session, activity_id))
        resident = _lock_resident(session, data.resident_id)
        seat = _examine(session, actor, activity, named, resident, data, now, settings)
        row = Enrolment(activity_id=activity.id, session_id=seat.target.id if seat.target else None,
                        resident_id=resident.id, seats=seat.need,
                        status="enrolled" if seat.free >= seat.need else "waitlisted",
                        enrolled_by_id=actor.user_id, created_at=now)
        session.add(row)
        session.flush()
        if row.status == "enrolled":
            notices.enrolment_confirmed(session, row, activity, seat.targets[0], now, settings)
        if activity.sensitive:
            audit.record(session, actor.user_id, audit.CREATE, "enrolment", row.id, now)
    return row


def visible_enrolment(session: Session, actor: Actor, enrolment_id: int) -> Enrolment:
    row = session.get(Enrolment, enrolment_id)
    runs = actor.role == "operator" and row is not None and row.activity.operator == actor.organisation
    if row is None or not (actor.is_staff or row.resident_id in actor.resident_ids or runs):
        raise errors.NotFound(N_("找不到该报名"))
    return row


def _require_own_or_desk(actor: Actor, row: Enrolment) -> None:
    """Leaving and answering an offer are the person's (or guardian's) or the desk's: not the operator's."""
    if not (actor.is_staff or row.resident_id in actor.resident_ids):
        raise errors.Forbidden()


def cancel(session: Session, actor: Actor, enrolment_id: int, now: datetime, settings: Settings) -> Enrolment:
    """Leave (or leave the line); a freed seat is offered to the first in line at once."""
    with write_transaction(session):
        row = visible_enrolment(session, actor, enrolment_id)
        _require_own_or_desk(actor, row)
        activity = lock_activity(session, row.activity_id)
        session.refresh(row)
        if row.status not in LIVE_ENROLMENT:
            raise errors.InvalidState(N_("该报名已结束"))
        freed = row.status in TAKING_SEATS
        row.status, row.responded_at = "cancelled", now
        session.flush()
        if freed:
            offers.offer_freed(session, activity, row.session, now, settings)
    return row


def accept(session: Session, actor: Actor, enrolment_id: int, now: datetime, settings: Settings) -> Enrolment:
    """Take an offered seat while its hold lasts."""
    with write_transaction(session):
        row = visible_enrolment(session, actor, enrolment_id)
        _require_own_or_desk(actor, row)
        activity = lock_activity(session, row.activity_id)
        won = session.execute(update(Enrolment).where(Enrolment.id == row.id, Enrolment.status == "offered",
                                                      Enrolment.hold_until > now)
                              .values(status="enrolled", responded_at=now)).rowcount
        session.refresh(row)
        if not won:
            raise errors.InvalidState(N_("保留时间已过") if row.status in ("offered", "expired") else N_("没有待确认的位置"))
        targets = offers.targets_of(activity, row, now)
        if targets:
            notices.enrolment_confirmed(session, row, activity, targets[0], now, settings)
    return row


def decline(session: Session, actor: Actor, enrolment_id: int, now: datetime, settings: Settings) -> Enrolment:
    """Turn down an offered seat: it goes to the next in line at once."""
    with write_transaction(session):
        row = visible_enrolment(session, actor, enrolment_id)
        _require_own_or_desk(actor, row)
        activity = lock_activity(session, row.activity_id)
        won = session.execute(update(Enrolment).where(Enrolment.id == row.id, Enrolment.status == "offered")
                              .values(status="declined", responded_at=now)).rowcount
        session.refresh(row)
        if not won:
            raise errors.InvalidState(N_("没有待确认的位置"))
        offers.offer_freed(session, activity, row.session, now, settings)
    return row
