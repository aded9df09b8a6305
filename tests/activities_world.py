"""A small centre with a programme: the spaces activities use and the families who enrol."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from models import Enrolment, OutboxMessage, Resident, Resource
from services.activities import enrolment, programme
from services.activities.enrolment import EnrolInput
from services.activities.programme import ActivityInput
from services.core.access import Actor
from services.routines.scheduler_settings import settings_from
from tests.world import DESK, NOW, TZ, context, resident, resident_actor, space

SETTINGS = settings_from({"TIMEZONE": "Asia/Shanghai"})
SATURDAY = date(2026, 11, 28)
COUNSELLOR = Actor(user_id=None, role="operator", organisation="心晴心理咨询工作室")
EARLY_YEARS = Actor(user_id=None, role="operator", organisation="小橡树早教")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ)


@dataclass
class World:
    counselling: Resource  # exclusive, sensitive, run by the counsellor
    library: Resource  # shared, 20 seats, run by the early-years provider
    kitchen: Resource  # exclusive, 12 seats
    parent: Resident
    child: Resident  # five on storytime day
    adult: Resident  # no child
    elder: Resident


def build(session) -> World:
    every_day = [(d, time(8), time(20)) for d in range(7)]
    counselling = space(session, operator="心晴心理咨询工作室", sensitive=True, hours=every_day)
    library = space(session, name="绘本馆", name_en="Picture-book library", kind="picture_book_library",
                    exclusive=False, capacity=20, operator="小橡树早教", hours=every_day)
    kitchen = space(session, name="邻里共享厨房", name_en="Shared kitchen", kind="shared_kitchen", capacity=12,
                    hours=every_day)
    parent = resident(session, name="周丽娟", phone="13800000001")
    world = World(counselling, library, kitchen, parent,
                  resident(session, name="陈一诺", born=date(2021, 6, 1), guardian_id=parent.id),
                  resident(session, name="张建国", phone="13900000002"),
                  resident(session, name="王桂兰", born=date(1944, 2, 2), phone="13900000003"))
    session.commit()
    return world


def storytime_input(world: World, **fields) -> ActivityInput:
    values = dict(title="绘本故事会", title_en="Storytime", kind="storytime", seats=10, resource_id=world.library.id,
                  start=at(SATURDAY, 10), end=at(SATURDAY, 11), groups=["child"], min_age=3, max_age=6,
                  guardian_present=True)
    values.update(fields)
    return ActivityInput(**values)


def place(session, data: ActivityInput, actor: Actor = DESK, now: datetime = NOW):
    return programme.create_activity(session, actor, data, context(session, now=now, by_staff=True))


def enrol(session, who: Resident, session_id: int | None = None, activity_id: int | None = None,
          actor: Actor | None = None, waitlist: bool = False, now: datetime = NOW) -> Enrolment:
    actor = actor or resident_actor(who)
    data = EnrolInput(resident_id=who.id, session_id=session_id, activity_id=activity_id, waitlist=waitlist)
    return enrolment.enrol(session, actor, data, now, SETTINGS)


def families(session, count: int) -> list[tuple[Resident, Resident]]:
    """(parent, four-year-old) pairs."""
    pairs = []
    for n in range(count):
        grown = resident(session, name=f"家长{n}", phone=f"1370000{n:04d}")
        pairs.append((grown, resident(session, name=f"孩子{n}", born=date(2022, 1, 1), guardian_id=grown.id)))
    session.commit()
    return pairs


def messages(session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)
