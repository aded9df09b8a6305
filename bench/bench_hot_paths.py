"""The hot paths, measured from outside with wrk, each as a ratio to a hello-world Flask app served by the
same gunicorn settings in the same run (a hello run just before and just after every target).

    python bench/bench_hot_paths.py [--workers N]      (DATABASE: BENCH_DATABASE_URL, default a fresh SQLite file)

Targets (issue "performance, measured from outside"): availability >= 50 %, booking POST >= 30 %, desk day board
>= 20 %, resident slot page >= 20 %, feed 304 >= 70 %, GET /api/v1/resources <= 2 ms in-process.
"""
import argparse
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.wrk import CONNECTIONS, SECONDS, THREADS, Run, require_wrk, wrk  # noqa: E402
from models import Booking, db  # noqa: E402
from services.accounts import accounts  # noqa: E402
from services.feeds import feeds  # noqa: E402
from tests.server import gunicorn  # noqa: E402
from tests.world import TZ, make_app, reset_postgres, resident, space  # noqa: E402

SPACES, RESIDENTS, FEEDS = 30, 300, 400
DAY_HOURS = [(d, clock_time(8), clock_time(20)) for d in range(7)]
ALWAYS_OPEN = [(d, clock_time(0), clock_time(23, 59)) for d in range(7)]  # book.lua books 00:00-23:00 starts
HALLS = 10
PASSWORD = "bench-pass-0001"


def busy_day_rows(spaces, people, day) -> list[dict]:
    """Every hour of every space taken: one booking in exclusive rooms, three parties in shared ones."""
    rows, n = [], 0
    for room in spaces:
        for hour in range(8, 20):
            start = datetime.combine(day, clock_time(hour), TZ)
            for _ in range(1 if room.exclusive else 3):
                rows.append({"resource_id": room.id, "resident_id": people[n % len(people)].id, "starts_at": start,
                             "ends_at": start + timedelta(hours=1), "party_size": 1, "status": "confirmed",
                             "exclusive": room.exclusive, "channel": "desk", "sequence": 0,
                             "created_at": start, "updated_at": start})
                n += 1
    return rows


def build_centre(url: str, day) -> dict:
    """30 spaces with a busy `day`, 10 always-open halls for the booking load, 300 residents, 400 feeds."""
    app = make_app(url)
    with app.app_context():
        s = db.session
        rooms = [space(s, name=f"活动室{n:02d}", name_en=f"Room {n:02d}", exclusive=n % 3 == 0,
                       capacity=1 if n % 3 == 0 else 12, sensitive=n % 10 == 0, hours=DAY_HOURS,
                       min_notice_minutes=0, window_days=30)
                 for n in range(SPACES - HALLS)]
        halls = [space(s, name=f"多功能厅{n}", name_en=f"Hall {n}", kind="hall", exclusive=False, capacity=50,
                       hours=ALWAYS_OPEN, min_notice_minutes=0, window_days=365) for n in range(HALLS)]
        people = [resident(s, name=f"居民{n:03d}") for n in range(RESIDENTS)]
        s.execute(insert(Booking), busy_day_rows(rooms + halls, people, day))
        staff = accounts.create_user(s, "desk", PASSWORD, "staff")
        accounts.create_user(s, "resident", PASSWORD, "resident", resident_id=people[0].id)
        token = accounts.create_token(s, staff)
        feed_tokens = [feeds.create_feed(s, staff, "resource", resource_id=(rooms + halls)[n % SPACES].id)[1]
                       for n in range(FEEDS)]
        s.commit()
        ids = {"rooms": [r.id for r in rooms], "halls": [h.id for h in halls], "people": [p.id for p in people],
               "token": token, "feeds": feed_tokens}
        db.engine.dispose()
    return ids


def signed_in(base: str, username: str) -> str:
    """The Cookie header of a fresh sign-in."""
    session = requests.Session()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', session.get(f"{base}/login").text).group(1)
    answer = session.post(f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf},
                          allow_redirects=False)
    assert answer.status_code == 302, f"sign-in as {username}: {answer.status_code}"
    return "; ".join(f"{k}={v}" for k, v in session.cookies.get_dict().items())


