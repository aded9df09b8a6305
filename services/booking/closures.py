"""Closing a space, or the whole centre, for a while: holidays of its own, cleaning, staff training."""
from datetime import datetime

from sqlalchemy.orm import Session

from models import Booking, Closure, Resource
from services.booking import closure_effects
from services.core import errors
from services.core.access import Actor, require_space_manager, runs_space
from services.core.errors import N_
from services.core.storage.transaction import write_transaction

MAX_REASON = 200


def _checked_reason(start: datetime, end: datetime, reason: str | None) -> str:
    if end <= start:
        raise errors.Invalid("end", N_("结束时间必须晚于开始时间"))
    reason = (reason or "").strip()
    if not reason:
        raise errors.Invalid("reason", N_("请填写原因"))
    return reason[:MAX_REASON]


def close(session: Session, actor: Actor, resource: Resource | None, start: datetime, end: datetime,
          reason: str | None) -> Closure:
    """Staff close any space or the centre (resource None); an operator only a space it runs."""
    require_space_manager(actor, resource)
    closure = Closure(resource_id=resource.id if resource else None, starts_at=start, ends_at=end,
                      reason=_checked_reason(start, end, reason), created_by_id=actor.user_id)
    session.add(closure)
    session.flush()
    return closure


def create_closure(session: Session, actor: Actor, resource_id: int | None, start: datetime, end: datetime,
                   reason: str | None, telling: closure_effects.Telling | None = None) -> Closure:
    """The use-case behind the API, the admin's and the operator's closure forms (see close_and_tell)."""
    return close_and_tell(session, actor, resource_id, start, end, reason, telling)[0]


def close_and_tell(session: Session, actor: Actor, resource_id: int | None, start: datetime, end: datetime,
                   reason: str | None, telling: closure_effects.Telling | None) -> tuple[Closure, list[Booking]]:
    """Close, then cancel the confirmed bookings inside with the closure's reason, let the waitlist for those
    hours lapse, and (with `telling`) tell each resident or guardian with the nearest free times.

    Returns the closure and the bookings it cancelled.
    """
    _checked_reason(start, end, reason)  # before the write lock
    with write_transaction(session):
        resource = session.get(Resource, resource_id) if resource_id else None
        if resource_id and resource is None:
            raise errors.NotFound(N_("找不到该空间"), field="resource_id")
        closure = close(session, actor, resource, start, end, reason)
        hit = closure_effects.hit_by(session, resource, closure.starts_at, closure.ends_at)
        cancelled = closure_effects.apply(session, closure, hit, telling)
        closure_reason, cancelled_ids = closure.reason, [b.id for b in cancelled]
    if telling is not None and cancelled_ids:  # committed: the slow search runs with no write lock held
        closure_effects.offer_alternatives(session, closure_reason, cancelled_ids, telling)
    return closure, cancelled


def remove_closure(session: Session, actor: Actor, closure_id: int) -> None:
    """Staff remove any closure; an operator only one of a space it runs (others are not its to know of)."""
    with write_transaction(session):
        closure = session.get(Closure, closure_id)
        resource = session.get(Resource, closure.resource_id) if closure and closure.resource_id else None
        if closure is None or not (actor.is_staff or (resource is not None and runs_space(actor, resource))):
            raise errors.NotFound()
        session.delete(closure)
