"""iCalendar (RFC 5545 / 7986) text for feeds and single-booking downloads.

We write the text ourselves instead of through icalendar's object model: building 1,000
events that way takes ~300 ms, this takes a few, and the bytes depend only on the records
(DTSTAMP and LAST-MODIFIED come from Booking.updated_at, never from the clock), so an ETag
over them holds. The tests parse what we write with icalendar, recurring-ical-events and ical.js.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone

from models import Booking, Resource

PRODID = "-//Linli//Neighbourhood Centre Scheduling//ZH"
REFRESH = "PT1H"
# VTIMEZONE rules from this date on: earlier starts bring in China's 1986-1991 daylight saving.
TZ_FIRST_DATE, TZ_LAST_DATE = date(2000, 1, 1), date(2050, 1, 1)
STATUS_LABELS = {"confirmed": "已确认 / Confirmed", "cancelled": "已取消 / Cancelled",
                 "checked_in": "已签到 / Checked in", "no_show": "未到 / No-show"}
BOOKED = "已预约 / Booked"
CANCELLED_PREFIX = "已取消 / Cancelled · "


class Detail(Enum):
    """How much of a booking a reader may take out of our hands."""

    REDACTED = "redacted"  # time and place only: "已预约 / Booked"
    OWN = "own"  # the resident's own calendar: the space, party, note
    FULL = "full"  # staff and operators: who, party, note. Never a phone number: a calendar leaves our
    # hands (it syncs into a cloud), and the resident knows their own number.


@dataclass(slots=True)
class BookingView:
    """What a calendar shows of a booking, read in one query for a whole feed (no ORM objects)."""

    id: int
    resource: Resource
    resident_id: int
    resident_name: str
    resident_phone: str | None
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int
    party_size: int
    note: str | None
    updated_at: datetime

    @classmethod
    def of(cls, b: Booking) -> "BookingView":
        return cls(b.id, b.resource, b.resident_id, b.resident.name, b.resident.phone, b.starts_at, b.ends_at,
                   b.status, b.sequence, b.party_size, b.note, b.updated_at)


@dataclass(slots=True)
class IcsEvent:
    uid: str
    start: datetime | date  # aware datetimes, or dates for all-day events
    end: datetime | date
    summary: str
    stamp: datetime
    sequence: int = 0
    status: str = "CONFIRMED"
    location: str | None = None
    description: str | None = None
    private: bool = True
    alarm: bool = False


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: back up to the character's start
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


@lru_cache(maxsize=4096)
def text_line(name: str, value: str) -> str:
    """A folded TEXT property; the same rooms and names recur through a feed, so each is written once."""
    return fold(f"{name}:{escape_text(value)}")


def _basic(d: datetime) -> str:
    # isoformat runs in C; strftime cost a third of a 1,000-event feed's time
    return d.isoformat(timespec="seconds")[:19].replace("-", "").replace(":", "")


def utc_stamp(instant: datetime) -> str:
    return _basic(instant.astimezone(UTC)) + "Z"


def _when(name: str, value: datetime | date, tzid: str, tz: ZoneInfo) -> str:
    if isinstance(value, datetime):
        return f"{name};TZID={tzid}:{_basic(value.astimezone(tz))}"
    return f"{name};VALUE=DATE:{value.year:04d}{value.month:02d}{value.day:02d}"


@lru_cache(maxsize=8)
def vtimezone(tzid: str) -> str:
    """The zone's VTIMEZONE block; slow to build, so built once per process.

    icalendar adds a COMMENT, which RFC 5545 3.6.5 does not allow in VTIMEZONE: strict parsers
    (libical, Ruby's icalendar in strict mode) then reject the whole calendar.
    """
    block = Timezone.from_tzid(tzid, first_date=TZ_FIRST_DATE, last_date=TZ_LAST_DATE).to_ical().decode()
    lines = [line for line in block.splitlines() if line and not line.startswith("COMMENT")]
    return "\r\n".join(lines) + "\r\n"


def event_lines(event: IcsEvent, tz: ZoneInfo) -> list[str]:
    stamp = utc_stamp(event.stamp)
    lines = ["BEGIN:VEVENT", fold(f"UID:{event.uid}"), f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}",
             f"SEQUENCE:{event.sequence}", _when("DTSTART", event.start, tz.key, tz),
             _when("DTEND", event.end, tz.key, tz), text_line("SUMMARY", event.summary)]
    if event.location:
        lines.append(text_line("LOCATION", event.location))
    if event.description:
        lines.append(text_line("DESCRIPTION", event.description))
    lines += [f"STATUS:{event.status}", f"CLASS:{'PRIVATE' if event.private else 'PUBLIC'}",
              f"TRANSP:{'OPAQUE' if isinstance(event.start, datetime) else 'TRANSPARENT'}"]
    if event.alarm:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT1H",
                  fold(f"DESCRIPTION:{escape_text(event.summary)}"), "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def calendar_bytes(name: str | None, events: list[IcsEvent], tz: ZoneInfo, method: str | None = None,
                   description: str | None = None, extra: tuple[str, ...] = ()) -> bytes:
    """A whole VCALENDAR. Neither feeds (RFC 7986 subscriptions) nor downloads carry a METHOD:
    METHOD:PUBLISH requires an ORGANIZER in every event (RFC 5546), and strict parsers refuse one
    without. A download (method given) has no name, so no client makes a new calendar of it.
    `extra` are further calendar properties (X-… lines), `description` the calendar's own text."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if not method:
        head += [f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}",
                 f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
    if description:
        head += [f"DESCRIPTION:{escape_text(description)}", f"X-WR-CALDESC:{escape_text(description)}"]
    head += [*extra, f"X-WR-TIMEZONE:{tz.key}"]
    body = [line for event in events for line in event_lines(event, tz)]  # folded where text can run long
    text = "\r\n".join(fold(line) for line in head) + "\r\n" + vtimezone(tz.key)
    if body:
        text += "\r\n".join(body) + "\r\n"
    return (text + "END:VCALENDAR\r\n").encode()


def location(resource: Resource, centre_name: str, centre_name_en: str) -> str:
    floor_zh = f"{resource.floor}楼 " if resource.floor is not None else ""
    floor_en = f", floor {resource.floor}" if resource.floor is not None else ""
    return f"{centre_name} {floor_zh}{resource.name} / {resource.name_en}{floor_en}, {centre_name_en}"


def booking_summary(booking: BookingView, detail: Detail, with_name: bool) -> str:
    if detail is Detail.REDACTED:  # calcurse and ical2html ignore STATUS: the title must say it
        return CANCELLED_PREFIX + BOOKED if booking.status == "cancelled" else BOOKED
    space = f"{booking.resource.name} / {booking.resource.name_en}"
    if with_name:
        extra = f" +{booking.party_size - 1}" if booking.party_size > 1 else ""
        space = f"{space} · {booking.resident_name}{extra}"
    return (CANCELLED_PREFIX + space) if booking.status == "cancelled" else space


def booking_description(booking: BookingView, detail: Detail) -> str | None:
    if detail is Detail.REDACTED:
        return None
    lines = [f"预约人 / For: {booking.resident_name}"]
    lines += [f"人数 / People: {booking.party_size}", f"状态 / Status: {STATUS_LABELS[booking.status]}"]
    if booking.note:
        lines.append(f"备注 / Note: {booking.note}")
    return "\n".join(lines)


def booking_event(booking: BookingView, detail: Detail, where: str, uid_domain: str, with_name: bool = False,
                  alarm: bool = False) -> IcsEvent:
    """One booking as one VEVENT: a series shows as its own occurrences, each with its own UID."""
    return IcsEvent(
        uid=f"booking-{booking.id}@{uid_domain}", start=booking.starts_at, end=booking.ends_at,
        summary=booking_summary(booking, detail, with_name), stamp=booking.updated_at,
        sequence=booking.sequence, status="CANCELLED" if booking.status == "cancelled" else "CONFIRMED",
        location=where, description=booking_description(booking, detail),
        private=True, alarm=alarm,
    )


def day_span(day: date) -> tuple[date, date]:
    return day, day + timedelta(days=1)
