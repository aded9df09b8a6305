"""A check-up's period: whole local days, from and to inclusive, and the UTC instants they span."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.core.errors import Invalid

MAX_DAYS = 3 * 366  # three years at most: a check-up is yearly, a trend spans several


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    tz: ZoneInfo

    @property
    def lo(self) -> datetime:
        return datetime.combine(self.start, time(0), self.tz).astimezone(UTC)

    @property
    def hi(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(0), self.tz).astimezone(UTC)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def period(start: date, end: date, tz: ZoneInfo) -> Period:
    if end < start:
        raise Invalid("to", "结束日期不能早于开始日期 / to must not be before from")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid("to", f"体检期最长 {MAX_DAYS} 天 / a check-up covers at most {MAX_DAYS} days")
    return Period(start, end, tz)


def previous(p: Period) -> Period:
    """The period of the same length just before, for comparisons."""
    length = p.end - p.start
    end = p.start - timedelta(days=1)
    return Period(end - length, end, p.tz)
