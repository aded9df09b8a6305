"""The centre's settings row and the rule context built from it."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Centre
from services.booking.rules import Context


def current_centre(session: Session) -> Centre:
    centre = session.scalar(select(Centre).order_by(Centre.id).limit(1))
    if centre is None:
        centre = Centre(name="邻里中心", name_en="Neighbourhood Centre", close_on_public_holidays=True,
                        staff_window_days=90)
        session.add(centre)
        session.flush()
    return centre


def context(session: Session, now: datetime, tz: ZoneInfo, by_staff: bool) -> Context:
    return Context(now=now, tz=tz, centre=current_centre(session), by_staff=by_staff)
