"""The resident register."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Building, Resident
from services.core import errors
from services.core.errors import N_

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class NewResident:
    name: str
    birth_date: date
    phone: str | None = None
    building_id: int | None = None
    disability: bool = False
    lives_alone: bool = False
    guardian_id: int | None = None


def register(session: Session, new: NewResident, today: date) -> Resident:
    if new.birth_date > today or new.birth_date.year < today.year - 120:
        raise errors.Invalid("birth_date", N_("出生日期不合理"))
    if new.building_id is not None and session.get(Building, new.building_id) is None:
        raise errors.Invalid("building_id", N_("找不到该楼栋"))
    if new.guardian_id is not None and session.get(Resident, new.guardian_id) is None:
        raise errors.Invalid("guardian_id", N_("找不到该监护人"))
    resident = Resident(**new.__dict__)
    session.add(resident)
    session.flush()
    return resident


def search(session: Session, query: str | None) -> list[Resident]:
    """Residents whose name, phone or building name contains the query."""
    stmt = select(Resident).outerjoin(Building).order_by(Resident.name, Resident.id).limit(SEARCH_LIMIT)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(Resident.name.like(like), Resident.phone.like(like), Building.name.like(like)))
    return list(session.scalars(stmt))


def find(session: Session, resident_id: int) -> Resident | None:
    return session.get(Resident, resident_id)
