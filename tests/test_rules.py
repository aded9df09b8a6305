"""Each booking rule refuses with its own code, and lets through what it should."""
from datetime import date, time, timedelta

import pytest

from models import Closure
from services.booking import booking
from services.core import errors
from tests.world import DESK, NOW, TZ, at, book, context, resident, resident_actor, space

TUESDAY = date(2026, 11, 24)


def test_second_booking_for_same_counselling_slot_is_refused(session):
    room = space(session)
    book(session, room, resident(session), at(TUESDAY, 10))
    with pytest.raises(errors.Conflict) as refused:
        book(session, room, resident(session, name="李秀英"), at(TUESDAY, 10, 30))
    assert refused.value.code == "conflict" and refused.value.status == 409


def test_back_to_back_bookings_touch_without_conflict(session):
    room = space(session)
    book(session, room, resident(session), at(TUESDAY, 10))
    assert book(session, room, resident(session), at(TUESDAY, 11)).status == "confirmed"


def test_buffer_keeps_the_next_booking_away_in_an_exclusive_space(session):
    kitchen = space(session, kind="shared_kitchen", buffer_minutes=30)
    book(session, kitchen, resident(session), at(TUESDAY, 10))
    with pytest.raises(errors.Conflict):
        book(session, kitchen, resident(session), at(TUESDAY, 11, 15))
    assert book(session, kitchen, resident(session), at(TUESDAY, 11, 30)).id


def test_conflict_offers_the_nearest_free_slots(session):
    room = space(session)
    book(session, room, resident(session), at(TUESDAY, 10))
    with pytest.raises(errors.Conflict) as refused:
        book(session, room, resident(session), at(TUESDAY, 10))
    starts = [a["start"] for a in refused.value.details["alternatives"]]
    assert starts[:2] == [at(TUESDAY, 9), at(TUESDAY, 11)] or starts[:2] == [at(TUESDAY, 11), at(TUESDAY, 9)]


def test_shared_space_takes_overlapping_bookings_up_to_capacity(session):
    library = space(session, kind="picture_book_library", exclusive=False, capacity=5)
    book(session, library, resident(session), at(TUESDAY, 10), party=3)
    book(session, library, resident(session), at(TUESDAY, 10, 30), party=2)
    with pytest.raises(errors.CapacityExceeded) as refused:
        book(session, library, resident(session), at(TUESDAY, 10, 45), minutes=30)
    assert refused.value.details["alternatives"], "a full shared slot suggests other times"
    # 11:00-11:30: the first party (10:00-11:00) has left, so 3 seats are free again.
    assert book(session, library, resident(session), at(TUESDAY, 11), minutes=30, party=3).id


def test_capacity_counts_seats_at_every_instant_not_bookings_in_the_window(session):
    area = space(session, exclusive=False, capacity=2)
    book(session, area, resident(session), at(TUESDAY, 9), minutes=60)
    book(session, area, resident(session), at(TUESDAY, 10), minutes=60)
    # 09:30-10:30 overlaps both, but never more than one at once.
    assert book(session, area, resident(session), at(TUESDAY, 9, 30), minutes=60).id


def test_party_larger_than_the_space_is_invalid(session):
    with pytest.raises(errors.Invalid) as refused:
        book(session, space(session, exclusive=False, capacity=4), resident(session), at(TUESDAY, 10), party=5)
    assert refused.value.details["field"] == "party_size"


def test_booking_outside_opening_hours_is_refused(session):
    room = space(session, hours=[(d, time(9), time(12)) for d in range(7)])
    with pytest.raises(errors.OutsideHours):
        book(session, room, resident(session), at(TUESDAY, 11, 30))
    with pytest.raises(errors.OutsideHours):
        book(session, room, resident(session), at(TUESDAY, 8))


def test_lunch_break_between_two_periods_is_closed(session):
    room = space(session, hours=[(1, time(9), time(12)), (1, time(14), time(17))])
    with pytest.raises(errors.OutsideHours):
        book(session, room, resident(session), at(TUESDAY, 12))
    assert book(session, room, resident(session), at(TUESDAY, 14)).id


def test_closure_of_the_space_or_the_whole_centre_refuses_bookings(session):
    room, other = space(session), space(session, name="康复理疗室")
    session.add(Closure(resource_id=room.id, starts_at=at(TUESDAY, 9), ends_at=at(TUESDAY, 12), reason="消毒"))
    session.add(Closure(resource_id=None, starts_at=at(TUESDAY, 15), ends_at=at(TUESDAY, 16), reason="红梅议事日"))
    with pytest.raises(errors.Closed, match="消毒"):
        book(session, room, resident(session), at(TUESDAY, 10))
    assert book(session, other, resident(session), at(TUESDAY, 10)).id
    with pytest.raises(errors.Closed, match="红梅议事日"):
        book(session, other, resident(session), at(TUESDAY, 15))


def test_public_holiday_closes_the_centre(session):
    new_year = date(2027, 1, 1)
    with pytest.raises(errors.Closed) as refused:
        book(session, space(session), resident(session), at(new_year, 10), now=at(new_year, 8) - timedelta(days=30))
    assert refused.value.details["reason"] == "元旦"


