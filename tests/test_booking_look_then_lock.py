"""A booking examines the rules that need no query before the write lock and the rest under it: what changes
while it waits for the lock is seen, on SQLite and PostgreSQL."""
import fcntl
import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import create_engine, func, insert, select, text, update

from models import Booking, Closure, OccupancyChange, Resource, SettingsChange, db
from services.accounts import accounts
from services.booking import use_cases
from services.booking.use_cases import BookingInput
from services.core import errors
from tests.world import DESK, NOW, TZ, at, resident, space
from views.api.output import booking_json

TEN = at(NOW.astimezone(TZ).date() + timedelta(days=1), 10)
WAIT_SECONDS = 10


def _settings_moved(writer) -> None:
    """An admin's change, as the settings counter records it (the row may be missing in a create_all schema)."""
    table = SettingsChange.__table__.name
    if not writer.execute(text(f"UPDATE {table} SET counter = counter + 1 WHERE id = 1")).rowcount:
        writer.execute(text(f"INSERT INTO {table} (id, counter, changed_at) VALUES (1, 1, CURRENT_TIMESTAMP)"))


@contextmanager
def writing_elsewhere(session, resource_id: int, change):
    """Another worker's write, holding what a booking of the space waits for (SQLite's write lock, the space's
    row on PostgreSQL) with `change` made and not yet committed; the commit it yields ends it."""
    engine = create_engine(session.get_bind().url)  # none of the app's listeners: it takes no turns
    try:
        with engine.connect() as writer:
            if engine.dialect.name == "postgresql":
                writer.execute(select(Resource.id).where(Resource.id == resource_id).with_for_update())
            change(writer)
            yield writer.commit
    finally:
        engine.dispose()


def take_out_of_use(resource_id: int):
    def change(writer):
        writer.execute(update(Resource.__table__).where(Resource.id == resource_id).values(active=False))
        _settings_moved(writer)
    return change


def close_for_repairs(resource_id: int, start: datetime):
    def change(writer):  # as the closure use-case would, counter included
        writer.execute(insert(Closure.__table__).values(resource_id=resource_id, starts_at=start - timedelta(hours=1),
                                                        ends_at=start + timedelta(hours=3), reason="停电检修"))
        writer.execute(text(f"UPDATE {OccupancyChange.__table__.name} SET counter = counter + 1 WHERE id = 1"))
    return change


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


def _in_another_worker(run) -> dict:
    outcome: dict = {}

    def work():
        try:
            outcome["answer"] = run()
        except errors.DomainError as err:
            outcome["refused"] = err

    outcome["thread"] = threading.Thread(target=work)
    outcome["thread"].start()
    return outcome


def _while_it_waits(session, outcome: dict, commit) -> None:
    """Commit the other write once the booking has made its first look and waits for the lock."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not _waits_for_the_lock(session):
        assert time.monotonic() < deadline and outcome["thread"].is_alive(), outcome
        time.sleep(0.01)
    commit()
    outcome["thread"].join(WAIT_SECONDS)


def test_a_space_taken_out_of_use_while_a_booking_waits_for_the_lock_is_not_booked(both):
    room, person = space(both), resident(both)
    wanted = BookingInput(room.id, person.id, TEN, TEN + timedelta(hours=1))
    both.commit()  # from here on, only the booking reads
    app = current_app._get_current_object()

    def book():
        with app.app_context():
            return use_cases.book(db.session, DESK, wanted, NOW, TZ)

    with writing_elsewhere(both, wanted.resource_id, take_out_of_use(wanted.resource_id)) as commit:
        outcome = _in_another_worker(book)
        _while_it_waits(both, outcome, commit)
    assert isinstance(outcome.get("refused"), errors.NotFound), outcome
    both.rollback()
    assert both.scalar(select(func.count(Booking.id))) == 0


def test_a_closure_made_while_a_booking_through_the_api_waits_for_the_lock_refuses_it(both):
    """The web request's first look keeps what it read for the write; the closure is seen under the lock."""
    room, person = space(both), resident(both)
    token = accounts.create_token(both, accounts.create_user(both, "desk", "password-1", "staff"))
    start = at(datetime.now(TZ).date() + timedelta(days=1), 10)  # the API books on the real clock
    body = {"resource_id": room.id, "resident_id": person.id, "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()}
    both.commit()  # from here on, only the booking reads
    client = current_app.test_client()

    def book():
        return client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {token}"})

    with writing_elsewhere(both, body["resource_id"], close_for_repairs(body["resource_id"], start)) as commit:
        outcome = _in_another_worker(book)
        _while_it_waits(both, outcome, commit)
    answer = outcome["answer"]
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "closed", answer.get_json()
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
