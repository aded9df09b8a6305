"""Staff's drill-down from a figure to the people behind it, inside the centre only, each read audited."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ActivitySession, Attendance, Booking, Building, Resident
from services.checkup.period import Period
from services.circle.circle_store import born_by
from services.core import audit, errors
from services.core.access import Actor, require_staff
from services.core.storage.transaction import write_transaction


@dataclass(frozen=True)
class Named:
    resident_id: int
    name: str
    age: int


@dataclass(frozen=True)
class Found:
    building: str
    people: list[Named]


def elderly_who_never_came(session: Session, actor: Actor, period: Period, building_id: int, now: datetime) -> Found:
    """The building's elderly (60+ on the period's last day) who neither checked in to a booking nor were marked
    present at an activity session in the period (the check-up's "used a service"), oldest first."""
    require_staff(actor)
    building = session.get(Building, building_id)
    if building is None:
        raise errors.NotFound("找不到该楼栋 / No such building", field="building_id")
    checked_in = select(Booking.resident_id).where(Booking.status == "checked_in", Booking.starts_at >= period.lo,
                                                   Booking.starts_at < period.hi)
    present = select(Attendance.resident_id).join(ActivitySession, ActivitySession.id == Attendance.session_id).where(
        Attendance.present, ActivitySession.starts_at >= period.lo, ActivitySession.starts_at < period.hi)
    people = list(session.scalars(select(Resident).where(
        Resident.building_id == building_id, Resident.birth_date <= born_by(period.end, 60),
        Resident.id.not_in(checked_in), Resident.id.not_in(present)).order_by(Resident.birth_date, Resident.id)))
    found = Found(building.name, [Named(p.id, p.name, p.age_on(period.end)) for p in people])
    with write_transaction(session):
        for person in people:
            audit.record(session, actor.user_id, audit.READ, "resident", person.id, now)
    return found
