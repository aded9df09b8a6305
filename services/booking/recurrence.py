"""RFC 5545 recurrence: expand an RRULE into occurrences in the centre's local time."""
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from services.core.errors import Invalid

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
        raise Invalid("rrule", f"重复规则无效：{exc} / invalid RRULE: {exc}") from None
    horizon_local = horizon.astimezone(tz).replace(tzinfo=None)
    found = []
    for occurrence in rule:
        if len(found) >= MAX_OCCURRENCES:
            raise Invalid("rrule", f"重复次数太多（最多 {MAX_OCCURRENCES} 次）/ too many occurrences "
                                   f"(at most {MAX_OCCURRENCES})")
        if "COUNT=" not in rule_text and "UNTIL=" not in rule_text and occurrence > horizon_local:
            break
        occ_start = occurrence.replace(tzinfo=tz).astimezone(start.tzinfo)
        found.append((occ_start, occ_start + length))
    if not found:
        raise Invalid("rrule", "重复规则没有产生任何日期 / the RRULE yields no dates")
    return found


def _validated(rrule: str) -> str:
    if not isinstance(rrule, str) or not rrule.strip() or len(rrule) > 300:
        raise Invalid("rrule", "需要 RRULE 文本，如 FREQ=WEEKLY;COUNT=8 / rrule must be text like FREQ=WEEKLY;COUNT=8")
    text = rrule.strip().removeprefix("RRULE:").upper()
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQS:
        raise Invalid("rrule", "FREQ 只能是 DAILY、WEEKLY 或 MONTHLY / FREQ must be DAILY, WEEKLY or MONTHLY")
    unknown = set(parts) - ALLOWED_PARTS
    if unknown:
        raise Invalid("rrule", f"不支持的重复规则部分：{', '.join(sorted(unknown))} / unsupported RRULE parts: "
                               f"{', '.join(sorted(unknown))}")
    if "BYMONTHDAY" in parts and not set(parts["BYMONTHDAY"].split(",")) <= EVERY_MONTH_DAYS:
        raise Invalid("rrule", "BYMONTHDAY 只能是 1–28 或 -1（月末）/ BYMONTHDAY must be 1–28 or -1 (the last day)")
    if not parts.get("INTERVAL", "1").isdigit() or not 1 <= int(parts.get("INTERVAL", "1")) <= MAX_INTERVAL:
        raise Invalid("rrule", f"INTERVAL 只能是 1 到 {MAX_INTERVAL} / INTERVAL must be 1 to {MAX_INTERVAL}")
    return text
