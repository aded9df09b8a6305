"""The fault tests' shared set-up: a centre with one always-open hall, residents to book it, a desk token,
the booking request they send, and the scheduler as a real process.

Used by the crash, disk-full, PostgreSQL-restart and scheduler-restart tests, which differ in the fault,
not in the centre.
"""
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import requests
from sqlalchemy import func, select

from models import OutboxMessage, db, utcnow
from services.accounts import accounts
from services.messaging import outbox
from tests.server import ROOT
from tests.world import TZ, make_app, resident, space

ALWAYS_OPEN = [(day, clock_time(0), clock_time(23, 59)) for day in range(7)]
# Quiet hours off and short intervals: these tests are about surviving a fault, whatever the time of day.
FAST_SCHEDULER = {"SCHEDULER_INTERVALS": {"heartbeat": 0.5, "deliver_outbox": 0.5}, "SCHEDULER_STAGGER_SECONDS": 0.1,
                  "QUIET_HOURS_FROM": "00:00", "QUIET_HOURS_UNTIL": "00:00"}


@dataclass(frozen=True)
class BusyCentre:
    hall: int
    people: list[int]
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def busy_centre(url: str, people: int, capacity: int | None = None, **hall_fields) -> BusyCentre:
    """Migrate `url`, then a shared hall open round the clock (bookable at once) and `people` residents."""
    app = make_app(url)
    with app.app_context():
        s = db.session
        hall_fields = {"name": "休闲活动区", "kind": "elderly_care", **hall_fields}
        hall = space(s, exclusive=False, capacity=capacity or people, hours=ALWAYS_OPEN, min_notice_minutes=0,
                     **hall_fields)
        residents = [resident(s, name=f"居民{n}") for n in range(people)]
        token = accounts.create_token(s, accounts.create_user(s, "desk", "password-1", "staff"))
        s.commit()
        centre = BusyCentre(hall.id, [p.id for p in residents], token)
        db.engine.dispose()
    return centre


def ten_oclock(days_ahead: int) -> datetime:
    return (datetime.now(TZ) + timedelta(days=days_ahead)).replace(hour=10, minute=0, second=0, microsecond=0)


def booking_body(centre: BusyCentre, person: int, start: datetime) -> dict:
    return {"resource_id": centre.hall, "resident_id": person, "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()}


def book(base: str, centre: BusyCentre, person: int, start: datetime, timeout: float = 30,
         http: requests.Session | None = None) -> requests.Response:
    return (http or requests).post(f"{base}/api/v1/bookings", headers=centre.headers, timeout=timeout,
                                   json=booking_body(centre, person, start))


def hall_bookings(base: str, centre: BusyCentre) -> requests.Response:
    return requests.get(f"{base}/api/v1/bookings?resource_id={centre.hall}", timeout=30, headers=centre.headers)


# --- the scheduler as a real process ----------------------------------------------------------

def start_scheduler(url: str, log_path, *args: str, config: dict | None = None) -> subprocess.Popen:
    """`run-scheduler --verbose` on `url`; its console (every job run, every message sent) goes to `log_path`."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1",
           "FAULT_TEST_CONFIG": json.dumps(FAST_SCHEDULER if config is None else config)}
    with open(log_path, "w") as log:  # a file, not a pipe: tracebacks during an outage must not block it
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.fault_apps:configured_app()",
                                 "run-scheduler", "--verbose", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)


def stop_scheduler(process: subprocess.Popen) -> int:
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        pytest.fail("the scheduler did not stop on SIGTERM")


def queue_messages(app, tag: str, count: int) -> None:
    with app.app_context():
        for n in range(count):
            outbox.queue(db.session, f"{tag}:{n}", "closure_notice", outbox.Address("log", "desk"), tag,
                         f"{tag} {n}", utcnow())
        db.session.commit()


def all_sent(app, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    with app.app_context():
        while db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.status != "sent")):
            db.session.rollback()
            assert time.monotonic() < deadline, "the scheduler did not send the queued messages"
            time.sleep(0.2)
        db.session.rollback()
