"""How long a year's community check-up takes for a Hongmei-sized centre.

    python bench/bench_checkup.py [--quick] [--postgres URL]

Builds, on a SQLite file (or the PostgreSQL database given), a year of 5,400 residents in 20
buildings, 10 spaces, 13 service points, 50,000 bookings, 3,000 waitlist entries, 8,000 refused
attempts, 2,000 outreach contacts and a programme of 12 weekly activities (624 sessions, each
holding its space with a resident-less booking, 20,000 enrolments, about 12,000 attendance marks),
then times compute.checkup + privacy.public for the year (best of 3). Target: under 3 s. The
programme's rows come from ACTIVITY_ROWS: (model, generator(rng, residents)) pairs, inserted in order.
"""
import argparse
import random
import secrets
import sys
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bench.load import best_of  # noqa: E402
from models import (  # noqa: E402
    Activity,
    ActivitySession,
    Attendance,
    Booking,
    Building,
    ContactRecord,
    Enrolment,
    OpeningHours,
    RefusedAttempt,
    Resident,
    Resource,
    ServicePoint,
    WaitlistEntry,
    db,
)
from services.checkup import compute, privacy  # noqa: E402
from services.checkup.period import Period  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
YEAR = Period(date(2025, 12, 1), date(2026, 11, 30), TZ)
NOW = datetime(2026, 12, 1, 1, tzinfo=UTC)
KINDS = ("elderly_care", "rehab", "picture_book_library", "early_education", "shared_kitchen", "play_area",
         "counselling", "elderly_care", "rehab", "play_area")
TARGET_S = 3.0
ACTIVITIES, WEEKS, ENROLMENTS = 12, 52, 20_000
ACTIVITY_KINDS = ("storytime", "rehab_class", "baking", "health_lecture")
ACTIVITY_SEATS = (12, 8, 30, 20)  # by kind; a rehab class is a course (one enrolment for all its sessions)


def _activities(rng: random.Random, residents: int):
    for i in range(ACTIVITIES):
        yield dict(title=f"活动{i}", title_en=f"Activity {i}", kind=ACTIVITY_KINDS[i % 4], seats=ACTIVITY_SEATS[i % 4],
                   mode="course" if i % 4 == 1 else "session", groups=[], created_at=NOW)


def _session_start(i: int, week: int) -> datetime:
    return datetime.combine(YEAR.start + timedelta(weeks=week, days=i % 7), time(9 + i % 8), TZ)


def _sessions(rng: random.Random, residents: int):
    """Session ids are 1 + activity × WEEKS + week, in insertion order on a fresh database (as resident ids are)."""
    for i in range(ACTIVITIES):
        for week in range(WEEKS):
            start = _session_start(i, week)
            yield dict(activity_id=i + 1, resource_id=1 + i % len(KINDS), starts_at=start,
                       ends_at=start + timedelta(hours=1), seats=ACTIVITY_SEATS[i % 4],
                       status="cancelled" if rng.random() < 0.03 else "scheduled", checkin_token=secrets.token_urlsafe(12),
                       created_at=start - timedelta(days=14), updated_at=start - timedelta(days=14))


def _holds(rng: random.Random, residents: int):
    """The resident-less bookings that hold the sessions' spaces: the check-up must not count them as bookings."""
    for i in range(ACTIVITIES):
        for week in range(WEEKS):
            start = _session_start(i, week)
            yield dict(resource_id=1 + i % len(KINDS), resident_id=None, starts_at=start,
                       ends_at=start + timedelta(hours=1), party_size=ACTIVITY_SEATS[i % 4], status="confirmed",
                       exclusive=False, channel="desk", created_at=start - timedelta(days=14),
                       updated_at=start - timedelta(days=14))


def _enrolments(rng: random.Random, residents: int):
    for _ in range(ENROLMENTS):
        i = rng.randrange(ACTIVITIES)
        course = i % 4 == 1
        yield dict(activity_id=i + 1, session_id=None if course else 1 + i * WEEKS + rng.randrange(WEEKS),
                   resident_id=rng.randint(1, residents), seats=rng.choice([1, 1, 1, 2]),
                   status=rng.choices(["enrolled", "waitlisted", "cancelled"], [85, 5, 10])[0], created_at=NOW)


def _attendance(rng: random.Random, residents: int):
    for session_id in range(1, ACTIVITIES * WEEKS + 1):
        for resident_id in rng.sample(range(1, residents + 1), rng.randint(10, 28)):
            yield dict(session_id=session_id, resident_id=resident_id, present=rng.random() < 0.85, method="desk",
                       recorded_at=NOW)


