"""The centre closes for the whole 放假 period of the State Council's notice and works its 调休 days:
2025 and 2026 checked day by day against the notices (国办发明电〔2024〕12号, 国办发明电〔2025〕7号)."""
from datetime import date, time, timedelta

import pytest

from services.booking import availability, holiday_calendar, opening
from tests.world import TZ, context, space

# (first day, last day) of each 放假 period, and the make-up working days, as the notices print them.
NOTICES = {
    2025: {
        "off": [((1, 1), (1, 1)), ((1, 28), (2, 4)), ((4, 4), (4, 6)), ((5, 1), (5, 5)), ((5, 31), (6, 2)),
                ((10, 1), (10, 8))],
        "work": [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
    },
    2026: {
        "off": [((1, 1), (1, 3)), ((2, 15), (2, 23)), ((4, 4), (4, 6)), ((5, 1), (5, 5)), ((6, 19), (6, 21)),
                ((9, 25), (9, 27)), ((10, 1), (10, 7))],
        "work": [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
    },
}


def _days_off(year: int) -> set[date]:
    off = set()
    for (m1, d1), (m2, d2) in NOTICES[year]["off"]:
        day = date(year, m1, d1)
        while day <= date(year, m2, d2):
            off.add(day)
            day += timedelta(days=1)
    return off


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_every_day_of_the_year_is_off_or_worked_as_the_notice_says(year):
    off, work = _days_off(year), {date(year, m, d) for m, d in NOTICES[year]["work"]}
    day, wrong = date(year, 1, 1), []
    while day.year == year:
        if bool(opening.public_holiday(day)) != (day in off) or opening.makeup_workday(day) != (day in work):
            wrong.append(day)
        day += timedelta(days=1)
    assert not wrong
    assert holiday_calendar.notice_published(year)


def test_the_weekend_inside_national_day_2026_is_closed_for_a_space_that_opens_at_weekends(session):
    library = space(session, exclusive=False, capacity=20)  # open every day, weekends included
    ctx = context(session)
    for day in (date(2026, 10, 3), date(2026, 10, 4)):
        assert opening.public_holiday(day) == "国庆节"
        assert availability.day_slots(session, library, day, ctx) == []
    assert availability.day_slots(session, library, date(2026, 10, 8), ctx)


def test_a_make_up_saturday_opens_with_monday_hours(session):
    mondays_only = space(session, hours=[(0, time(9), time(11))])
    slots = availability.day_slots(session, mondays_only, date(2026, 10, 10), context(session))
    assert [s.start.astimezone(TZ).hour for s in slots] == [9, 10]


def test_a_year_without_its_notice_is_named_for_staff_to_check():
    last_known = max(holiday_calendar.covered_years())
    assert not holiday_calendar.notice_published(last_known + 1)
    assert holiday_calendar.unpublished_years(date(last_known, 12, 1), 90) == [last_known + 1]
    assert holiday_calendar.unpublished_years(date(last_known, 1, 1), 90) == []
    # Until then the statutory days still close the centre: New Year's Day is fixed by law.
    assert opening.public_holiday(date(last_known + 1, 1, 1))


def test_the_admin_page_says_when_next_years_notice_is_not_out(tmp_path):
    from tests.web_world import build

    world = build(f"sqlite:///{tmp_path / 'web.db'}")  # today is 23 Nov 2026; the desk books 90 days ahead
    page = world.client("admin").get("/admin").get_data(as_text=True)
    assert "2027 年放假安排尚未发布，请核对" in page
    assert "2026 年放假安排尚未发布" not in page
