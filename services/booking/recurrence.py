"""RFC 5545 recurrence: expand an RRULE into occurrences in the centre's local time.

dateutil walks period by period until a candidate date exists, up to the year 9999: a rule that
can never yield a date (the sixth Monday of a month, the 28th that is also the first Monday, every
seventh day that is a Wednesday when the first is a Tuesday) keeps it busy for a second or more.
So a rule is first checked against a grammar where every period, or every few, yields a date;
then it is expanded before any lock is taken (`expand`), and the booking only cuts it to the window.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from services.core.errors import N_, Invalid
from services.core.numbers import whole_number

MAX_OCCURRENCES = 104  # two years of weekly sessions
ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY")
ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", "BYMONTHDAY"}
EVERY_MONTH_DAYS = {str(d) for d in range(1, 29)} | {"-1"}
MAX_INTERVAL = 12
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY_ITEM = re.compile(r"([+-]?[0-9])?(MO|TU|WE|TH|FR|SA|SU)", re.ASCII)
MAX_ORDINAL = 5  # a month holds at most five of any weekday
MAX_SPAN = timedelta(days=3 * 366)  # longer than any booking window


@dataclass(frozen=True)
class Recurrence:
    """A validated rule and its dates (UTC start, end), found before any lock is taken."""

    text: str
    times: tuple[tuple[datetime, datetime], ...]
    open_ended: bool

    def within(self, horizon: datetime) -> list[tuple[datetime, datetime]]:
        """The dates to book: an open-ended rule stops at the booking window."""
        found = [t for t in self.times if not self.open_ended or t[0] <= horizon]
        if len(found) > MAX_OCCURRENCES:
            raise Invalid("rrule", N_("重复次数太多（最多 %(n)d 次）"), n=MAX_OCCURRENCES)
        if not found:
            raise Invalid("rrule", N_("重复规则在可预约范围内没有产生任何日期"))
        return found


def expand(rrule: str, start: datetime, end: datetime, tz: ZoneInfo) -> Recurrence:
    """Validate and expand, bounded whatever the text says: call it before taking any lock.

    At most MAX_OCCURRENCES + 1 dates are examined (one more shows the rule is too long), within
    MAX_SPAN of the start, beyond any booking window: an open-ended rule stops there, others are refused.
    """
    text, parts = _validated(rrule)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    _check_reachable_weekdays(parts, local_start)
    try:
        rule = rrulestr(text, dtstart=local_start)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise Invalid("rrule", N_("重复规则无法解读，例如 FREQ=WEEKLY;COUNT=8")) from None
    open_ended = "COUNT" not in parts and "UNTIL" not in parts
    found = []
    for occurrence in rule:
        if len(found) > MAX_OCCURRENCES or (open_ended and occurrence > local_start + MAX_SPAN):
            break
        if occurrence > local_start + MAX_SPAN:  # dateutil would walk on: no window reaches that far
            raise Invalid("rrule", N_("重复规则跨度太长（最多三年）"))
        occ_start = occurrence.replace(tzinfo=tz).astimezone(start.tzinfo)
        found.append((occ_start, occ_start + (end - start)))
    if not found:
        raise Invalid("rrule", N_("重复规则没有产生任何日期"))
    if not open_ended and len(found) > MAX_OCCURRENCES:
        raise Invalid("rrule", N_("重复次数太多（最多 %(n)d 次）"), n=MAX_OCCURRENCES)
    return Recurrence(text, tuple(found), open_ended)


def occurrences(rrule: "str | Recurrence", start: datetime, end: datetime, tz: ZoneInfo,
                horizon: datetime) -> list[tuple[datetime, datetime]]:
    """Each (start, end) in UTC. Expanded in local time so 09:30 stays 09:30 on every date.

    Open-ended rules stop at `horizon` (the booking window) and at MAX_OCCURRENCES.
    """
    if isinstance(rrule, Recurrence):
        return rrule.within(horizon)
    return expand(rrule, start, end, tz).within(horizon)


def _validated(rrule: str) -> tuple[str, dict[str, str]]:
    if not isinstance(rrule, str) or not rrule.strip() or len(rrule) > 300 or not rrule.isascii():
        raise Invalid("rrule", N_("需要重复规则文本，例如 FREQ=WEEKLY;COUNT=8"))
    text = rrule.strip().removeprefix("RRULE:").upper()
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQS:
        raise Invalid("rrule", N_("FREQ 只能是 DAILY、WEEKLY 或 MONTHLY"))
    unknown = set(parts) - ALLOWED_PARTS
    if unknown:
        raise Invalid("rrule", N_("不支持的重复规则部分：%(parts)s"), parts=", ".join(sorted(unknown)))
    _check_numbers(parts)
    _check_month_days(parts)
    _check_weekdays(parts)
    return text, parts


def _check_numbers(parts: dict[str, str]) -> None:
    whole_number(parts.get("INTERVAL", "1"), "rrule", 1, MAX_INTERVAL,
                 N_("INTERVAL 只能是 1 到 %(n)d"), n=MAX_INTERVAL)
    if "COUNT" in parts:
        whole_number(parts["COUNT"], "rrule", 1, MAX_OCCURRENCES,
                     N_("COUNT 只能是 1 到 %(n)d"), n=MAX_OCCURRENCES)
    if "COUNT" in parts and "UNTIL" in parts:
        raise Invalid("rrule", N_("COUNT 和 UNTIL 只能选一个"))


def _check_month_days(parts: dict[str, str]) -> None:
    if "BYMONTHDAY" not in parts:
        return
    if not set(parts["BYMONTHDAY"].split(",")) <= EVERY_MONTH_DAYS:
        raise Invalid("rrule", N_("BYMONTHDAY 只能是 1–28 或 -1（月末）"))
    if parts["FREQ"] != "MONTHLY" or "BYDAY" in parts:
        # The 28th that is also the first Monday never comes; nor, in most weeks, a day of the month.
        raise Invalid("rrule", N_("BYMONTHDAY 只能用于每月重复，且不能与 BYDAY 同用"))


def _check_weekdays(parts: dict[str, str]) -> None:
    if parts.get("WKST", "MO") not in WEEKDAYS:
        raise Invalid("rrule", N_("WKST 必须是 MO 到 SU 之一"))
    items = [BYDAY_ITEM.fullmatch(item) or item for item in parts.get("BYDAY", "MO").split(",")]
    for item in items:
        if isinstance(item, str):
            raise Invalid("rrule", N_("BYDAY 写法不对：%(item)s"), item=item[:10])
    ordinals = [int(m.group(1)) for m in items if m.group(1) is not None]
    if not ordinals:
        return
    if len(ordinals) < len(items):  # dateutil yields nothing for MO,1TU, and searches to 9999 first
        raise Invalid("rrule", N_("BYDAY 不能把带序号和不带序号的星期几混用"))
    if parts["FREQ"] != "MONTHLY" or not all(1 <= abs(n) <= MAX_ORDINAL for n in ordinals):
        raise Invalid("rrule", N_("BYDAY 的序号只能用于每月重复，且在 1–5 或 -1–-5 之间"))


def _check_reachable_weekdays(parts: dict[str, str], local_start: datetime) -> None:
    """Every seventh day from a Tuesday is always a Tuesday: BYDAY=WE would never come."""
    if parts["FREQ"] != "DAILY" or "BYDAY" not in parts:
        return
    interval = int(parts.get("INTERVAL", "1"))
    reachable = {(local_start.weekday() + k * interval) % 7 for k in range(7)}
    wanted = {WEEKDAYS.index(BYDAY_ITEM.fullmatch(item).group(2)) for item in parts["BYDAY"].split(",")}
    if not reachable & wanted:
        raise Invalid("rrule", N_("按这个间隔，BYDAY 中的星期几永远不会出现"))
