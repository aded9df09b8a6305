"""RFC 5545 recurrence: expand an RRULE into occurrences in the centre's local time."""
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from services.core.errors import N_, Invalid

MAX_OCCURRENCES = 104  # two years of weekly sessions
ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY")
# Only parts that yield a date in every period: dateutil walks to year 9999 looking for dates
# that can never exist (30 February), holding the booking lock all the while.
ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", "BYMONTHDAY"}
EVERY_MONTH_DAYS = {str(d) for d in range(1, 29)} | {"-1"}
MAX_INTERVAL = 12


def occurrences(rrule: str, start: datetime, end: datetime, tz: ZoneInfo,
                horizon: datetime) -> list[tuple[datetime, datetime]]:
    """Each (start, end) in UTC. Expanded in local time so 09:30 stays 09:30 on every date.

    Open-ended rules stop at `horizon` (the booking window) and at MAX_OCCURRENCES.
    """
    rule_text = _validated(rrule)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    length = end - start
    try:
        rule = rrulestr(rule_text, dtstart=local_start)
    except (ValueError, TypeError) as exc:
        raise Invalid("rrule", N_("重复规则无效：%(problem)s"), problem=str(exc)) from None
    horizon_local = horizon.astimezone(tz).replace(tzinfo=None)
    found = []
    for occurrence in rule:
        if len(found) >= MAX_OCCURRENCES:
            raise Invalid("rrule", N_("重复次数太多（最多 %(max)s 次）"), max=MAX_OCCURRENCES)
        if "COUNT=" not in rule_text and "UNTIL=" not in rule_text and occurrence > horizon_local:
            break
        occ_start = occurrence.replace(tzinfo=tz).astimezone(start.tzinfo)
        found.append((occ_start, occ_start + length))
    if not found:
        raise Invalid("rrule", N_("重复规则没有产生任何日期"))
    return found


def _validated(rrule: str) -> str:
    if not isinstance(rrule, str) or not rrule.strip() or len(rrule) > 300:
        raise Invalid("rrule", N_("需要 RRULE 文本，如 FREQ=WEEKLY;COUNT=8"))
    text = rrule.strip().removeprefix("RRULE:").upper()
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQS:
        raise Invalid("rrule", N_("FREQ 只能是 DAILY、WEEKLY 或 MONTHLY"))
    unknown = set(parts) - ALLOWED_PARTS
    if unknown:
        raise Invalid("rrule", N_("不支持的重复规则部分：%(parts)s"), parts=", ".join(sorted(unknown)))
    if "BYMONTHDAY" in parts and not set(parts["BYMONTHDAY"].split(",")) <= EVERY_MONTH_DAYS:
        raise Invalid("rrule", N_("BYMONTHDAY 只能是 1–28 或 -1（月末）"))
    if not parts.get("INTERVAL", "1").isdigit() or not 1 <= int(parts.get("INTERVAL", "1")) <= MAX_INTERVAL:
        raise Invalid("rrule", N_("INTERVAL 只能是 1 到 %(max)s"), max=MAX_INTERVAL)
    return text
