"""Registration opens and 300 parents press at once for a 20-seat class: exactly the free seats are taken.

Real HTTP through gunicorn with 4 worker processes, against a SQLite file and PostgreSQL; the rest
are refused with `capacity`, or, when they ask for it, join the waiting list in arrival order.
"""
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import requests
from sqlalchemy import select

from models import Enrolment, db
from services.accounts import accounts
from tests.server import gunicorn
from tests.world import TZ, make_app, resident, space

TRIES = 300
SEATS = 20
WORKERS = 4


def prepare(url: str) -> tuple[str, dict]:
    """A 20-seat class in a shared hall, twice (one rush without, one with the waiting list); 300 people."""
    app = make_app(url)
    with app.app_context():
        s = db.session
        always_open = [(d, clock_time(0), clock_time(23, 59)) for d in range(7)]
        hall = space(s, name="多功能厅", kind="hall", exclusive=False, capacity=60, hours=always_open,
                     min_notice_minutes=0)
        people = [resident(s, name=f"家长{n}") for n in range(TRIES)]
        token = accounts.create_token(s, accounts.create_user(s, "desk", "password-1", "staff"))
        s.commit()
        ids = {"hall": hall.id, "people": [p.id for p in people]}
        db.engine.dispose()
    return token, ids


def place_class(base: str, token: str, hall: int, hours_ahead: int) -> int:
    start = (datetime.now(TZ) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    start += timedelta(hours=hours_ahead)
    answer = requests.post(f"{base}/api/v1/activities", headers={"Authorization": f"Bearer {token}"}, timeout=60,
                           json={"title": "亲子烘焙", "kind": "baking", "seats": SEATS, "resource_id": hall,
                                 "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
    assert answer.status_code == 201, answer.text
    return answer.json()["sessions"][0]["id"]


def rush(base: str, token: str, session_id: int, people: list[int], waitlist: bool) -> dict:
    """Fire every enrolment at once; the statuses, each answer's latency and the time until the last answer."""
    barrier = threading.Barrier(len(people) + 1)
    answers: list[tuple[int, str | None, float]] = []

    def one(resident_id: int) -> None:
        body = {"session_id": session_id, "resident_id": resident_id, "waitlist": waitlist}
        barrier.wait()
        sent = time.perf_counter()
        answer = requests.post(f"{base}/api/v1/enrolments", json=body, timeout=120,
                               headers={"Authorization": f"Bearer {token}"})
        data = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
        outcome = data.get("status") or data.get("error", {}).get("code")
        answers.append((answer.status_code, outcome, time.perf_counter() - sent))

    threads = [threading.Thread(target=one, args=(p,)) for p in people]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    latencies = sorted(a[2] for a in answers)
    return {"statuses": [a[0] for a in answers], "outcomes": [a[1] for a in answers],
            "settled": time.perf_counter() - began, "p99": latencies[int(len(latencies) * 0.99) - 1]}


def run_both_rushes(url: str) -> tuple[dict, dict, dict]:
    token, ids = prepare(url)
    env = {"DATABASE_URL": url, "SECRET_KEY": "rush-test"}
    with gunicorn("app:create_app()", WORKERS, env) as base:
        plain_session = place_class(base, token, ids["hall"], 0)
        queued_session = place_class(base, token, ids["hall"], 2)
        plain = rush(base, token, plain_session, ids["people"], waitlist=False)
        queued = rush(base, token, queued_session, ids["people"], waitlist=True)
    return plain, queued, {"plain": plain_session, "queued": queued_session}


def line_of(url: str, session_id: int) -> list[Enrolment]:
    app = make_app(url)
    with app.app_context():
        rows = list(db.session.scalars(select(Enrolment).where(Enrolment.session_id == session_id)
                                       .order_by(Enrolment.id)))
        db.session.expunge_all()
        db.engine.dispose()
    return rows


@pytest.mark.slow
def test_300_simultaneous_enrolments_take_exactly_the_20_seats(any_db_url, figures):
    plain, queued, sessions = run_both_rushes(any_db_url)
    engine = "sqlite" if any_db_url.startswith("sqlite") else "postgresql"
    figures.append(f"{engine}: 300 simultaneous enrolments for 20 seats settled in {plain['settled']:.2f} s "
                   f"(p99 {plain['p99']:.2f} s); with the waiting list {queued['settled']:.2f} s "
                   f"(p99 {queued['p99']:.2f} s)")
    assert not [s for s in plain["statuses"] + queued["statuses"] if s >= 500]
    assert plain["outcomes"].count("enrolled") == SEATS and plain["outcomes"].count("capacity") == TRIES - SEATS
    assert plain["statuses"].count(201) == SEATS and plain["statuses"].count(409) == TRIES - SEATS
    assert queued["outcomes"].count("enrolled") == SEATS and queued["outcomes"].count("waitlisted") == TRIES - SEATS
    rows = line_of(any_db_url, sessions["queued"])
    assert [r.status for r in rows] == ["enrolled"] * SEATS + ["waitlisted"] * (TRIES - SEATS)  # lock order
    assert len({r.resident_id for r in rows}) == TRIES
    assert [r.status for r in line_of(any_db_url, sessions["plain"])] == ["enrolled"] * SEATS
