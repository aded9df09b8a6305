"""A booking examines the rules that need no query before the write lock and the rest under it: what changes
while it waits for the lock is seen, on SQLite and PostgreSQL."""
import fcntl
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, text

from models import Booking, SettingsChange, db
from services.booking import use_cases
from services.booking.use_cases import BookingInput
from services.core import errors
from tests.world import DESK, NOW, TZ, at, resident, space
from views.api.output import booking_json

TEN = at(NOW.astimezone(TZ).date() + timedelta(days=1), 10)
WAIT_SECONDS = 10


def _settings_moved(run) -> None:
    """An admin's change, as the settings counter records it (the row may be missing in a create_all schema)."""
    table = SettingsChange.__table__.name
    if not run(f"UPDATE {table} SET counter = counter + 1 WHERE id = 1"):
        run(f"INSERT INTO {table} (id, counter, changed_at) VALUES (1, 1, CURRENT_TIMESTAMP)")


@contextmanager
def admin_writing_on_sqlite(session, resource_id: int):
    """An admin's transaction holding SQLite's write lock, its change not yet committed; commit() ends it."""
    writer = sqlite3.connect(session.get_bind().url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE resource SET active = 0 WHERE id = ?", (resource_id,))
    _settings_moved(lambda sql: writer.execute(sql).rowcount)
    try:
        yield lambda: writer.execute("COMMIT")
    finally:
        writer.close()


@contextmanager
def admin_writing_on_postgres(session, resource_id: int):
    """The same on PostgreSQL: the update holds the space's row lock that a booking of it waits for."""
    with session.get_bind().connect() as writer:
        writer.execute(text("UPDATE resource SET active = false WHERE id = :id"), {"id": resource_id})
        _settings_moved(lambda sql: writer.execute(text(sql)).rowcount)
        try:
            yield writer.commit
        finally:
            writer.rollback()


def _waits_for_the_lock(session) -> bool:
    """Whether the booking has done its first look and now waits for the write lock."""
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":  # it holds the writers' turn while SQLite keeps it waiting
        turns = os.open(f"{engine.url.database}-writers", os.O_RDONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(turns, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(turns, fcntl.LOCK_UN)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(turns)
    with engine.connect() as probe:
        return bool(probe.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()")))


def _book_in_another_worker(app, wanted: BookingInput) -> dict:
    outcome: dict = {}

    def run():
        with app.app_context():
            try:
                outcome["made"] = use_cases.book(db.session, DESK, wanted, NOW, TZ)
            except errors.DomainError as err:
                outcome["refused"] = err

    outcome["thread"] = threading.Thread(target=run)
    outcome["thread"].start()
    return outcome


def test_a_space_taken_out_of_use_while_a_booking_waits_for_the_lock_is_not_booked(both):
    room, person = space(both), resident(both)
    wanted = BookingInput(room.id, person.id, TEN, TEN + timedelta(hours=1))
    both.commit()  # from here on, only the booking reads
    admin_writing = admin_writing_on_sqlite if both.get_bind().dialect.name == "sqlite" else admin_writing_on_postgres
    with admin_writing(both, wanted.resource_id) as commit:
        outcome = _book_in_another_worker(current_app._get_current_object(), wanted)
        deadline = time.monotonic() + WAIT_SECONDS
        while not _waits_for_the_lock(both):  # its first look saw the space still open
            assert time.monotonic() < deadline and outcome["thread"].is_alive(), outcome
            time.sleep(0.01)
        commit()
    outcome["thread"].join(WAIT_SECONDS)
    assert isinstance(outcome.get("refused"), errors.NotFound), outcome
    both.rollback()
    assert both.scalar(select(func.count(Booking.id))) == 0


@pytest.mark.parametrize("sensitive", [False, True])
def test_the_booking_answered_is_the_row_as_stored(both, sensitive):
    room, person = space(both, sensitive=sensitive), resident(both)
    both.commit()
    made = use_cases.book(both, DESK, BookingInput(room.id, person.id, TEN, TEN + timedelta(hours=1),
                                                   channel="phone", note="轮椅"), NOW, TZ).bookings[0]
    answered = booking_json(made)
    both.expire_all()
    assert answered == booking_json(both.get(Booking, made.id))
    assert answered["channel"] == "phone" and answered["note"] == "轮椅" and answered["status"] == "confirmed"
