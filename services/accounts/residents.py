"""The resident register."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import Booking, Building, Resident
from services.core import audit, errors
from services.core.access import Actor, may_see_resident, require_staff
from services.core.errors import N_
from services.core.storage.transaction import write_transaction

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


def register_resident(session: Session, actor: Actor, new: NewResident, today: date, now: datetime) -> Resident:
    """Staff register a resident (API or desk); the new personal record is audited."""
    require_staff(actor)
    with write_transaction(session):
        resident = register(session, new, today)
        audit.resident_touched(session, actor.user_id, resident, audit.CREATE, now)
    return resident


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


def search_residents(session: Session, actor: Actor, query: str | None, now: datetime) -> list[Resident]:
    """Staff search the register; every record shown is a read in the audit trail."""
    require_staff(actor)
    found = search(session, query)
    audit.reads_recorded(session, actor.user_id, audit.sensitive_entries(residents=found), now)
    return found


def read_resident(session: Session, actor: Actor, resident_id: int, now: datetime) -> Resident:
    """One personal record the actor may see, audited."""
    resident = find(session, resident_id) if may_see_resident(actor, resident_id) else None
    if resident is None:
        raise errors.NotFound()
    audit.reads_recorded(session, actor.user_id, audit.sensitive_entries(residents=[resident]), now)
    return resident


@dataclass(frozen=True)
class ResidentRecord:
    resident: Resident
    bookings: list[Booking]
    wards: list[Resident]


def read_record(session: Session, actor: Actor, resident_id: int, now: datetime,
                recent: int = 30) -> ResidentRecord:
    """The desk's personal record page: the resident, their latest bookings and wards; audited."""
    require_staff(actor)
    resident = find(session, resident_id)
    if resident is None:
        raise errors.NotFound()
    bookings = list(session.scalars(select(Booking).where(Booking.resident_id == resident.id)
                                    .order_by(Booking.starts_at.desc()).limit(recent)))
    wards = list(session.scalars(select(Resident).where(Resident.guardian_id == resident.id)))
    audit.reads_recorded(session, actor.user_id, audit.sensitive_entries(residents=[resident]), now)
    return ResidentRecord(resident, bookings, wards)
