"""Recurring bookings: every occurrence passes every rule; all-or-nothing unless told to skip."""
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

import pytest
from sqlalchemy import select

from models import Booking, Closure
from services.booking import booking
from services.booking.rules import Request
from services.core import errors
from tests.world import DESK, NOW, TZ, context, resident, space

TUESDAY = date(2026, 11, 24)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock(hour), TZ)


def series(session, room, person, start, rrule, skip=False, minutes=60):
    req = Request(room, person, start, start + timedelta(minutes=minutes))
    return booking.book_series(session, req, rrule, DESK, context(session, by_staff=True), skip_conflicts=skip)


def test_weekly_rehab_every_tuesday_and_thursday_for_eight_weeks(session):
    rehab = space(session, kind="rehab", slot_minutes=30)
    result = series(session, rehab, resident(session), at(TUESDAY, 9), "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=16", minutes=30)
    starts = [b.starts_at.astimezone(TZ) for b in result.bookings]
    assert len(starts) == 16
    assert {s.strftime("%a %H:%M") for s in starts} == {"Tue 09:00", "Thu 09:00"}
    assert starts[-1].date() == TUESDAY + timedelta(weeks=7, days=2)
    assert all(b.series_id == result.series.id for b in result.bookings)


def test_monthly_counselling_on_the_first_monday(session):
    room = space(session)
    result = series(session, room, resident(session), at(date(2026, 12, 7), 10), "FREQ=MONTHLY;BYDAY=1MO;COUNT=3")
    days = [b.starts_at.astimezone(TZ).date() for b in result.bookings]
    # 7 Dec 2026, then 4 Jan and 1 Feb 2027 are the first Mondays.
    assert days == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]


def test_series_with_one_taken_date_books_nothing_by_default(session):
    room = space(session)
    taken = at(TUESDAY + timedelta(weeks=2), 10)
    booking.book(session, Request(room, resident(session), taken, taken + timedelta(hours=1)), DESK,
                 context(session, by_staff=True))
    with pytest.raises(errors.Conflict) as refused:
        series(session, room, resident(session), at(TUESDAY, 10), "FREQ=WEEKLY;COUNT=4")
    assert refused.value.details["occurrence"] == taken
    session.rollback()  # the view rolls back: nothing of the series remains
    assert session.scalar(select(Booking).where(Booking.series_id.is_not(None))) is None


def test_skip_conflicts_books_the_rest_and_reports_what_it_skipped(session):
    room = space(session)
    taken = at(TUESDAY + timedelta(weeks=1), 10)
    booking.book(session, Request(room, resident(session), taken, taken + timedelta(hours=1)), DESK,
                 context(session, by_staff=True))
    holiday_closure = at(TUESDAY + timedelta(weeks=3), 0)
    session.add(Closure(resource_id=None, starts_at=holiday_closure, ends_at=holiday_closure + timedelta(days=1),
                        reason="设备检修"))
    result = series(session, room, resident(session), at(TUESDAY, 10), "FREQ=WEEKLY;COUNT=4", skip=True)
    assert len(result.bookings) == 2
    assert [(s["start"], s["code"]) for s in result.skipped] == [
        (taken, "conflict"), (at(TUESDAY + timedelta(weeks=3), 10), "closed")]


def test_every_occurrence_is_checked_against_the_weekly_quota(session):
    rehab = space(session, kind="rehab", weekly_quota=1)
    with pytest.raises(errors.QuotaExceeded):
        series(session, rehab, resident(session), at(TUESDAY, 9), "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4")


def test_open_ended_rule_stops_at_the_booking_window(session):
    # Skipping: the Spring Festival holiday (Tue 9 Feb 2027) falls inside the window.
    result = series(session, space(session), resident(session), at(TUESDAY, 10), "FREQ=WEEKLY", skip=True)
    assert [s["code"] for s in result.skipped] == ["closed"]
    last = result.bookings[-1].starts_at
    assert last <= NOW + timedelta(days=90) < last + timedelta(weeks=1)


@pytest.mark.parametrize("rrule", ["FREQ=HOURLY;COUNT=3", "FREQ=WEEKLY;COUNT=500", "nonsense", "FREQ=WEEKLY;BYDAY=XX",
                                   "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYMONTHDAY=31",
                                   "FREQ=MONTHLY;INTERVAL=0", "FREQ=YEARLY;COUNT=2", "FREQ=DAILY;BYSETPOS=1"])
def test_unusable_rrule_is_invalid_and_names_the_field(session, rrule):
    with pytest.raises(errors.Invalid) as refused:
        series(session, space(session), resident(session), at(TUESDAY, 10), rrule)
    assert refused.value.details["field"] == "rrule"


def test_one_occurrence_can_be_cancelled_alone(session):
    result = series(session, space(session), resident(session), at(TUESDAY, 10), "FREQ=WEEKLY;COUNT=4")
    booking.cancel(session, result.bookings[1], DESK, NOW, reason="生病")
    assert [b.status for b in result.bookings] == ["confirmed", "cancelled", "confirmed", "confirmed"]


def test_cancelling_the_rest_of_a_series_keeps_earlier_occurrences(session):
    result = series(session, space(session), resident(session), at(TUESDAY, 10), "FREQ=WEEKLY;COUNT=4")
    booking.cancel(session, result.bookings[2], DESK, NOW, reason="搬家", following=True)
    assert [b.status for b in result.bookings] == ["confirmed", "confirmed", "cancelled", "cancelled"]


def test_a_rule_whose_dates_never_exist_is_refused_at_once(session):
    """30 February never comes: dateutil would search until the year 9999 while the space stays locked."""
    began = time.perf_counter()
    with pytest.raises(errors.Invalid):
        series(session, space(session), resident(session), at(TUESDAY, 10), "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
    assert time.perf_counter() - began < 0.5


def test_monthly_on_the_last_day_is_allowed(session):
    result = series(session, space(session), resident(session), at(date(2026, 11, 30), 10),
                    "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=2", skip=True)
    assert [b.starts_at.astimezone(TZ).date() for b in result.bookings] == [date(2026, 11, 30), date(2026, 12, 31)]