def write_lines(folder: Path, name: str, lines: list[str]) -> str:
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def feed_polls(base: str, tokens: list[str]) -> list[str]:
    """Each feed's path with the ETag a calendar client would hold after its first fetch."""
    lines = []
    for token in tokens:
        answer = requests.get(f"{base}/feeds/{token}.ics")
        assert answer.status_code == 200, answer.status_code
        lines.append(f"/feeds/{token}.ics\t{answer.headers['ETag']}")
    return lines


@dataclass
class Target:
    label: str
    target: float | None  # the ratio to hello-world it must reach; None for a yardstick
    script: str
    args: tuple
    headers: dict = field(default_factory=dict)
    hello: str = "get"
    fresh_args: Callable[[], tuple] | None = None  # arguments that must be made just before the run
    base: str | None = None  # another server than the app's (the floor)


def targets(base: str, ids: dict, day, folder: Path) -> list[Target]:
    bearer = {"Authorization": f"Bearer {ids['token']}"}
    today = datetime.now(TZ).date()
    dates = [today + timedelta(days=n) for n in range(14)]
    desk, me = signed_in(base, "desk"), signed_in(base, "resident")
    availability = write_lines(folder, "availability.txt", [
        f"/api/v1/resources/{room}/availability?date={d}" for room in ids["rooms"] for d in dates])
    slot_pages = write_lines(folder, "slots.txt", [f"/my/book/{room}?date={d}" for room in ids["rooms"]
                                                   for d in dates[:7]])
    board = write_lines(folder, "board.txt", [f"/desk?date={day}"])

    def polls() -> tuple:  # the ETags as they are now: every booking made since has changed them
        return 304, write_lines(folder, "feeds.txt", feed_polls(base, ids["feeds"]))
    # After the busy day: its bookings already hold many of these residents at its hours.
    first_slot = int(datetime.combine(today + timedelta(days=3), clock_time(0), TZ).timestamp())
    halls, people = ",".join(map(str, ids["halls"])), ",".join(map(str, ids["people"]))
    return [
        Target("GET /api/v1/resources/{id}/availability (staff token)", 0.50, "rotate.lua", (200, availability),
               bearer),
        Target("POST /api/v1/bookings (distinct slots, staff token)", 0.30, "book.lua",
               (201, halls, people, first_slot, THREADS), bearer, hello="post"),
        Target(f"desk day board, {SPACES} spaces, a busy day (session cookie)", 0.20, "rotate.lua", (200, board),
               {"Cookie": desk}),
        Target("resident slot page /my/book/{id}?date= (session cookie)", 0.20, "rotate.lua", (200, slot_pages),
               {"Cookie": me}),
        Target(f"feed poll answered 304 ({FEEDS} feeds polled in turn)", 0.70, "rotate.lua", (), fresh_args=polls),
    ]


FLOOR_LABEL = "POST floor: the same durable booking, Flask + sqlite3 alone"


