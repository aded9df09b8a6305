"""Whatever sequence of book, cancel, check-in and no-show is applied, no space is ever over-booked."""
import contextlib
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import ACTIVE_STATUSES, Booking, db
from services.booking import booking
from services.booking.rules import Request
from services.core import errors
from tests.world import DESK, NOW, TZ, context, make_app, resident, space

DAY = date(2026, 11, 24)
OPEN = datetime.combine(DAY, time(8), TZ)

book_step = st.tuples(st.just("book"), st.integers(0, 1), st.integers(0, 40), st.sampled_from([15, 30, 45, 60, 90]),
                      st.integers(1, 3))
other_step = st.tuples(st.sampled_from(["cancel", "check_in", "no_show"]), st.integers(0, 50))
steps = st.lists(st.one_of(book_step, other_step), min_size=1, max_size=40)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'prop.db'}")
    with app.app_context():
        rooms = [space(db.session, buffer_minutes=10), space(db.session, exclusive=False, capacity=3)]
        people = [resident(db.session) for _ in range(4)]
        db.session.commit()
        yield db.session, rooms, people
        db.engine.dispose()


def apply(session, rooms, people, step) -> None:
    if step[0] == "book":
        _, room_index, slot, minutes, party = step
        start = OPEN + timedelta(minutes=15 * slot)
        req = Request(rooms[room_index], people[slot % 4], start, start + timedelta(minutes=minutes),
                      1 if room_index == 0 else party)
        booking.book(session, req, DESK, context(session, by_staff=True))
        return
    made = session.scalars(select(Booking).order_by(Booking.id)).all()
    if not made:
        return
    target = made[step[1] % len(made)]
    action = {"cancel": lambda: booking.cancel(session, target, DESK, NOW),
              "check_in": lambda: booking.check_in(session, target, DESK, target.starts_at),
              "no_show": lambda: booking.mark_no_show(target, DESK, target.starts_at + timedelta(minutes=20))}
    action[step[0]]()


def assert_never_overbooked(session, rooms) -> None:
    exclusive, shared = rooms
    active = session.scalars(select(Booking).where(Booking.status.in_(ACTIVE_STATUSES))).all()
    mine = sorted((b for b in active if b.resource_id == exclusive.id), key=lambda b: b.starts_at)
    for before, after in zip(mine, mine[1:], strict=False):
        assert after.starts_at >= before.ends_at + timedelta(minutes=exclusive.buffer_minutes)
    uses = [b for b in active if b.resource_id == shared.id]
    for probe in {b.starts_at for b in uses}:
        seats = sum(b.party_size for b in uses if b.starts_at <= probe < b.ends_at)
        assert seats <= shared.capacity


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_active_bookings_never_overlap_or_exceed_capacity(world, sequence):
    session, rooms, people = world
    try:
        for step in sequence:
            with contextlib.suppress(errors.DomainError):  # refusals are expected; the invariant holds after them
                apply(session, rooms, people, step)
            assert_never_overbooked(session, rooms)
    finally:
        session.rollback()
