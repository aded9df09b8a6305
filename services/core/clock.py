"""Time: instants are UTC inside, the centre's zone at the edges."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.core.errors import N_, Invalid

DEFAULT_TIMEZONE = "Asia/Shanghai"
# Far enough for any birth date or booking; near enough that date arithmetic never overflows.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_instant(value, field: str, tz: ZoneInfo) -> datetime:
    """ISO 8601 text to an aware UTC datetime; text without an offset is centre-local."""
    if not isinstance(value, str) or len(value) > 40:
        raise Invalid(field, N_("%(field)s 需要 ISO 8601 时间，如 2026-12-01T09:30"))
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(field, N_("%(field)s 不是有效的时间")) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise Invalid(field, N_("%(field)s 的年份不合理"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def parse_day(value, field: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(field, N_("%(field)s 需要日期 YYYY-MM-DD")) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid(field, N_("%(field)s 的年份不合理"))
    return day


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def at_local(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tz).astimezone(UTC)


def to_local_iso(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).isoformat()