def floor_database(folder: Path, url: str) -> Path | None:
    """A copy of the centre for the booking row's floor (bench/floor_app.py): SQLite only."""
    if not url.startswith("sqlite"):
        return None
    copy = folder / "floor.db"
    with sqlite3.connect(url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def hello_run(plain: str, kind: str, folder: Path, seconds: int = SECONDS) -> Run:
    if kind == "post":
        return wrk(plain, "post.lua", 201, seconds=seconds)
    return wrk(plain, "rotate.lua", 200, write_lines(folder, "plain.txt", ["/plain"]), seconds=seconds)


def target_run(base: str, target: Target, offset: int, seconds: int = SECONDS) -> Run:
    args = target.fresh_args() if target.fresh_args else target.args
    if target.script == "book.lua":
        args = (*args, offset)
    return wrk(base, target.script, *args, headers=target.headers, seconds=seconds)


def measure(plain: str, base: str, target: Target, folder: Path) -> dict:
    """Each path warmed just before it is measured: otherwise the bookings warmed after it would have dropped its
    kept answers, and the run would start from an empty store where a poller in the lobby finds a full one."""
    target_run(target.base or base, target, offset=60_000, seconds=1)
    before = hello_run(plain, target.hello, folder)
    run = target_run(target.base or base, target, 0)
    after = hello_run(plain, target.hello, folder)
    reference = statistics.mean([before.per_second, after.per_second])
    return {"target": target, "run": run, "hello": reference, "ratio": run.per_second / reference}


def resources_list_ms(url: str, token: str) -> float:
    """In-process: the median of 200 GET /api/v1/resources through the Flask test client."""
    app = make_app(url)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    for _ in range(220):
        began = time.perf_counter()
        assert client.get("/api/v1/resources", headers=headers).status_code == 200
        timings.append(time.perf_counter() - began)
    with app.app_context():
        db.engine.dispose()
    return statistics.median(timings[20:]) * 1000


def print_table(rows: list[dict], workers: int, database: str, list_ms: float) -> None:
    if database == "sqlite":
        database += f" (synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'FULL')})"
    print(f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s against gunicorn -w {workers} (sync), {database}; "
          "hello = mean of the hello-world runs just before and after")
    print(f"{'path':62} {'req/s':>7} {'hello':>7} {'ratio':>7} {'target':>7} {'p50 ms':>7} {'p99 ms':>7} {'bad':>5}")
    for row in rows:
        run: Run = row["run"]
        target: Target = row["target"]
        if target.target is None:
            goal, mark = "-", "yardstick" + (" (unexpected answers)" if run.unexpected else "")
        else:
            goal = f"{target.target:.0%}"
            mark = "met" if row["ratio"] >= target.target and not run.unexpected else "NOT met"
        print(f"{target.label:62} {run.per_second:7.0f} {row['hello']:7.0f} {row['ratio']:7.1%} {goal:>7} "
              f"{run.p50_ms:7.2f} {run.p99_ms:7.2f} {run.unexpected:5d}  {mark}"
              + (f" (unexpected answers, e.g. {run.example})" if run.example else ""))
    booked, floor = (next((r for r in rows if r["target"].script == "book.lua" and (r["target"].base is None) == app),
                          None) for app in (True, False))
    if booked and floor:
        print(f"the booking row reached {booked['ratio'] / floor['ratio']:.0%} of its floor")
    print(f"{'GET /api/v1/resources (30 spaces), in-process median':62} {list_ms:7.2f} ms   target <= 2 ms  "
          f"{'met' if list_ms <= 2 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="measure only the paths whose label contains this (while profiling)")
    options = parser.parse_args()
    require_wrk()
    day = (datetime.now(TZ) + timedelta(days=1)).date()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'hot.db'}"
        if url.startswith("postgresql"):
            reset_postgres(url)
        ids = build_centre(url, day)
        env = {"BENCH_DATABASE_URL": url}
        floor_copy = floor_database(folder, url)
        with ExitStack() as servers:
            plain = servers.enter_context(gunicorn("bench.plain_app:app", options.workers, ready_path="/plain"))
            base = servers.enter_context(gunicorn("bench.bench_app:app", options.workers, env))
            paths = targets(base, ids, day, folder)
            if floor_copy is not None:  # the booking row's load, against the floor, with no token to send
                floor = servers.enter_context(gunicorn("bench.floor_app:app", options.workers,
                                                       {"FLOOR_DATABASE": str(floor_copy)}, ready_path="/ready"))
                booking = next(t for t in paths if t.script == "book.lua")
                paths.insert(paths.index(booking) + 1, replace(booking, label=FLOOR_LABEL, target=None, headers={},
                                                               base=floor))
            paths = [t for t in paths if not options.only or options.only in t.label]
            for target in paths:  # warm both up: the first requests compile templates and fill caches
                target_run(target.base or base, target, offset=70_000, seconds=1)
                hello_run(plain, target.hello, folder, seconds=1)
            rows = [measure(plain, base, target, folder) for target in paths]
        list_ms = resources_list_ms(url, ids["token"])
    print_table(rows, options.workers, url.split(":")[0], list_ms)


if __name__ == "__main__":
    main()
