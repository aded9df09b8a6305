"""China's public holidays as the State Council's yearly notice sets them: whole 放假 periods and 调休 days.

The statutory days alone (what the `holidays` package lists) leave the weekend days inside a holiday
period open, e.g. Sunday 4 October 2026 inside 国庆节 1–7 October. The `chinese-calendar` package
transcribes each year's notice, 放假 periods and make-up working days included; it is the source for every
year it covers. For a later year, whose notice is not out (or not yet in the package), we fall back to
the statutory days and say so on the admin page rather than pretend to know the period.
"""
from datetime import date
from functools import lru_cache

import chinese_calendar
import holidays

_CHINESE = {h.value: h.chinese for h in chinese_calendar.Holiday}


@lru_cache(maxsize=1)
def covered_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


def notice_published(year: int) -> bool:
    """Whether the year's holiday notice is known to us (else only the statutory days are)."""
    return year in covered_years()


@lru_cache(maxsize=16)
def _statutory(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year, language="zh_CN")


def public_holiday(day: date) -> str | None:
    """The holiday's Chinese name if `day` is inside an official 放假 period (weekends in it included)."""
    if notice_published(day.year):
        name = chinese_calendar.holidays.get(day)
        return _CHINESE.get(name, name) if name else None
    return _statutory(day.year).get(day)


def makeup_workday(day: date) -> bool:
    """A weekend day worked in exchange for a holiday (调休上班)."""
    if notice_published(day.year):
        return day in chinese_calendar.workdays and day.weekday() >= 5
    return day in _statutory(day.year).weekend_workdays


def unpublished_years(today: date, ahead_days: int) -> list[int]:
    """Years from today to today + ahead_days whose notice we do not have: staff should check them."""
    last = date.fromordinal(today.toordinal() + ahead_days)
    return [y for y in range(today.year, last.year + 1) if not notice_published(y)]
