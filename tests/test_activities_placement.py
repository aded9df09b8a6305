"""Placing sessions reserves the space through the booking rules and lock: a class and a booking never share seats."""
from datetime import timedelta

import pytest

from models import Booking, db
from services.booking import availability, booking, dayboard
from services.booking.rules import Request
from services.core import errors
from tests.activities_world import COUNSELLOR, EARLY_YEARS, SATURDAY, at, build, place, storytime_input
from tests.world import DESK, context, make_app, resident_actor


def book_room(session, world, who, start, hours=1, party=1):
    req = Request(booking.lock_space(session, world.counselling.id if party == 1 and hours else world.library.id),
                  who, start, start + timedelta(hours=hours), party)
    made = booking.book(session, req, DESK, context(session, by_staff=True))
    session.commit()
    return made


def test_placing_a_class_over_a_counselling_booking_is_refused_with_the_rule(both):
    world = build(both)
    book_room(both, world, world.adult, at(SATURDAY, 10))
    with pytest.raises(errors.Conflict) as refused:
        place(both, storytime_input(world, resource_id=world.counselling.id, seats=1, groups=[], min_age=None,
                                    max_age=None), actor=COUNSELLOR)
    assert refused.value.details["occurrence"] == at(SATURDAY, 10)
    assert both.query(Booking).filter(Booking.resident_id.is_(None)).count() == 0


def test_a_weekly_rrule_is_all_or_nothing_and_names_the_occurrence(both):
    world = build(both)
    book_room(both, world, world.adult, at(SATURDAY + timedelta(days=14), 10))
    data = storytime_input(world, resource_id=world.counselling.id, seats=1, rrule="FREQ=WEEKLY;COUNT=4")
    with pytest.raises(errors.Conflict) as refused:
        place(both, data, actor=COUNSELLOR)
    assert refused.value.details["occurrence"] == at(SATURDAY + timedelta(days=14), 10)
    assert both.query(Booking).filter(Booking.resident_id.is_(None)).count() == 0
    placed = place(both, storytime_input(world, resource_id=world.counselling.id, seats=1,
                                         rrule="FREQ=WEEKLY;COUNT=4", skip_conflicts=True), actor=COUNSELLOR)
    assert len(placed.sessions) == 3
    assert [(s["start"], s["code"]) for s in placed.skipped] == [(at(SATURDAY + timedelta(days=14), 10), "conflict")]


def test_a_session_in_a_shared_space_takes_its_seats_and_the_rest_stay_bookable(both):
    world = build(both)
    place(both, storytime_input(world, seats=15))
    slots = availability.day_slots(both, world.library, SATURDAY, context(both))
    ten = next(s for s in slots if s.start == at(SATURDAY, 10))
    assert ten.remaining == 5
    req = Request(booking.lock_space(both, world.library.id), world.adult, at(SATURDAY, 10), at(SATURDAY, 11), 5)
    booking.book(both, req, DESK, context(both, by_staff=True))
    both.commit()
    req = Request(booking.lock_space(both, world.library.id), world.elder, at(SATURDAY, 10), at(SATURDAY, 11), 1)
    with pytest.raises(errors.CapacityExceeded):
        booking.book(both, req, DESK, context(both, by_staff=True))


def test_a_booking_cannot_take_an_exclusive_space_a_session_holds(both):
    world = build(both)
    place(both, storytime_input(world, resource_id=world.kitchen.id, seats=8, title="亲子烘焙"))
    req = Request(booking.lock_space(both, world.kitchen.id), world.adult, at(SATURDAY, 10, 30), at(SATURDAY, 12))
    with pytest.raises(errors.Conflict):
        booking.book(both, req, resident_actor(world.adult), context(both))


def test_the_day_board_shows_the_session_and_counts_its_seats(both):
    world = build(both)
    place(both, storytime_input(world, seats=15))
    [library] = [d for d in dayboard.board(both, SATURDAY, context(both)) if d.resource.id == world.library.id]
    assert [b.resident_name for b in library.bookings] == ["活动：绘本故事会"]
    assert next(s for s in library.slots if s.start == at(SATURDAY, 10)).remaining == 5


@pytest.mark.parametrize("hour, code", [(6, "outside_hours"), (21, "outside_hours")])
def test_a_session_outside_opening_hours_is_refused(session, hour, code):
    world = build(session)
    with pytest.raises(errors.RuleViolation) as refused:
        place(session, storytime_input(world, start=at(SATURDAY, hour), end=at(SATURDAY, hour, 50)))
    assert refused.value.code == code


def test_a_session_on_a_public_holiday_is_refused_as_closed(session):
    world = build(session)
    new_year = at(SATURDAY.replace(year=2027, month=1, day=1), 10)
    with pytest.raises(errors.Closed):
        place(session, storytime_input(world, start=new_year, end=new_year + timedelta(hours=1)))


def test_an_operator_places_only_in_spaces_it_runs(session):
    world = build(session)
    with pytest.raises(errors.Forbidden):
        place(session, storytime_input(world), actor=COUNSELLOR)
    placed = place(session, storytime_input(world), actor=EARLY_YEARS)
    assert placed.sessions[0].activity.operator == "小橡树早教"
    with pytest.raises(errors.Forbidden):
        place(session, storytime_input(world, start=at(SATURDAY, 14), end=at(SATURDAY, 15)),
              actor=resident_actor(world.parent))


def test_more_seats_than_the_space_holds_is_refused_naming_seats(session):
    world = build(session)
    with pytest.raises(errors.Invalid) as refused:
        place(session, storytime_input(world, seats=21))
    assert refused.value.details["field"] == "seats"


@pytest.mark.postgres
def test_postgresql_itself_refuses_a_booking_over_an_exclusive_session(tmp_path):
    from sqlalchemy.exc import IntegrityError

    from tests.world import database_url
    app = make_app(database_url("postgresql", tmp_path))
    with app.app_context():
        s = db.session
        world = build(s)
        place(s, storytime_input(world, resource_id=world.kitchen.id, seats=8))
        s.add(Booking(resource_id=world.kitchen.id, resident_id=world.adult.id, starts_at=at(SATURDAY, 10),
                      ends_at=at(SATURDAY, 11), party_size=1, status="confirmed", exclusive=True))
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
        db.engine.dispose()