def test_centre_that_stays_open_on_holidays_takes_bookings(session):
    labour_day = date(2026, 5, 1)
    ctx_now = at(labour_day, 8) - timedelta(days=3)
    context(session, close_on_public_holidays=False)
    assert book(session, space(session), resident(session), at(labour_day, 10), now=ctx_now).id


def test_makeup_working_day_keeps_monday_hours(session):
    # Saturday 9 May 2026 is a working day in exchange for the Labour Day holiday.
    makeup = date(2026, 5, 9)
    room = space(session, hours=[(0, time(9), time(17))])  # open on Mondays only
    assert book(session, room, resident(session), at(makeup, 10), now=at(makeup, 8) - timedelta(days=3)).id
    with pytest.raises(errors.OutsideHours):
        book(session, room, resident(session), at(date(2026, 5, 16), 10), now=at(makeup, 8))


def test_space_for_the_elderly_refuses_a_younger_resident(session):
    station = space(session, kind="elderly_care", exclusive=False, capacity=30, groups=["elderly", "special"])
    with pytest.raises(errors.NotEligible):
        book(session, station, resident(session, born=date(1980, 1, 1)), at(TUESDAY, 10))
    assert book(session, station, resident(session, born=date(1950, 1, 1)), at(TUESDAY, 10)).id
    assert book(session, station, resident(session, born=date(1990, 1, 1), lives_alone=True), at(TUESDAY, 11)).id


def test_turning_sixty_today_makes_a_resident_elderly(session):
    station = space(session, exclusive=False, capacity=30, groups=["elderly"])
    today = NOW.astimezone(TZ).date()
    person = resident(session, born=today.replace(year=today.year - 60))
    assert book(session, station, person, at(TUESDAY, 10)).id


def test_children_only_room_admits_a_child_under_fourteen(session):
    room = space(session, kind="early_education", exclusive=False, capacity=12, groups=["child"])
    with pytest.raises(errors.NotEligible):
        book(session, room, resident(session, born=date(2012, 1, 1)), at(TUESDAY, 10))
    assert book(session, room, resident(session, born=date(2020, 1, 1)), at(TUESDAY, 10)).id


def test_resident_must_book_with_minimum_notice(session):
    room, person = space(session, min_notice_minutes=120), resident(session)
    soon = NOW + timedelta(minutes=90)
    with pytest.raises(errors.TooSoon) as refused:
        book(session, room, person, soon, staff=False)
    assert refused.value.details["min_notice_minutes"] == 120


def test_desk_can_book_a_walk_in_starting_now(session):
    room = space(session, min_notice_minutes=120)
    assert book(session, room, resident(session), NOW, staff=True).id


def test_nobody_books_a_slot_that_has_passed(session):
    with pytest.raises(errors.TooSoon):
        book(session, space(session), resident(session), NOW - timedelta(hours=2), staff=True)


def test_resident_cannot_book_beyond_the_window_but_special_group_can(session):
    room = space(session, window_days=14, group_window_days={"special": 28})
    three_weeks = at(TUESDAY + timedelta(days=21), 10)
    with pytest.raises(errors.TooFar):
        book(session, room, resident(session), three_weeks, staff=False)
    assert book(session, room, resident(session, disability=True), three_weeks, staff=False).id


def test_desk_books_a_course_eight_weeks_ahead(session):
    room = space(session, window_days=14)
    assert book(session, room, resident(session), at(TUESDAY + timedelta(weeks=8), 10), staff=True).id


def test_duration_limits_name_the_end_field(session):
    room = space(session, min_duration_minutes=30, max_duration_minutes=120)
    for minutes in (15, 180):
        with pytest.raises(errors.Invalid) as refused:
            book(session, room, resident(session), at(TUESDAY, 10), minutes=minutes)
        assert refused.value.details["field"] == "end"


def test_weekly_quota_per_space_kind_counts_active_bookings(session):
    rehab_a = space(session, kind="rehab", weekly_quota=2)
    rehab_b = space(session, kind="rehab", weekly_quota=2, name="康复训练区")
    person = resident(session)
    book(session, rehab_a, person, at(TUESDAY, 9))
    second = book(session, rehab_b, person, at(TUESDAY, 10))
    with pytest.raises(errors.QuotaExceeded):
        book(session, rehab_a, person, at(TUESDAY, 11))
    booking.cancel(session, second, DESK, NOW)
    assert book(session, rehab_a, person, at(TUESDAY, 11)).id, "a cancelled booking frees its quota"
    next_week = at(TUESDAY + timedelta(days=7), 9)
    assert book(session, rehab_a, person, next_week).id


def test_resident_may_book_for_a_ward_but_not_for_a_stranger(session):
    room = space(session, exclusive=False, capacity=10)
    parent, child, stranger = resident(session), resident(session, born=date(2020, 3, 3)), resident(session)
    child.guardian_id = parent.id
    actor = resident_actor(parent, child)
    later = NOW + timedelta(days=1)
    assert book(session, room, child, later, staff=False, actor=actor).id
    with pytest.raises(errors.Forbidden):
        book(session, room, stranger, later, staff=False, actor=actor)
