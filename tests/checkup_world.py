"""A small centre for the check-up, small enough that every figure can be worked out by hand.

Week of Monday 2 to Sunday 8 November 2026 (no public holiday). Three spaces:
- library: shared, 10 seats, open 09–17 every day, 80 m²  → offered 7 × 8 × 10 = 560 seat-hours
- station: elderly care, shared, 20 seats, open 08–12 Mon–Fri, 60 m² → offered 5 × 4 × 20 = 400
- room: counselling, exclusive (one "seat"), open 09–17 every day, 15 m², closed Wed 09–13 → 7 × 8 − 4 = 52
Buildings: north (1 km away, 300 households) holds six elderly (one of them 86 and living alone);
near (50 m, 200 households) holds three adults (one disabled) and two children (aged 2 and 5).

With the programme (build(..., with_programme=True)), two activities whose sessions hold their space
with a resident-less booking, as the activities area places them:
- family reading in the library, 6 places a session: Tue 15–16 and Sat 10–11;
- a rehab course in the station, 8 places: Mon and Thu 10–11 (a Wednesday session was cancelled, its
  hold too, late; a session on Thu 29 October lies before the week).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from models import (
    Activity,
    ActivitySession,
    Attendance,
    Booking,
    Building,
    Closure,
    ContactRecord,
    Enrolment,
    RefusedAttempt,
    ServicePoint,
    WaitlistEntry,
)
from services.checkup.period import Period
from tests.world import TZ, resident, space

MONDAY = date(2026, 11, 2)
WEEK = Period(MONDAY, MONDAY + timedelta(days=6), TZ)
CREATED = datetime(2026, 10, 20, 10, tzinfo=TZ)
CENTRE_LAT, CENTRE_LON = 30.2905, 120.1952
NORTH_LAT = CENTRE_LAT + 1000 / 111_320  # 1 km north: beyond any 5-minute walk
NEAR_LAT = CENTRE_LAT + 50 / 111_320


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A local time in the week: day_offset 0 = Monday 2 November."""
    return datetime.combine(MONDAY + timedelta(days=day_offset), time(hour, minute), TZ)


@dataclass
class World:
    spaces: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    buildings: dict = field(default_factory=dict)


def _booking(s, where, who, start, hours=1, party=1, status="checked_in", updated=None) -> Booking:
    row = Booking(resource_id=where.id, resident_id=who.id, starts_at=start, ends_at=start + timedelta(hours=hours),
                  party_size=party, status=status, exclusive=where.exclusive, channel="desk", created_at=CREATED,
                  updated_at=updated or CREATED, checked_in_at=start if status == "checked_in" else None)
    s.add(row)
    return row


def _spaces(s, w: World) -> None:
    w.spaces["library"] = space(s, name="绘本馆", name_en="Library", kind="picture_book_library", exclusive=False,
                                capacity=10, area_m2=80, hours=[(d, time(9), time(17)) for d in range(7)])
    w.spaces["station"] = space(s, name="养老驿站", name_en="Station", kind="elderly_care", exclusive=False,
                                capacity=20, area_m2=60, groups=["elderly", "special"],
                                hours=[(d, time(8), time(12)) for d in range(5)])
    w.spaces["room"] = space(s, area_m2=15, hours=[(d, time(9), time(17)) for d in range(7)])
    s.add(Closure(resource_id=w.spaces["room"].id, starts_at=at(2, 9), ends_at=at(2, 13), reason="培训"))


def _people(s, w: World) -> None:
    north = Building(name="北区1幢", lat=NORTH_LAT, lon=CENTRE_LON, households=300)
    near = Building(name="南区2幢", lat=NEAR_LAT, lon=CENTRE_LON, households=200)
    s.add_all([north, near])
    s.flush()
    w.buildings.update(north=north, near=near)
    for n, name in enumerate(("赵子健", "钱玉珍", "孙德明", "李桂芳", "周志强"), start=1):
        w.people[f"e{n}"] = resident(s, name=name, born=date(1956, 1, 1), building_id=north.id)
    w.people["e6"] = resident(s, name="吴阿婆", born=date(1940, 1, 1), lives_alone=True, building_id=north.id)
    for n, name, born in ((1, "郑晓东", date(1990, 1, 1)), (2, "冯海燕", date(1985, 1, 1)),
                          (3, "陈文杰", date(1980, 1, 1))):
        w.people[f"a{n}"] = resident(s, name=name, born=born, building_id=near.id, disability=n == 3)
    w.people["c1"] = resident(s, name="陈一诺", born=date(2024, 6, 1), building_id=near.id)
    w.people["c2"] = resident(s, name="陈梓轩", born=date(2021, 3, 1), building_id=near.id)


