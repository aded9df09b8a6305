"""Cancel, check in, no-show: what each does to the seats and when it is allowed."""
from datetime import date, datetime, time, timedelta

import pytest

from services.booking import availability, booking
from services.core import errors
from services.core.access import Actor
from tests.world import DESK, NOW, TZ, book, context, resident, resident_actor, space

TUESDAY = date(2026, 11, 24)
TEN = datetime.combine(TUESDAY, time(10), TZ)


def test_cancelling_frees_the_slot_at_once(session):
    room = space(session)
    first = book(session, room, resident(session), TEN)
    booking.cancel(session, first, DESK, NOW, reason="临时有事")
    assert first.status == "cancelled" and first.cancel_reason == "临时有事"
    assert book(session, room, resident(session), TEN).status == "confirmed"


def test_cancelled_and_no_show_bookings_never_block_a_shared_space(session):
    area = space(session, exclusive=False, capacity=2)
    gone = book(session, area, resident(session), TEN)
    missed = book(session, area, resident(session), TEN)
    booking.cancel(session, gone, DESK, NOW)
    booking.mark_no_show(missed, DESK, TEN + timedelta(minutes=20))
    assert book(session, area, resident(session), TEN, party=2).id


def test_check_in_opens_an_hour_before_the_start(session):
    visit = book(session, space(session), resident(session), TEN)
    with pytest.raises(errors.InvalidState):
        booking.check_in(session, visit, DESK, TEN - timedelta(hours=2))
    booking.check_in(session, visit, DESK, TEN - timedelta(minutes=10))
    assert visit.status == "checked_in" and visit.checked_in_at == TEN - timedelta(minutes=10)


def test_no_show_only_after_the_start_and_a_late_arrival_corrects_it(session):
    visit = book(session, space(session), resident(session), TEN)
    with pytest.raises(errors.InvalidState):
        booking.mark_no_show(visit, DESK, TEN - timedelta(minutes=1))
    booking.mark_no_show(visit, DESK, TEN + timedelta(minutes=20))
    booking.check_in(session, visit, DESK, TEN + timedelta(minutes=25))
    assert visit.status == "checked_in"


def test_every_status_change_bumps_the_sequence(session):
    visit = book(session, space(session), resident(session), TEN)
    booking.check_in(session, visit, DESK, TEN)
    assert visit.sequence == 1


def test_a_cancelled_booking_cannot_be_checked_in_or_cancelled_again(session):
    visit = book(session, space(session), resident(session), TEN)
    booking.cancel(session, visit, DESK, NOW)
    with pytest.raises(errors.InvalidState):
        booking.check_in(session, visit, DESK, TEN)
    with pytest.raises(errors.InvalidState):
        booking.cancel(session, visit, DESK, NOW)


def test_resident_cancels_own_booking_but_not_someone_elses(session):
    room = space(session, exclusive=False, capacity=5)
    mine_person, other_person = resident(session), resident(session)
    mine, theirs = book(session, room, mine_person, TEN), book(session, room, other_person, TEN)
    booking.cancel(session, mine, resident_actor(mine_person), NOW)
    with pytest.raises(errors.Forbidden):
        booking.cancel(session, theirs, resident_actor(mine_person), NOW)


def test_operator_checks_in_at_its_own_space_only(session):
    ours, theirs = space(session, operator="颐康养老服务中心"), space(session, operator="小橡树早教")
    operator = Actor(user_id=None, role="operator", organisation="颐康养老服务中心")
    booking.check_in(session, book(session, ours, resident(session), TEN), operator, TEN)
    with pytest.raises(errors.Forbidden):
        booking.check_in(session, book(session, theirs, resident(session), TEN), operator, TEN)


def test_day_slots_show_remaining_seats_and_full_slots(session):
    area = space(session, exclusive=False, capacity=3, hours=[(1, time(9), time(12))])
    book(session, area, resident(session), TEN, party=3)
    slots = availability.day_slots(session, area, TUESDAY, context(session))
    assert [(s.start.astimezone(TZ).hour, s.remaining, s.status) for s in slots] == [
        (9, 3, "free"), (10, 0, "full"), (11, 3, "free")]


def test_day_slots_of_an_exclusive_space_respect_its_buffer(session):
    room = space(session, buffer_minutes=15, hours=[(1, time(9), time(12))])
    book(session, room, resident(session), TEN)
    slots = availability.day_slots(session, room, TUESDAY, context(session))
    assert [s.status for s in slots] == ["full", "full", "full"]


def test_late_arrival_cannot_take_back_a_seat_given_away_after_the_no_show(session):
    room = space(session)
    missed = book(session, room, resident(session), TEN)
    booking.mark_no_show(missed, DESK, TEN + timedelta(minutes=20))
    book(session, room, resident(session), TEN + timedelta(minutes=30), 30)
    with pytest.raises(errors.Conflict):
        booking.check_in(session, missed, DESK, TEN + timedelta(minutes=40))
    assert missed.status == "no_show"
