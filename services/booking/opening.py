"""When a space is open: weekly hours, China's public holidays and make-up days, closures."""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from models import Centre, Resource
from services.booking.holiday_calendar import makeup_workday, public_holiday
from services.core.clock import at_local

MONDAY = 0
__all__ = ["Period", "makeup_workday", "opening_periods", "public_holiday"]


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def opening_periods(resource: Resource, day: date, centre: Centre, tz: ZoneInfo) -> list[Period]:
    """The space's opening periods on a local day, in UTC; [] when closed for a holiday.

    A make-up working day (a weekend day worked in exchange for a holiday) keeps Monday's hours.
    """
    if centre.close_on_public_holidays and public_holiday(day):
        return []
    weekday = MONDAY if makeup_workday(day) else day.weekday()
    # Sorted by time: the hours relationship orders by weekday only, and PostgreSQL returns a day's
    # periods in any order, which made the afternoon come first and availability miss bookings.
    return sorted((
        Period(at_local(day, h.opens, tz), at_local(day, h.closes, tz))
        for h in resource.hours
        if h.weekday == weekday
    ), key=lambda p: p.start)

