"""A small centre for the scheduler's tests: two spaces, residents in every group, a clock in local time."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from models import OutboxMessage, Resident, Resource, WaitlistEntry
from services.routines.scheduler_settings import settings_from
from tests.world import resident, space

SETTINGS = settings_from({"TIMEZONE": "Asia/Shanghai"})
TUESDAY = date(2026, 11, 24)


@dataclass
class World:
    room: Resource  # exclusive, sensitive-free rehab room on floor 2
    hall: Resource  # shared leisure area, 3 seats
    adult: Resident
    elder: Resident
    child: Resident
    parent: Resident


def build(session) -> World:
    room = space(session, name="康复理疗室", name_en="Rehab room", kind="rehab", floor=2, operator="颐康养老服务中心")
    hall = space(session, name="休闲活动区", name_en="Leisure area", kind="elderly_care", floor=2, exclusive=False,
                 capacity=3, operator="颐康养老服务中心")
    parent = resident(session, name="周丽娟", phone="13800000001")
    world = World(room, hall, resident(session, name="张建国", phone="13900000002"),
                  resident(session, name="王桂兰", born=date(1940, 3, 3), lives_alone=True, phone="13900000003"),
                  resident(session, name="陈一诺", born=date(2021, 6, 1), guardian_id=parent.id), parent)
    session.commit()
    return world


def messages(session, kind: str | None = None, booking_id: int | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if booking_id:
        stmt = stmt.where(OutboxMessage.booking_id == booking_id)
    return list(session.scalars(stmt))


def count_messages(session, kind: str) -> int:
    return session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == kind))


def entries(session, status: str | None = None) -> list[WaitlistEntry]:
    stmt = select(WaitlistEntry).order_by(WaitlistEntry.id)
    if status:
        stmt = stmt.where(WaitlistEntry.status == status)
    session.expire_all()
    return list(session.scalars(stmt))


def every(start: datetime, end: datetime, step: timedelta):
    """The instants a scheduler would wake at."""
    moment = start
    while moment < end:
        yield moment
        moment += step
