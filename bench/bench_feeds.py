"""Feeds: time to build a 1,000-event feed, and the 304 path's throughput against a plain Flask
endpoint, both served by gunicorn the same way in the same run.

    python bench/bench_feeds.py        (targets: build < 50 ms; 304 path >= 70 % of plain Flask)

Short by design (the machine has 2 cores): a few seconds of load per round.
"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

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
WORKERS, CLIENTS, REQUESTS, ROUNDS = 2, 4, 1500, 5
plain_app = Flask("plain")


@plain_app.get("/plain")
def plain():
    return "ok"


def feed_app():
    """Our app as gunicorn serves it, with the rate limit out of the way of the load."""
    return create_app({"SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"], "SECRET_KEY": "bench-secret-key-0",
                       "FEED_RATE_LIMIT": 10**9, "FEED_CACHE_SECONDS": 600})


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
                             "--chdir", str(ROOT / "bench"), "--log-level", "warning", target],
                            env={**os.environ, **env, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn did not start for {target}")


def get(port: int, path: str, headers: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def throughput(port: int, path: str, headers: dict, expect: int) -> float:
    """Requests per second with CLIENTS threads sending REQUESTS requests in all."""
    per_client = REQUESTS // CLIENTS
    failures = []

    def client():
        for _ in range(per_client):
            status = get(port, path, headers)
            if status != expect:
                failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} unexpected answers, e.g. {failures[0]}")
    return per_client * CLIENTS / elapsed


def etag_of(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200, response.status
    return response.getheader("ETag")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        token, feed_id = seed(url)
        build_ms, best_ms, events, size = time_build(url, feed_id)
        print(f"build a {events}-event feed ({size / 1024:.0f} KiB): {build_ms:.1f} ms median, {best_ms:.1f} ms best"
              "  target < 50 ms")
        env = {"BENCH_DATABASE_URL": url}
        feed_proc, feed_port = serve("bench_feeds:feed_app()", env)
        plain_proc, plain_port = serve("bench_feeds:plain_app", env)
        try:
            path = f"/feeds/{token}.ics"
            etag = etag_of(feed_port, path)
            throughput(feed_port, path, {"If-None-Match": etag}, 304)  # warm both up
            throughput(plain_port, "/plain", {}, 200)
            # Alternate the two so that load from elsewhere on the machine falls on both alike.
            rounds = [(throughput(plain_port, "/plain", {}, 200), throughput(feed_port, path, {"If-None-Match": etag}, 304))
                      for _ in range(ROUNDS)]
        finally:
            for proc in (feed_proc, plain_proc):
                proc.terminate()
                proc.wait(timeout=10)
    plain_rps = statistics.median(r[0] for r in rounds)
    feed_rps = statistics.median(r[1] for r in rounds)
    print(f"plain Flask endpoint (gunicorn, {WORKERS} workers): {plain_rps:.0f} req/s")
    print(f"feed 304 path (gunicorn, {WORKERS} workers):        {feed_rps:.0f} req/s")
    ratio = statistics.median(feed / plain for plain, feed in rounds)
    print(f"304 path / plain: {ratio:.0%} (median of {ROUNDS} alternating rounds)  target >= 70 %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
