"""On SQLite our writers take turns on a file lock before BEGIN IMMEDIATE, so that a waiting writer gets the database
soon after it is free. The turns must keep the busy timeout's promise (a 503 within it, nothing written), never
hold up a read, and never be left held."""
import fcntl
import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from models import Booking, db
from tests import test_faults_sqlite_locked as locked
from tests.test_faults_sqlite_locked import hold_write_lock
from tests.world import NOW, TZ, make_app, space

centre = locked.centre  # the same small centre, with a 0.2 s busy timeout


def _book(app, token: str, ids: dict, hour: int):
    auth = {"Authorization": f"Bearer {token}"}
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
    app, path, token, ids = centre
    queue = _take_turn(path)
    try:
        began = time.perf_counter()
        refused = _book(app, token, ids, 10)
        assert refused.status_code == 503 and refused.get_json()["error"]["reason"] == "busy"
        assert time.perf_counter() - began < 3
    finally:
        os.close(queue)
    assert _bookings(app) == 0
    assert _book(app, token, ids, 10).status_code == 201  # the turn let go: the same booking goes through


def test_a_writer_refused_by_sqlites_own_lock_leaves_the_queue_to_the_next(centre):
    app, path, token, ids = centre
    other = hold_write_lock(path)  # a writer that does not queue (the sqlite3 shell, say)
    try:
        assert _book(app, token, ids, 10).status_code == 503
        os.close(_take_turn(path))  # would raise BlockingIOError had the refused writer kept its turn
    finally:
        other.rollback()
        other.close()
    assert _book(app, token, ids, 10).status_code == 201


def test_a_commit_and_a_rollback_each_end_the_turn_while_the_connection_is_still_in_use(centre):
    app, path, _token, _ids = centre
    with app.app_context(), db.engine.connect() as connection:  # not returned to the pool, not reset by it
        for end in (connection.commit, connection.rollback):
            connection.execute(text("UPDATE resource SET name = name"))  # BEGIN IMMEDIATE: the turn taken
            with pytest.raises(BlockingIOError):
                _take_turn(path)
            end()
            os.close(_take_turn(path))


def test_a_page_is_read_while_another_writer_has_its_turn(centre):
    app, path, token, _ids = centre
    queue = _take_turn(path)
    try:
        assert app.test_client().get("/api/v1/resources", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        os.close(queue)


def test_waiting_for_the_turn_and_then_for_sqlite_stays_within_one_busy_timeout(tmp_path):
    path = tmp_path / "centre.db"
    app = make_app(f"sqlite:///{path}", FIXED_NOW=NOW, SQLITE_BUSY_TIMEOUT_SECONDS=1.0)
    with app.app_context():
        space(db.session)
        db.session.commit()
    queue, other = _take_turn(path), hold_write_lock(path)  # another worker's turn; then a writer that never queues
    threading.Timer(0.7, os.close, (queue,)).start()
    try:
        began = time.perf_counter()
        with app.app_context(), pytest.raises(OperationalError, match="database is locked"), \
                db.engine.connect() as connection:
            connection.execute(text("UPDATE resource SET name = name"))
        assert time.perf_counter() - began < 1.4  # 0.7 s for the turn, 0.3 s for SQLite: not 0.7 + 1.0
    finally:
        other.rollback()
        other.close()
        with app.app_context():
            db.engine.dispose()
