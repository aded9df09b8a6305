"""The waitlist: offers hold the seat, accept books it, decline or expiry passes it on."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Booking, Resident
from services.booking import availability, booking, occupancy
from services.booking.rules import Request
from services.core import errors
from services.routines import jobs, waitlist
from tests.scheduler_world import SETTINGS, TUESDAY, build, entries, messages
from tests.world import DESK, NOW, at, book, context, resident, resident_actor

TEN = at(TUESDAY, 10)


def booking_of(session, person) -> Booking:
    return session.scalar(select(Booking).where(Booking.resident_id == person.id))


def queue(session, world, who, start=TEN, party=1, now=NOW):
    req = Request(booking.lock_space(session, world.room.id), who, start, start + timedelta(hours=1), party)
    entry = waitlist.join(session, req, resident_actor(who), context(session, now=now))
    session.commit()
    return entry


def full_room_with_line(session, line=2):
    world = build(session)
    taken = book(session, world.room, world.adult, TEN)
    people = [resident(session, name=f"候补{n}", phone=f"1370000000{n}") for n in range(line)]
    session.commit()
    return world, taken, [queue(session, world, p) for p in people]


def test_nobody_is_offered_anything_while_the_slot_is_full(session):
    _, _, line = full_room_with_line(session)
    assert waitlist.offer_everywhere(session, NOW, SETTINGS) == 0
    assert [e.status for e in entries(session)] == ["waiting", "waiting"]


def test_a_cancellation_offers_the_seat_to_the_first_in_line(session):
    _, taken, (first, second) = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    session.commit()
    assert waitlist.offer_everywhere(session, NOW, SETTINGS) == 1
    assert [e.status for e in entries(session)] == ["offered", "waiting"]
    [offer] = messages(session, kind="waitlist_offer")
    assert offer.resident_id == first.resident_id and "10:00–11:00" in offer.body and "2楼" in offer.body


def test_a_held_seat_cannot_be_booked_by_anyone_else(session):
    world, taken, _ = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    waitlist.offer_everywhere(session, NOW, SETTINGS)
    with pytest.raises(errors.Conflict):
        book(session, world.room, world.elder, TEN)
    session.rollback()
    slots = availability.day_slots(session, world.room, TUESDAY, context(session))
    assert next(s for s in slots if s.start == TEN).remaining == 0


def test_accepting_an_offer_books_it_and_the_hold_is_not_counted_twice(session):
    world, taken, (first, _) = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    waitlist.offer_everywhere(session, NOW, SETTINGS)
    person = session.get(Resident, first.resident_id)
    made = waitlist.accept(session, first.id, resident_actor(person), NOW + timedelta(minutes=5), SETTINGS)
    session.commit()
    assert made.status == "confirmed" and made.resident_id == first.resident_id
    assert entries(session)[0].status == "booked" and entries(session)[0].booking_id == made.id
    uses = occupancy.uses_between(session, world.room, TEN, TEN + timedelta(hours=1))
    assert len(uses) == 1


def test_declining_passes_the_offer_to_the_next_person_at_once(session):
    _, taken, (first, second) = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    waitlist.offer_everywhere(session, NOW, SETTINGS)
    waitlist.decline(session, first.id, DESK, NOW + timedelta(minutes=1), SETTINGS)
    session.commit()
    assert [e.status for e in entries(session)] == ["declined", "offered"]


def test_an_expired_hold_goes_to_the_next_person_and_cannot_be_accepted(session):
    _, taken, (first, second) = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    jobs.run_all(session, NOW, SETTINGS)
    offered = entries(session)[0]
    assert offered.hold_until == NOW + timedelta(hours=2)
    later = offered.hold_until
    jobs.run_all(session, later, SETTINGS)
    assert [e.status for e in entries(session)] == ["expired", "offered"]
    with pytest.raises(errors.InvalidState):
        waitlist.accept(session, first.id, DESK, later, SETTINGS)


def test_the_hold_is_shorter_close_to_the_start(session):
    _, taken, (first, _) = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    soon = TEN - timedelta(minutes=70)
    waitlist.offer_everywhere(session, soon, SETTINGS)
    assert entries(session)[0].hold_until == TEN - timedelta(minutes=30)
    assert entries(session)[0].hold_until - soon < SETTINGS.hold


def test_the_first_eligible_person_gets_it_when_the_first_needs_more_seats(session):
    world = build(session)
    for who in (world.adult, world.elder, world.parent):
        book(session, world.hall, who, TEN)
    big, small = resident(session, name="大家庭"), resident(session, name="一个人")
    session.commit()
    for who, party in ((big, 2), (small, 1)):
        req = Request(world.hall, who, TEN, TEN + timedelta(hours=1), party)
        waitlist.join(session, req, DESK, context(session, by_staff=True))
    session.commit()
    booking.cancel(session, booking_of(session, world.adult), DESK, NOW)
    session.commit()
    waitlist.offer_everywhere(session, NOW, SETTINGS)
    assert [(e.resident_id, e.status) for e in entries(session)] == [(big.id, "waiting"), (small.id, "offered")]


def test_joining_twice_or_while_booked_is_refused(session):
    world, taken, (first, _) = full_room_with_line(session)
    with pytest.raises(errors.InvalidState):
        queue(session, world, session.get(Resident, first.resident_id))
    session.rollback()
    with pytest.raises(errors.InvalidState):
        queue(session, world, world.adult)


def test_residents_cannot_answer_someone_elses_offer(session):
    world, taken, (first, _) = full_room_with_line(session)
    booking.cancel(session, taken, DESK, NOW)
    waitlist.offer_everywhere(session, NOW, SETTINGS)
    with pytest.raises(errors.NotFound):
        waitlist.accept(session, first.id, resident_actor(world.elder), NOW, SETTINGS)


def test_waiting_entries_lapse_once_their_time_has_passed(session):
    _, _, line = full_room_with_line(session)
    jobs.run_all(session, TEN + timedelta(hours=1), SETTINGS)
    assert {e.status for e in entries(session)} == {"lapsed"}


def test_raising_the_capacity_offers_the_new_seat(session):
    world = build(session)
    for who in (world.adult, world.elder, world.parent):
        book(session, world.hall, who, TEN)
    hopeful = resident(session, name="多一个座位")
    waitlist.join(session, Request(world.hall, hopeful, TEN, TEN + timedelta(hours=1)), DESK,
                  context(session, by_staff=True))
    session.commit()
    assert waitlist.offer_everywhere(session, NOW, SETTINGS) == 0
    world.hall.capacity = 4
    session.commit()
    assert waitlist.offer_everywhere(session, NOW, SETTINGS) == 1
    assert entries(session)[0].status == "offered"
