"""Booking core at scale: availability and the day board at 1k vs 200k bookings, and the 200-way race on SQLite.
(Throughput from outside is bench/bench_hot_paths.py's.)

    python bench/bench_booking.py
Targets: latency(200k) <= 1.5 x latency(1k) for both; the race settled in < 2 s on SQLite.
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

from models import Booking, Resource, db  # noqa: E402
from services.booking import availability, dayboard  # noqa: E402
from tests.server import gunicorn  # noqa: E402
from tests.test_concurrency import prepare, race  # noqa: E402
from tests.world import context, make_app, resident, space  # noqa: E402

ALWAYS_OPEN = [(d, clock_time(0), clock_time(23, 59)) for d in range(7)]


PROBED_YEAR_BOOKINGS = 1_000


def fill(url: str, bookings: int) -> tuple:
    """A centre of 10 spaces: 1,000 bookings in 2026 (the days probed), the rest as history in 2021-2025.

    The probed days hold the same bookings at every size, so the figures show what history costs a lookup.
    """
    app = make_app(url)
    rng = random.Random(7)
    with app.app_context():
        s = db.session
        spaces = [space(s, exclusive=False, capacity=10_000, hours=ALWAYS_OPEN) for _ in range(10)]
        person = resident(s)
        probed, history = datetime(2026, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)
        rows = []
        for n in range(bookings):
            origin, years = (probed, 1) if n < PROBED_YEAR_BOOKINGS else (history, 5)
            start = origin + timedelta(hours=rng.randrange(years * 365 * 24))
            rows.append({"resource_id": rng.choice(spaces).id, "resident_id": person.id, "starts_at": start,
                         "ends_at": start + timedelta(hours=1), "party_size": 1, "status": "confirmed",
                         "exclusive": False, "channel": "desk", "sequence": 0, "created_at": origin,
                         "updated_at": origin})
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(Booking), rows[chunk:chunk + 5000])
        s.commit()
        return app, spaces[0].id


def latencies(workdir: Path, bookings: int) -> tuple[float, float]:
    """Median ms of one day's availability for one space, and of the day board's data for all ten."""
    app, space_id = fill(f"sqlite:///{workdir / f'latency{bookings}.db'}", bookings)
    with app.app_context():
        resource, ctx = db.session.get(Resource, space_id), context(db.session)
        days = [date(2026, 1, 1) + timedelta(days=n % 365) for n in range(300)]
        one = [_timed(lambda d=d: availability.day_slots(db.session, resource, d, ctx)) for d in days]
        board = [_timed(lambda d=d: dayboard.board(db.session, d, ctx)) for d in days[:100]]
        db.session.rollback()
        db.engine.dispose()
    return statistics.median(one) * 1000, statistics.median(board) * 1000


def _timed(work) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (small, small_board), (large, large_board) = latencies(workdir, 1_000), latencies(workdir, 200_000)
        print(f"availability of one day: {small:.2f} ms at 1k bookings, {large:.2f} ms at 200k "
              f"= {large / small:.2f} x (target <= 1.5 x)")
        print(f"day board of one day, 10 spaces: {small_board:.2f} ms at 1k bookings, {large_board:.2f} ms at 200k "
              f"= {large_board / small_board:.2f} x (target <= 1.5 x)")
        token, ids = prepare(f"sqlite:///{workdir / 'race.db'}")
        env = {"DATABASE_URL": f"sqlite:///{workdir / 'race.db'}", "SECRET_KEY": "bench"}
        with gunicorn("app:create_app()", 4, env) as base:
            statuses, seconds = race(base, token, ids["room"], ids["people"])
        print(f"200-way race on SQLite (gunicorn 4 workers): settled in {seconds:.2f} s (target < 2 s), "
              f"{statuses.count(201)} created, {statuses.count(409)} refused, "
              f"{sum(s >= 500 for s in statuses)} errors")


if __name__ == "__main__":
    main()
