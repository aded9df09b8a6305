"""Feeds: time to build a 1,000-event feed. (The 304 path's throughput from outside is bench/bench_hot_paths.py's.)

    python bench/bench_feeds.py        (target: build < 50 ms)
"""
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from cli.database import apply_migrations  # noqa: E402
from models import Booking, OpeningHours, Resident, Resource, db  # noqa: E402
from services.accounts import accounts  # noqa: E402
from services.core.access import actor_for  # noqa: E402
from services.feeds import (  # noqa: E402
    feed_build,  # noqa: E402
    feeds,  # noqa: E402
)

TZ = ZoneInfo("Asia/Shanghai")
EVENTS = 1000


def seed(url: str) -> tuple[str, int]:
    """A space with EVENTS bookings in the feed window; returns a feed token and the feed id."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-0"})
    with app.app_context():
        apply_migrations()
        s = db.session
        room = Resource(name="养老驿站·休闲活动区", name_en="Elderly care station – leisure area", kind="elderly_care",
                        floor=2, capacity=30, exclusive=False, groups=[], operator="颐康养老服务中心",
                        hours=[OpeningHours(weekday=d, opens=clock_time(8), closes=clock_time(17)) for d in range(7)])
        people = [Resident(name=f"居民{n:03d}", birth_date=datetime(1950, 1, 1).date(), phone=f"1380000{n:04d}")
                  for n in range(100)]
        s.add_all([room, *people])
        s.flush()
        first = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
        s.add_all(Booking(resource_id=room.id, resident_id=people[n % 100].id,
                          starts_at=first + timedelta(days=n // 6, hours=n % 6), party_size=1,
                          ends_at=first + timedelta(days=n // 6, hours=n % 6 + 1), status="confirmed",
                          note="轮椅" if n % 7 == 0 else None) for n in range(EVENTS))
        staff = accounts.create_user(s, "bench-desk", "password-1", "staff")
        feed, token = feeds.create_feed(s, staff, "resource", resource_id=room.id)
        s.commit()
        return token, feed.id


def time_build(url: str, feed_id: int, runs: int = 30) -> tuple[float, float, int, int]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-0"})
    with app.app_context():
        feed = db.session.get(feeds.CalendarFeed, feed_id)
        owner = actor_for(db.session, feed.user)
        timings, body = [], b""
        for _ in range(runs):
            db.session.expire_all()
            started = time.perf_counter()
            body = feed_build.build_feed(db.session, feed, owner, datetime.now(UTC), TZ, feeds.FeedSettings())
            timings.append(time.perf_counter() - started)
        return statistics.median(timings) * 1000, min(timings) * 1000, body.count(b"BEGIN:VEVENT"), len(body)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        token, feed_id = seed(url)
        build_ms, best_ms, events, size = time_build(url, feed_id)
        print(f"build a {events}-event feed ({size / 1024:.0f} KiB): {build_ms:.1f} ms median, {best_ms:.1f} ms best"
              "  target < 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
