"""What the scheduler's routines cost, on a SQLite file.

    python bench/bench_scheduler.py [--bookings 1000]

Prints: the seconds for one run of every job when N reminders fall due at 18:00 (queue and deliver
through the log channel), the messages per second that makes, the cost of an idle tick (nothing
due), and what counting waitlist holds adds to every booking check (occupancy.uses_between with and
without its held_between query), plus GET availability as a ratio to a plain Flask endpoint served
the same way (the test client) in the same run.
"""
import argparse
import logging
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from bench.load import best_of  # noqa: E402
from cli.database import apply_migrations  # noqa: E402
from models import Booking, OpeningHours, Resident, Resource, WaitlistEntry, db  # noqa: E402
from services import occupancy  # noqa: E402
from services.accounts import accounts
from services.routines import jobs
from services.routines.scheduler_settings import settings_from  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2026, 11, 24)
EVENING = datetime.combine(TUESDAY - timedelta(days=1), clock(18), TZ)



def seed(n: int) -> int:
    s = db.session
    hall = Resource(name="休闲活动区", name_en="Leisure area", kind="elderly_care", floor=2, capacity=n,
                    exclusive=False, groups=[], group_window_days={})
    hall.hours = [OpeningHours(weekday=d, opens=clock(8), closes=clock(20)) for d in range(7)]
    s.add(hall)
    people = [Resident(name=f"居民{i}", birth_date=date(1950, 1, 1), phone=f"139{i:08d}") for i in range(n)]
    s.add_all(people)
    s.flush()
    for i, person in enumerate(people):
        start = datetime.combine(TUESDAY, clock(9 + i % 10), TZ).astimezone(UTC)
        s.add(Booking(resource_id=hall.id, resident_id=person.id, starts_at=start, ends_at=start + timedelta(hours=1),
                      party_size=1, status="confirmed", exclusive=False, channel="desk"))
        if i % 10 == 0:
            s.add(WaitlistEntry(resource_id=hall.id, resident_id=person.id, starts_at=start,
                                ends_at=start + timedelta(hours=1), party_size=1, status="offered",
                                hold_until=start, offered_at=EVENING))
    user = accounts.create_user(s, "admin", "password-1", "admin")
    s.commit()
    return hall.id, accounts.create_token(s, user)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=1000)
    n = parser.parse_args().bookings
    logging.getLogger("linli.outbox").setLevel(logging.WARNING)  # the log channel, without the noise
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "TIMEZONE": "Asia/Shanghai",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db"})

        @app.get("/plain")
        def plain():
            return {"ok": True}

        with app.app_context():
            apply_migrations()
            hall_id, token = seed(n)
            settings = settings_from(app.config)
            start = time.perf_counter()
            done = jobs.run_all(db.session, EVENING, settings)
            busy = time.perf_counter() - start
            print(f"one run with {n} reminders due: {busy:.2f} s "
                  f"(queued {done['queue_reminders']}, sent {done['deliver_outbox']}; "
                  f"{done['deliver_outbox'] / busy:.0f} messages/s)")
            idle = best_of(lambda: jobs.run_all(db.session, EVENING + timedelta(minutes=1), settings), runs=3)
            print(f"idle tick (nothing due, {n} bookings tomorrow): {idle * 1000:.0f} ms")
            hall = db.session.get(Resource, hall_id)
            lo = datetime.combine(TUESDAY, clock(10), TZ)
            with_holds = best_of(lambda: occupancy.uses_between(db.session, hall, lo, lo + timedelta(hours=1)), 50)
            holds_only = best_of(lambda: occupancy.held_between(db.session, hall, lo, lo + timedelta(hours=1)), 50)
            print(f"uses_between: {with_holds * 1e6:.0f} µs, of which the holds query {holds_only * 1e6:.0f} µs "
                  f"({holds_only / with_holds:.0%})")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        plain_t = best_of(lambda: client.get("/plain"), 30)
        avail_t = best_of(lambda: client.get(f"/api/v1/resources/{hall_id}/availability?date={TUESDAY}",
                                          headers=headers), 30)
        print(f"GET availability (holds counted): {avail_t * 1000:.1f} ms = {avail_t / plain_t:.1f}× a plain endpoint "
              f"({plain_t * 1000:.2f} ms)")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
