"""Booking core: throughput under gunicorn as a ratio to a plain Flask endpoint, availability latency
at 1k vs 100k bookings, and the 200-way race on SQLite.

    python bench/bench_booking.py
Targets: booking POST >= 30 % of plain, availability GET >= 50 %, latency(100k) <= 1.5 x latency(1k),
the race settled in < 2 s on SQLite.
"""
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.load import throughput  # noqa: E402
from models import Booking, Resource, db  # noqa: E402
from services.accounts import accounts  # noqa: E402
from services.booking import availability  # noqa: E402
from tests.server import gunicorn  # noqa: E402
from tests.test_concurrency import prepare, race  # noqa: E402
from tests.world import TZ, context, make_app, resident, space  # noqa: E402  # noqa: E402

ALWAYS_OPEN = [(d, clock_time(0), clock_time(23, 59)) for d in range(7)]
WORKERS, CLIENTS, SECONDS = 2, 16, 6


def build_centre(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        s = db.session
        hall = space(s, name="休闲活动区", kind="elderly_care", exclusive=False, capacity=50, hours=ALWAYS_OPEN,
                     min_notice_minutes=0, window_days=60)
        people = [resident(s, name=f"居民{n}") for n in range(50)]
        token = accounts.create_token(s, accounts.create_user(s, "desk", "password-1", "staff"))
        s.commit()
        ids = {"hall": hall.id, "people": [p.id for p in people], "token": token}
        db.engine.dispose()
    return ids


def booking_request(ids: dict, base: str):
    first = (datetime.now(TZ) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    headers = {"Authorization": f"Bearer {ids['token']}"}

    def send(session, n: int):
        start = first + timedelta(hours=n % (24 * 50))
        return session.post(f"{base}/api/v1/bookings", headers=headers, json={
            "resource_id": ids["hall"], "resident_id": ids["people"][n % 50], "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()})
    return send


def availability_request(ids: dict, base: str):
    headers = {"Authorization": f"Bearer {ids['token']}"}
    today = datetime.now(TZ).date()
    return lambda session, n: session.get(
        f"{base}/api/v1/resources/{ids['hall']}/availability?date={today + timedelta(days=n % 30)}", headers=headers)


def throughput_ratios(workdir: Path) -> None:
    ids = build_centre(f"sqlite:///{workdir / 'throughput.db'}")
    env = {"DATABASE_URL": f"sqlite:///{workdir / 'throughput.db'}", "SECRET_KEY": "bench"}
    with gunicorn("bench.plain_app:app", WORKERS, ready_path="/plain") as plain:
        plain_get, _ = throughput(lambda s, n: s.get(f"{plain}/plain"), CLIENTS, SECONDS)
        plain_post, _ = throughput(lambda s, n: s.post(f"{plain}/plain"), CLIENTS, SECONDS)
    with gunicorn("app:create_app()", WORKERS, env) as base:
        avail, avail_bad = throughput(availability_request(ids, base), CLIENTS, SECONDS)
        book, book_bad = throughput(booking_request(ids, base), CLIENTS, SECONDS)
    print(f"plain Flask GET {plain_get:7.0f} req/s, POST {plain_post:7.0f} req/s  (gunicorn {WORKERS} workers, "
          f"{CLIENTS} clients)")
    print(f"availability GET {avail:7.0f} req/s = {avail / plain_get:5.1%} of plain GET (target >= 50 %), "
          f"{avail_bad} errors")
    print(f"booking POST     {book:7.0f} req/s = {book / plain_post:5.1%} of plain POST (target >= 30 %), "
          f"{book_bad} errors")


def fill(url: str, bookings: int) -> tuple:
    """A centre with `bookings` spread over 10 spaces and ~4 years; returns the app and a probe space."""
    app = make_app(url)
    rng = random.Random(7)
    with app.app_context():
        s = db.session
        spaces = [space(s, exclusive=False, capacity=10_000, hours=ALWAYS_OPEN) for _ in range(10)]
        person = resident(s)
        origin = datetime(2024, 1, 1, tzinfo=UTC)
        rows = []
        for _ in range(bookings):
            start = origin + timedelta(hours=rng.randrange(4 * 365 * 24))
            rows.append({"resource_id": rng.choice(spaces).id, "resident_id": person.id, "starts_at": start,
                         "ends_at": start + timedelta(hours=1), "party_size": 1, "status": "confirmed",
                         "exclusive": False, "channel": "desk", "sequence": 0, "created_at": origin,
                         "updated_at": origin})
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(Booking), rows[chunk:chunk + 5000])
        s.commit()
        return app, spaces[0].id


def availability_latency(workdir: Path, bookings: int) -> float:
    app, space_id = fill(f"sqlite:///{workdir / f'latency{bookings}.db'}", bookings)
    with app.app_context():
        resource, ctx = db.session.get(Resource, space_id), context(db.session)
        timings = []
        for n in range(300):
            began = time.perf_counter()
            availability.day_slots(db.session, resource, date(2026, 1, 1) + timedelta(days=n % 365), ctx)
            timings.append(time.perf_counter() - began)
        db.session.rollback()
        db.engine.dispose()
    return statistics.median(timings) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        throughput_ratios(workdir)
        small, large = availability_latency(workdir, 1_000), availability_latency(workdir, 100_000)
        print(f"availability of one day: {small:.2f} ms at 1k bookings, {large:.2f} ms at 100k "
              f"= {large / small:.2f} x (target <= 1.5 x)")
        token, ids = prepare(f"sqlite:///{workdir / 'race.db'}")
        env = {"DATABASE_URL": f"sqlite:///{workdir / 'race.db'}", "SECRET_KEY": "bench"}
        with gunicorn("app:create_app()", 4, env) as base:
            statuses, seconds = race(base, token, ids["room"], ids["people"])
        print(f"200-way race on SQLite (gunicorn 4 workers): settled in {seconds:.2f} s (target < 2 s), "
              f"{statuses.count(201)} created, {statuses.count(409)} refused, "
              f"{sum(s >= 500 for s in statuses)} errors")


if __name__ == "__main__":
    main()
