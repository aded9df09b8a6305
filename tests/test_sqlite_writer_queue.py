"""On SQLite our writers queue on a file lock before BEGIN IMMEDIATE, so that a waiting writer gets the database the
moment it is free. The queue must keep the busy timeout's promise (a 503, nothing written) and never be left held."""
import fcntl
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Booking, db
from services.accounts import accounts
from tests.test_faults_sqlite_locked import hold_write_lock
from tests.world import NOW, TZ, make_app, resident, space

BUSY_TIMEOUT = 0.2  # seconds; the deployment default is 30


@pytest.fixture
def centre(tmp_path):
    path = tmp_path / "centre.db"
    app = make_app(f"sqlite:///{path}", FIXED_NOW=NOW, SQLITE_BUSY_TIMEOUT_SECONDS=BUSY_TIMEOUT)
    with app.app_context():
        room, person = space(db.session), resident(db.session)
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
        ids = {"room": room.id, "person": person.id}
    yield app, path, {"Authorization": f"Bearer {token}"}, ids
    with app.app_context():
        db.engine.dispose()


def _book(app, auth: dict, ids: dict, hour: int):
    start = (NOW.astimezone(TZ) + timedelta(days=1)).replace(hour=hour)
    return app.test_client().post("/api/v1/bookings", headers=auth, json={
        "resource_id": ids["room"], "resident_id": ids["person"], "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat()})


def _bookings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Booking))


def _take_turn(path) -> int:
    """Another worker's writer, in its turn: the queue's file lock taken and kept."""
    queue = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(queue, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return queue


def test_a_booking_queued_behind_another_writer_past_the_busy_timeout_is_a_503_and_leaves_nothing(centre):
    app, path, auth, ids = centre
    queue = _take_turn(path)
    try:
        began = time.perf_counter()
        refused = _book(app, auth, ids, 10)
        assert refused.status_code == 503 and refused.get_json()["error"]["reason"] == "busy"
        assert time.perf_counter() - began < 3
    finally:
        os.close(queue)
    assert _bookings(app) == 0
    assert _book(app, auth, ids, 10).status_code == 201  # the turn let go: the same booking goes through


def test_a_writer_refused_by_sqlites_own_lock_leaves_the_queue_to_the_next(centre):
    app, path, auth, ids = centre
    other = hold_write_lock(path)  # a writer that does not queue (the sqlite3 shell, say)
    try:
        assert _book(app, auth, ids, 10).status_code == 503
        os.close(_take_turn(path))  # would raise BlockingIOError had the refused writer kept its turn
    finally:
        other.rollback()
        other.close()
    assert _book(app, auth, ids, 10).status_code == 201


def test_each_write_lets_the_queue_go_when_it_commits_or_rolls_back(centre):
    app, path, auth, ids = centre
    assert _book(app, auth, ids, 10).status_code == 201
    os.close(_take_turn(path))
    assert _book(app, auth, ids, 10).status_code == 409  # refused by the rules: rolled back
    os.close(_take_turn(path))
    assert _bookings(app) == 1
