"""SIGKILL while 200 bookings are in flight: every 201 is in the database once, nothing half-written remains.

Real gunicorn, real signals: once 20 answers are back the workers (or the whole server, master too)
are killed. Afterwards each acknowledged booking exists exactly once, every booking row has the
audit entry written in its transaction (no partial write), refused requests left nothing, the
shared space is within its capacity, and on SQLite the file passes PRAGMA integrity_check. Both kills run
on both databases: on PostgreSQL the server (not gunicorn's) ends each killed worker's session, rolling back
whatever it had not committed.
"""
import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import create_engine, select

from models import AuditEntry, Booking
from tests.fault_world import BusyCentre, book, busy_centre, hall_bookings, ten_oclock
from tests.server import gunicorn, gunicorn_process, worker_pids

TRIES, CAPACITY, WORKERS = 200, 100, 2
KILL_AFTER = 20  # answers back before the kill: the rest are in flight or queued


@dataclass
class Outcome:
    resident_id: int
    status: int  # 0: no answer (the connection died)
    booking_id: int | None
    detail: str = ""


def prepare(url: str) -> BusyCentre:
    # Sensitive, so each booking's transaction also writes its audit entry: a row without one is half a write.
    return busy_centre(url, TRIES, CAPACITY, name="康复训练区", kind="rehab", sensitive=True)


def book_all_at_once(base: str, centre: BusyCentre, kill) -> tuple[list[Outcome], int]:
    """Fire every booking at once; `kill()` runs once KILL_AFTER answers are back. Returns the answers and
    how many requests had no answer yet when the kill came."""
    start = ten_oclock(days_ahead=2)
    barrier, outcomes = threading.Barrier(TRIES + 1), []

    def one(resident_id: int) -> None:
        barrier.wait()
        try:
            answer = book(base, centre, resident_id, start, timeout=60)
            made = answer.json().get("id") if answer.status_code == 201 else None
            outcomes.append(Outcome(resident_id, answer.status_code, made, answer.text[:200]))
        except requests.RequestException as err:
            outcomes.append(Outcome(resident_id, 0, None, type(err).__name__))

    threads = [threading.Thread(target=one, args=(p,)) for p in centre.people]
    for thread in threads:
        thread.start()
    barrier.wait()
    deadline = time.monotonic() + 60
    while len(outcomes) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.002)
    in_flight = TRIES - len(outcomes)
    kill()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes, in_flight


def kill_workers(master: int) -> None:
    for pid in worker_pids(master):
        os.kill(pid, signal.SIGKILL)


def kill_server(master: int) -> None:
    workers = worker_pids(master)
    os.kill(master, signal.SIGKILL)  # the master first, so nothing respawns the workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)


def check_database(url: str, outcomes: list[Outcome]) -> dict:
    engine = create_engine(url)  # a plain engine: nothing of the app runs between the kill and the check
    with engine.connect() as conn:
        rows = conn.execute(select(Booking.id, Booking.resident_id, Booking.party_size, Booking.status)).all()
        audited = set(conn.scalars(select(AuditEntry.object_id).where(AuditEntry.object_type == "booking")))
    engine.dispose()
    by_resident = {}
    for row in rows:
        by_resident.setdefault(row.resident_id, []).append(row)
    acknowledged = [o for o in outcomes if o.status == 201]
    refused = [o for o in outcomes if o.status not in (0, 201)]
    unanswered = [o for o in outcomes if o.status == 0]
    assert all([r.id for r in by_resident.get(o.resident_id, [])] == [o.booking_id] for o in acknowledged)
    assert not [o for o in refused if o.resident_id in by_resident], "a refused request left a row"
    assert all(len(found) == 1 for found in by_resident.values())
    assert {r.id for r in rows} <= audited, "a booking without the audit entry of its transaction"
    assert sum(r.party_size for r in rows if r.status == "confirmed") <= CAPACITY
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return {"201": len(acknowledged), "refused": len(refused), "unanswered": len(unanswered), "rows": len(rows),
            "committed_unanswered": len([o for o in unanswered if o.resident_id in by_resident])}


def still_books(url: str, centre: BusyCentre) -> None:
    """A server started on the same database afterwards works without anyone repairing anything."""
    with gunicorn("app:create_app()", 1, {"DATABASE_URL": url, "SECRET_KEY": "crash-test"}) as base:
        assert hall_bookings(base, centre).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("victim", ["workers", "server"])
def test_every_acknowledged_booking_survives_a_sigkill_exactly_once(any_db_url, victim, figures):
    centre = prepare(any_db_url)
    env = {"DATABASE_URL": any_db_url, "SECRET_KEY": "crash-test"}
    with gunicorn_process("app:create_app()", WORKERS, env) as (base, master):
        kill = kill_workers if victim == "workers" else kill_server
        outcomes, in_flight = book_all_at_once(base, centre, lambda: kill(master.pid))
    assert len(outcomes) == TRIES
    found = check_database(any_db_url, outcomes)
    if victim == "server":
        assert found["unanswered"] > 0  # the kill did land while requests were in flight
        still_books(any_db_url, centre)
    engine = "sqlite" if any_db_url.startswith("sqlite") else "postgresql"
    figures.append(f"SIGKILL {victim} ({engine}): {TRIES} requests, {in_flight} in flight at the kill, "
                   f"{found['201']} got 201, {found['refused']} refused, {found['unanswered']} no answer; "
                   f"{found['rows']} rows found ({found['committed_unanswered']} committed but unanswered), "
                   f"every 201 present once, no partial row")