def _use(s, w: World) -> None:
    lib, station, room, p = w.spaces["library"], w.spaces["station"], w.spaces["room"], w.people
    _booking(s, lib, p["e1"], at(0, 10), hours=2, party=2)
    _booking(s, lib, p["c1"], at(1, 10))
    _booking(s, lib, p["a1"], at(2, 14), party=3, status="no_show")
    _booking(s, lib, p["a2"], at(3, 9), status="cancelled", updated=at(3, 7))  # two hours before: late
    _booking(s, lib, p["a2"], at(4, 9), status="cancelled", updated=at(1, 9))  # three days before
    _booking(s, station, p["e2"], at(0, 8), hours=2)
    _booking(s, station, p["e3"], at(1, 9), status="confirmed")
    _booking(s, station, p["e6"], at(4, 9))  # after the outreach call on Tuesday
    _booking(s, room, p["a3"], at(3, 9))
    for status, day in (("lapsed", 1), ("booked", 1), ("waiting", 4)):
        s.add(WaitlistEntry(resource_id=station.id, resident_id=p["e4"].id, starts_at=at(day, 9),
                            ends_at=at(day, 10), status=status, created_at=CREATED))
    for n in range(6):
        s.add(RefusedAttempt(resource_id=room.id, code="conflict", at=at(n % 7, 11), slot_start=at(n % 7, 15),
                             channel="online", groups=[]))
    s.add(RefusedAttempt(resource_id=lib.id, code="capacity", at=at(5, 11), channel="desk", groups=["child"]))
    s.add(RefusedAttempt(resource_id=room.id, code="conflict", at=at(-3, 11), channel="desk", groups=[]))
    s.add(ContactRecord(resident_id=p["e6"].id, method="phone", outcome="reached", at=at(1, 10)))


def _session(s, activity: Activity, where, start, status="scheduled", updated=None) -> ActivitySession:
    hold = Booking(resource_id=where.id, resident_id=None, starts_at=start, ends_at=start + timedelta(hours=1),
                   party_size=activity.seats, status="confirmed" if status == "scheduled" else "cancelled",
                   exclusive=where.exclusive, channel="desk", created_at=CREATED, updated_at=updated or CREATED,
                   note=f"活动：{activity.title}")
    s.add(hold)
    s.flush()
    row = ActivitySession(activity_id=activity.id, resource_id=where.id, booking_id=hold.id, starts_at=start,
                          ends_at=start + timedelta(hours=1), seats=activity.seats, status=status,
                          checkin_token=f"t{hold.id}", created_at=CREATED, updated_at=updated or CREATED)
    s.add(row)
    s.flush()
    return row


def _places(s, activity, row, people: dict, **statuses) -> None:
    """statuses: resident key → "enrolled" (one seat), "enrolled2" (a guardian's seat too), "waitlisted", …"""
    for key, status in statuses.items():
        seats = 2 if status.endswith("2") else 1
        s.add(Enrolment(activity_id=activity.id, session_id=row.id if row else None, resident_id=people[key].id,
                        seats=seats, status=status.rstrip("2"), created_at=CREATED,
                        offered_at=CREATED if status == "expired" else None))


def _marks(s, row, people: dict, **present: bool) -> None:
    for key, came in present.items():
        s.add(Attendance(session_id=row.id, resident_id=people[key].id, present=came, method="desk",
                         recorded_at=row.starts_at))


def _programme(s, w: World) -> None:
    p = w.people
    reading = Activity(title="亲子阅读", title_en="Family reading", kind="storytime", seats=6, mode="session")
    rehab = Activity(title="康复操", title_en="Rehab exercise", kind="rehab_class", seats=8, mode="course")
    s.add_all([reading, rehab])
    s.flush()
    tuesday = _session(s, reading, w.spaces["library"], at(1, 15))
    saturday = _session(s, reading, w.spaces["library"], at(5, 10))
    _places(s, reading, tuesday, p, c1="enrolled2", c2="enrolled", a2="cancelled")
    _places(s, reading, saturday, p, c1="enrolled2", c2="enrolled", a3="enrolled", a2="enrolled", a1="waitlisted",
            e3="expired")
    _marks(s, tuesday, p, c1=True, c2=False)
    _marks(s, saturday, p, c1=True, c2=True, a3=True, a2=False)
    station = w.spaces["station"]
    monday, thursday = _session(s, rehab, station, at(0, 10)), _session(s, rehab, station, at(3, 10))
    _session(s, rehab, station, at(2, 10), status="cancelled", updated=at(2, 8))
    before = _session(s, rehab, station, at(-4, 10))
    _places(s, rehab, None, p, e4="enrolled", e5="enrolled", e1="enrolled", e2="cancelled", e3="waitlisted")
    _marks(s, monday, p, e4=True, e5=True, e1=False)
    _marks(s, thursday, p, e4=True, e5=False)
    _marks(s, before, p, e4=True, e6=True)
    s.add(ContactRecord(resident_id=p["a3"].id, method="visit", outcome="reached", at=at(3, 14)))


def build(session, with_points: bool = True, with_programme: bool = False) -> World:
    w = World()
    _spaces(session, w)
    _people(session, w)
    _use(session, w)
    if with_programme:
        _programme(session, w)
    if with_points:
        session.add(ServicePoint(name="邻里中心", service_types=["community_service", "elderly_care"],
                                 lat=CENTRE_LAT, lon=CENTRE_LON))
    session.commit()
    return w
