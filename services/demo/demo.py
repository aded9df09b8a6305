"""Load the Hongmei demo centre. Safe to run twice: a second run changes nothing."""
import contextlib
import math
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Booking, Building, Centre, OpeningHours, Resident, Resource, ServicePoint, User
from services.accounts import accounts
from services.booking import booking
from services.booking.rules import Request
from services.core import errors
from services.core.access import Actor
from services.core.centre import context
from services.demo import demo_history, demo_programme
from services.demo.demo_data import (
    BUILDINGS,
    CENTRE,
    CENTRE_LAT,
    CENTRE_LON,
    GIVEN,
    LOGINS,
    POINT_AREAS,
    RESIDENT_LOGIN,
    SERVICE_POINTS,
    SPACE_AREAS,
    SPACES,
    SURNAMES,
)

METRES_PER_DEGREE_LAT = 111_320
RESIDENT_COUNT = 200


def offset(dx: float, dy: float) -> tuple[float, float]:
    """WGS-84 coordinates dx metres east and dy metres north of the centre."""
    lat = CENTRE_LAT + dy / METRES_PER_DEGREE_LAT
    return lat, CENTRE_LON + dx / (METRES_PER_DEGREE_LAT * math.cos(math.radians(CENTRE_LAT)))


def seed(session: Session, now: datetime, tz: ZoneInfo) -> bool:
    """Load the demo; False when it is already there."""
    if session.scalar(select(Centre).where(Centre.name == CENTRE[0])):
        # A demo loaded before the programme existed gains it once; otherwise nothing changes.
        residents = list(session.scalars(select(Resident).order_by(Resident.id)))
        buildings = list(session.scalars(select(Building)))
        come = demo_history.visitors(residents, buildings, now.astimezone(tz).date())
        return demo_programme.seed_programme(session, come, now, tz, random.Random(11))
    centre = session.scalar(select(Centre).limit(1)) or Centre()
    centre.name, centre.name_en, centre.close_on_public_holidays, centre.staff_window_days = *CENTRE, True, 90
    session.add(centre)
    spaces = _spaces(session)
    buildings = _buildings(session)
    _service_points(session)
    residents = _residents(session, buildings, now.astimezone(tz).date(), random.Random(5400))
    _logins(session, residents[0])
    session.flush()
    come = demo_history.visitors(residents, buildings, now.astimezone(tz).date())
    demo_programme.seed_programme(session, come, now, tz, random.Random(11))  # before bookings take the rooms
    _bookings(session, spaces, come, now, tz, random.Random(20))
    demo_history.seed_year(session, spaces, residents, buildings, now, tz, random.Random(2025))
    return True


def _spaces(session: Session) -> list[Resource]:
    spaces = []
    for name, name_en, kind, floor, cap, excl, groups, sensitive, operator, slot, buffer, quota, hours in SPACES:
        space = Resource(name=name, name_en=name_en, kind=kind, floor=floor, capacity=cap, exclusive=excl,
                         groups=groups, sensitive=sensitive, operator=operator, slot_minutes=slot,
                         buffer_minutes=buffer, weekly_quota=quota, min_duration_minutes=min(30, slot),
                         max_duration_minutes=max(240, slot), min_notice_minutes=60, window_days=14,
                         group_window_days={"special": 28})
        weekdays, periods = hours
        space.area_m2 = SPACE_AREAS.get(name, SPACE_AREAS.get(kind))
        space.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d in weekdays for o, c in periods]
        session.add(space)
        spaces.append(space)
    return spaces


def _buildings(session: Session) -> list[Building]:
    buildings = []
    for name, dx, dy, households in BUILDINGS:
        lat, lon = offset(dx, dy)
        buildings.append(Building(name=name, lat=lat, lon=lon, households=households or None))
    session.add_all(buildings)
    return buildings


def _service_points(session: Session) -> None:
    for name, types, dx, dy, opens_on in SERVICE_POINTS:
        lat, lon = offset(dx, dy)
        session.add(ServicePoint(name=name, service_types=types, lat=lat, lon=lon, opens_on=opens_on,
                                 area_m2=POINT_AREAS.get(name)))


def _name(rng: random.Random) -> str:
    given = rng.choice([GIVEN[i:i + 2] for i in range(0, len(GIVEN) - 1, 2)])
    return rng.choice(SURNAMES) + (given if rng.random() < 0.8 else given[0])


def _birth(today: date, rng: random.Random, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365 + 1, high * 365 - 1))


