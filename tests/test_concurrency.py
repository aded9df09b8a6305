"""200 people press "book" at the same instant: exactly the free seats are taken, the rest get a 409.

Real HTTP through gunicorn with 4 worker processes, against a SQLite file and PostgreSQL.
"""
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import requests

from models import db
from services.accounts import accounts
from tests.server import gunicorn
from tests.world import TZ, make_app, resident, space

TRIES = 200
WORKERS = 4


def prepare(url: str) -> tuple[str, dict]:
    app = make_app(url)
    with app.app_context():
        s = db.session
        always_open = [(d, clock_time(0), clock_time(23, 59)) for d in range(7)]
        room = space(s, hours=always_open, min_notice_minutes=0)
        hall = space(s, name="休闲活动区", kind="elderly_care", exclusive=False, capacity=10, hours=always_open,
                     min_notice_minutes=0)
        people = [resident(s, name=f"居民{n}") for n in range(TRIES)]
        token = accounts.create_token(s, accounts.create_user(s, "desk", "password-1", "staff"))
        ids = {"room": room.id, "hall": hall.id, "people": [p.id for p in people]}
        s.commit()
        db.engine.dispose()
    return token, ids


def race(base: str, token: str, resource_id: int, people: list[int]) -> tuple[list[int], float]:
    """Fire every request at once; the statuses and the seconds until the last answer."""
    start = (datetime.now(TZ) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    barrier = threading.Barrier(len(people) + 1)
    statuses: list[int] = []

    def one(resident_id: int) -> None:
        body = {"resource_id": resource_id, "resident_id": resident_id, "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat()}
        barrier.wait()
        answer = requests.post(f"{base}/api/v1/bookings", json=body, timeout=60,
                               headers={"Authorization": f"Bearer {token}"})
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=one, args=(p,)) for p in people]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - began


@pytest.mark.slow
def test_only_the_free_seats_are_taken_when_200_book_at_once(any_db_url, figures):
    token, ids = prepare(any_db_url)
    engine = "sqlite" if any_db_url.startswith("sqlite") else "postgresql"
    env = {"DATABASE_URL": any_db_url, "SECRET_KEY": "concurrency-test"}
    with gunicorn("app:create_app()", WORKERS, env) as base:
        exclusive, seconds_one = race(base, token, ids["room"], ids["people"])
        shared, seconds_ten = race(base, token, ids["hall"], ids["people"])
    figures.append(f"{engine}: 200 simultaneous bookings of a 1-slot room settled in {seconds_one:.2f} s "
                   f"({exclusive.count(201)} created, {exclusive.count(409)} refused); of a 10-seat hall in "
                   f"{seconds_ten:.2f} s ({shared.count(201)} created, {shared.count(409)} refused)")
    assert sorted(set(exclusive)) == [201, 409] and exclusive.count(201) == 1 and exclusive.count(409) == 199
    assert sorted(set(shared)) == [201, 409] and shared.count(201) == 10 and shared.count(409) == 190
