"""Use-cases of the programme: create an activity with its sessions, cancel a session."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from models import GROUPS, MODES, Activity, ActivitySession, Resource
from services.activities import notices, offers, placement
from services.booking import availability
from services.booking.booking import lock_space
from services.booking.rules import Context
from services.core import audit, errors
from services.core.access import Actor, require_space_manager
from services.core.errors import N_
from services.core.storage.transaction import write_transaction
from services.routines.scheduler_settings import Settings


@dataclass(frozen=True)
class ActivityInput:
    title: str
    kind: str
    seats: int
    resource_id: int
    start: datetime
    end: datetime
    mode: str = "session"
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    operator: str | None = None
    groups: list[str] = field(default_factory=list)
    min_age: int | None = None
    max_age: int | None = None
    guardian_present: bool = False
    guardian_takes_seat: bool = False
    sensitive: bool = False
    public: bool = True
    weekly_limit: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    rrule: str | None = None
    skip_conflicts: bool = False


def validate(data: ActivityInput) -> None:
    """What can be judged from the input alone, before any lock."""
    if data.mode not in MODES:
        raise errors.Invalid("mode", N_("mode 只能是 session 或 course"))
    unknown = set(data.groups) - set(GROUPS)
    if unknown:
        raise errors.Invalid("groups", N_("未知的人群：%(groups)s"), groups=", ".join(sorted(unknown)))
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        raise errors.Invalid("max_age", N_("最大年龄不能小于最小年龄"))
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise errors.Invalid("registration_closes_at", N_("报名截止时间必须晚于开始时间"))
    if data.end <= data.start:
        raise errors.Invalid("end", N_("结束时间必须晚于开始时间"))


def _activity_from(data: ActivityInput, actor: Actor, now: datetime) -> Activity:
    # An operator's activities are its own; staff may name the organisation that runs one.
    operator = actor.organisation if actor.role == "operator" else data.operator
    return Activity(
        title=data.title, title_en=data.title_en, kind=data.kind, description=data.description,
        description_en=data.description_en, operator=operator, groups=list(data.groups), min_age=data.min_age,
        max_age=data.max_age, seats=data.seats, mode=data.mode, guardian_present=data.guardian_present,
        guardian_takes_seat=data.guardian_takes_seat, sensitive=data.sensitive, public=data.public,
        weekly_limit=data.weekly_limit, registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at, rrule=data.rrule, created_by_id=actor.user_id,
        created_at=now)


def create_activity(session: Session, actor: Actor, data: ActivityInput, ctx: Context) -> placement.Placed:
    """Staff place an activity in any space, an operator only in a space it runs; refused with the rule."""
    validate(data)
    try:
        with write_transaction(session):
            resource = lock_space(session, data.resource_id)
            require_space_manager(actor, resource)
            if data.seats > resource.capacity:
                raise errors.Invalid("seats", N_("该空间最多容纳 %(n)s 人"), n=resource.capacity)
            activity = _activity_from(data, actor, ctx.now)
            session.add(activity)
            session.flush()
            placed = placement.place_sessions(session, activity, resource, data.start, data.end, data.rrule,
                                              data.skip_conflicts, actor.user_id, ctx)
            audit.record(session, actor.user_id, audit.CREATE, "activity", activity.id, ctx.now)
    except (errors.Conflict, errors.CapacityExceeded) as err:
        # The nearest free times are advice: looked up after the rollback, without the lock.
        _suggest(session, err, data, ctx)
        raise
    return placed


def _suggest(session: Session, err: errors.RuleViolation, data: ActivityInput, ctx: Context) -> None:
    """The nearest free times for the refused occurrence, looked up after the lock is released."""
    resource = session.get(Resource, data.resource_id)
    start = err.details.get("occurrence", data.start)
    if resource is None or not isinstance(start, datetime):
        return
    found = availability.alternatives(session, resource, start, start + (data.end - data.start), data.seats, ctx)
    err.details["alternatives"] = [{"start": s, "end": e} for s, e in found]


def lock_activity(session: Session, activity_id: int) -> Activity:
    """The activity row, locked on PostgreSQL: enrolments of one activity queue here (SQLite: BEGIN IMMEDIATE).

    Its sessions are loaded only if asked for: most enrolments need only the one they are for."""
    found = session.scalars(select(Activity).where(Activity.id == activity_id).with_for_update()
                            .options(lazyload(Activity.sessions))
                            .execution_options(populate_existing=True)).first()
    if found is None:
        raise errors.NotFound(N_("找不到该活动"), field="activity_id")
    return found


def require_runs_activity(actor: Actor, activity: Activity) -> None:
    """Staff manage every activity; an operator only those its organisation runs."""
    if actor.is_staff or (actor.role == "operator" and actor.organisation and activity.operator == actor.organisation):
        return
    raise errors.Forbidden()


def cancel_session(session: Session, actor: Actor, activity_id: int, session_id: int, reason: str | None,
                   now: datetime, settings: Settings) -> ActivitySession:
    """Cancel one session: its space is released and every enrolee (or guardian) is told once."""
    reason = (reason or "").strip()
    if not reason:
        raise errors.Invalid("reason", N_("请填写原因"))
    with write_transaction(session):
        activity = lock_activity(session, activity_id)
        require_runs_activity(actor, activity)
        target = session.get(ActivitySession, session_id)
        if target is None or target.activity_id != activity.id:
            raise errors.NotFound(N_("找不到该场次"), field="session_id")
        if target.status != "scheduled":
            raise errors.InvalidState(N_("该场次已取消"))
        lock_space(session, target.resource_id)
        target.status, target.cancel_reason = "cancelled", reason[:500]
        target.sequence, target.updated_at = target.sequence + 1, now
        placement.release(target, now)
        notices.session_cancelled(session, activity, target, now, settings)
        offers.drop_line_for_session(session, target, now)
        audit.record(session, actor.user_id, audit.CHANGE, "activity_session", target.id, now)
    return target