def _residents(session: Session, buildings: list[Building], today: date, rng: random.Random) -> list[Resident]:
    """A third elderly, children with a guardian, some disabled and some living alone."""
    homes = [b for b in buildings if b.households]
    parent = Resident(name="周丽娟", birth_date=_birth(today, rng, 36, 37), phone=RESIDENT_LOGIN[0],
                      building=homes[0])
    mother = Resident(name="周桂兰", birth_date=_birth(today, rng, 78, 79), building=homes[0], guardian=parent)
    child = Resident(name="陈一诺", birth_date=_birth(today, rng, 4, 5), building=homes[0], guardian=parent)
    people = [parent, mother, child]
    while len(people) < RESIDENT_COUNT:
        home = rng.choice(homes)
        roll = rng.random()
        if roll < 0.33:
            old = Resident(name=_name(rng), birth_date=_birth(today, rng, 60, 95), building=home,
                           lives_alone=rng.random() < 0.25, disability=rng.random() < 0.1,
                           phone=f"139{rng.randint(10**7, 10**8 - 1)}")
            people.append(old)
        elif roll < 0.55:
            adult = Resident(name=_name(rng), birth_date=_birth(today, rng, 28, 45), building=home,
                             phone=f"137{rng.randint(10**7, 10**8 - 1)}", disability=rng.random() < 0.04)
            kid = Resident(name=adult.name[0] + _name(rng)[1:], birth_date=_birth(today, rng, 1, 13),
                           building=home, guardian=adult, disability=rng.random() < 0.03)
            people += [adult, kid]
        else:
            people.append(Resident(name=_name(rng), birth_date=_birth(today, rng, 18, 59), building=home,
                                   phone=f"135{rng.randint(10**7, 10**8 - 1)}", disability=rng.random() < 0.05))
    people = people[:RESIDENT_COUNT]  # a last parent-and-child pair may overshoot by one
    session.add_all(people)
    return people


def _logins(session: Session, resident_login_for: Resident) -> None:
    session.flush()
    for username, password, role, organisation in LOGINS:
        if not session.scalar(select(User).where(User.username == username)):
            accounts.create_user(session, username, password, role, organisation=organisation)
    username, password = RESIDENT_LOGIN
    if not session.scalar(select(User).where(User.username == username)):
        accounts.create_user(session, username, password, "resident", resident_id=resident_login_for.id)


def _bookings(session: Session, spaces: list[Resource], residents: list[Resident], now: datetime, tz: ZoneInfo,
              rng: random.Random) -> None:
    """Two weeks of history and two weeks ahead, entered through the booking service as the desk would."""
    desk = Actor(user_id=None, role="staff")
    today = now.astimezone(tz).date()
    for offset_days in range(-14, 15):
        day = today + timedelta(days=offset_days)
        booked_at = min(now, datetime.combine(day, datetime.min.time(), tz) - timedelta(days=1))
        ctx = context(session, booked_at, tz, by_staff=True)
        for _ in range(rng.randint(8, 14)):
            _try_booking(session, rng, spaces, residents, day, ctx, desk)
    _settle_past(session, now, rng)


def _try_booking(session, rng, spaces, residents, day, ctx, desk) -> None:
    space = rng.choice(spaces)
    slots = [h for h in space.hours if h.weekday == day.weekday()]
    if not slots:
        return
    period = rng.choice(slots)
    first = datetime.combine(day, period.opens, ctx.tz)
    steps = int((datetime.combine(day, period.closes) - datetime.combine(day, period.opens)).total_seconds()
                // (space.slot_minutes * 60))
    if steps < 1:
        return
    start = first + timedelta(minutes=space.slot_minutes * rng.randrange(steps))
    resident = rng.choice(residents)
    party = rng.randint(1, 3) if not space.exclusive else 1
    req = Request(space, resident, start, start + timedelta(minutes=space.slot_minutes), party)
    with contextlib.suppress(errors.DomainError):  # the demo takes what the rules allow, like a real desk
        booking.book(session, req, desk, ctx, channel=rng.choice(["desk", "online", "phone"]))


def _settle_past(session: Session, now: datetime, rng: random.Random) -> None:
    for past in session.scalars(select(Booking).where(Booking.ends_at < now, Booking.status == "confirmed",
                                                      Booking.resident_id.is_not(None))):  # not sessions' holds
        roll = rng.random()
        past.status = "checked_in" if roll < 0.85 else "no_show" if roll < 0.93 else "cancelled"
        if past.status == "checked_in":
            past.checked_in_at = past.starts_at
