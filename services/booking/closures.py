"""Closing a space, or the whole centre, for a while: holidays of its own, cleaning, staff training."""
from datetime import datetime

from sqlalchemy.orm import Session

from models import Closure, Resource
from services.core import errors
from services.core.access import Actor, require_space_manager
from services.core.errors import N_

MAX_REASON = 200


def close(session: Session, actor: Actor, resource: Resource | None, start: datetime, end: datetime,
          reason: str | None) -> Closure:
    """Staff close any space or the centre (resource None); an operator only a space it runs."""
    require_space_manager(actor, resource)
    if end <= start:
        raise errors.Invalid("end", N_("结束时间必须晚于开始时间"))
    reason = (reason or "").strip()
    if not reason:
        raise errors.Invalid("reason", N_("请填写原因"))
    closure = Closure(resource_id=resource.id if resource else None, starts_at=start, ends_at=end,
                      reason=reason[:MAX_REASON], created_by_id=actor.user_id)
    session.add(closure)
    session.flush()
    return closure
