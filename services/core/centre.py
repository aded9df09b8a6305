"""The centre's settings row and the rule context built from it."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Centre
from services.booking.rules import Context
from services.core import errors
from services.core.access import Actor
from services.core.errors import N_
from services.core.storage import settings_cache
from services.core.storage.transaction import write_transaction

STAFF_WINDOW_DAYS = (1, 365)


def _first_centre(session: Session) -> Centre | None:
    return session.scalar(select(Centre).order_by(Centre.id).limit(1))


def current_centre(session: Session) -> Centre:
    centre = settings_cache.reused(session, "centre", _first_centre)
    if centre is None:
        centre = Centre(name="邻里中心", name_en="Neighbourhood Centre", close_on_public_holidays=True,
                        staff_window_days=90)
        session.add(centre)
        session.flush()
    return centre


def context(session: Session, now: datetime, tz: ZoneInfo, by_staff: bool) -> Context:
    return Context(now=now, tz=tz, centre=current_centre(session), by_staff=by_staff)


def change_settings(session: Session, actor: Actor, close_on_public_holidays: bool,
                    staff_window_days: int | None = None) -> Centre:
    """Admins set the centre-wide rules; a window left out stays as it was."""
    if actor.role != "admin":
        raise errors.Forbidden()
    low, high = STAFF_WINDOW_DAYS
    if staff_window_days is not None and not low <= staff_window_days <= high:
        raise errors.Invalid("staff_window_days", N_("%(field)s 应在 %(low)s–%(high)s 之间"),
                             low=low, high=high)
    with write_transaction(session):
        centre = current_centre(session)
        centre.close_on_public_holidays = close_on_public_holidays
        if staff_window_days is not None:
            centre.staff_window_days = staff_window_days
    return centre