ACTIVITY_ROWS: list = [(Activity, _activities), (ActivitySession, _sessions), (Booking, _holds),
                       (Enrolment, _enrolments), (Attendance, _attendance)]


def _world(session, residents: int, bookings: int, rng: random.Random) -> None:
    buildings = [Building(name=f"{n}幢", lat=30.29 + rng.uniform(-0.01, 0.01), lon=120.195 + rng.uniform(-0.01, 0.01),
                          households=rng.randint(60, 140)) for n in range(1, 21)]
    session.add_all(buildings)
    spaces = []
    for i, kind in enumerate(KINDS):
        space = Resource(name=f"空间{i}", name_en=f"Space {i}", kind=kind, capacity=rng.choice([1, 6, 12, 30]),
                         exclusive=i in (1, 6), area_m2=rng.randint(20, 200), slot_minutes=60)
        space.hours = [OpeningHours(weekday=d, opens=time(8), closes=time(18)) for d in range(7)]
        spaces.append(space)
    session.add_all(spaces)
    for t in ("elderly_care", "meal", "health", "nursery", "kindergarten", "primary_school", "supermarket",
              "pharmacy", "park", "community_service", "bus_stop", "meal", "park"):
        session.add(ServicePoint(name=t, service_types=[t], lat=30.29 + rng.uniform(-0.01, 0.01),
                                 lon=120.195 + rng.uniform(-0.01, 0.01), area_m2=rng.randint(50, 500)))
    session.flush()
    session.execute(insert(Resident), [dict(
        name=f"居民{i}", birth_date=date(1930, 1, 1) + timedelta(days=rng.randint(0, 34000)),
        building_id=rng.choice(buildings).id, disability=rng.random() < 0.04, lives_alone=rng.random() < 0.06,
        other_need=False) for i in range(residents)])
    _use(session, [s.id for s in spaces], residents, bookings, rng)
    session.commit()


def _instant(rng: random.Random) -> datetime:
    day = YEAR.start + timedelta(days=rng.randrange(365))
    return datetime.combine(day, time(rng.randint(8, 16)), TZ)


def _use(session, space_ids: list[int], residents: int, bookings: int, rng: random.Random) -> None:
    rows = []
    for _ in range(bookings):
        start = _instant(rng)
        status = rng.choices(["checked_in", "no_show", "cancelled", "confirmed"], [80, 7, 10, 3])[0]
        rows.append(dict(resource_id=rng.choice(space_ids), resident_id=rng.randint(1, residents), starts_at=start,
                         ends_at=start + timedelta(hours=1), party_size=rng.randint(1, 3), status=status,
                         exclusive=False, channel="online", created_at=start - timedelta(days=2),
                         updated_at=start - timedelta(hours=rng.choice([3, 48])),
                         checked_in_at=start if status == "checked_in" else None))
    session.execute(insert(Booking), rows)
    session.execute(insert(WaitlistEntry), [dict(
        resource_id=rng.choice(space_ids), resident_id=rng.randint(1, residents), starts_at=(s := _instant(rng)),
        ends_at=s + timedelta(hours=1), party_size=1, status=rng.choice(["lapsed", "booked", "expired"]),
        created_at=s - timedelta(days=1)) for _ in range(3000)])
    session.execute(insert(RefusedAttempt), [dict(
        resource_id=rng.choice(space_ids), code=rng.choice(["capacity", "conflict", "quota", "not_eligible"]),
        at=_instant(rng), channel="online", groups=[]) for _ in range(8000)])
    session.execute(insert(ContactRecord), [dict(
        resident_id=rng.randint(1, residents), method="phone", outcome="reached", at=_instant(rng))
        for _ in range(2000)])
    for model, generate in ACTIVITY_ROWS:
        session.execute(insert(model), list(generate(rng, residents)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, for a smoke run")
    parser.add_argument("--postgres", help="an empty PostgreSQL database's URL to run on instead of a SQLite file")
    args = parser.parse_args()
    residents, bookings = (540, 5000) if args.quick else (5400, 50_000)
    from app import create_app
    from cli.database import apply_migrations

    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            apply_migrations()
            _world(db.session, residents, bookings, random.Random(12))
            seconds = best_of(lambda: privacy.public(compute.checkup(db.session, YEAR, NOW)), runs=3)
            db.engine.dispose()
    verdict = "OK" if seconds < TARGET_S else "TOO SLOW"
    print(f"check-up for a year: {residents} residents, {bookings} bookings: {seconds:.2f} s "
          f"(target < {TARGET_S:.0f} s) {verdict}")
    if seconds >= TARGET_S and not args.quick:
        sys.exit(1)


if __name__ == "__main__":
    main()
