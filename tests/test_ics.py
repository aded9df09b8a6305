"""The iCalendar text itself, read back with icalendar: escaping, folding, zones, records into events."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from models import Booking, db
from services.core.access import Actor
from services.feeds import feed_build, ics
from services.feeds.feeds import FeedSettings
from tests.feed_world import build_world
from tests.world import NOW, TZ

STAMP = datetime(2026, 11, 1, 2, 3, 4, tzinfo=UTC)


def _event(**fields) -> ics.IcsEvent:
    values = dict(uid="booking-1@test", start=NOW, end=NOW + timedelta(hours=1), summary="绘本馆 / Picture-book library",
                  stamp=STAMP)
    values.update(fields)
    return ics.IcsEvent(**values)


def test_long_chinese_lines_fold_at_75_octets_without_splitting_a_character():
    summary = "康复理疗室，王桂兰；备注: 需要轮椅\\扶手\n" * 6
    text = ics.calendar_bytes("测试", [_event(summary=summary)], TZ)
    for line in text.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # every physical line is whole UTF-8
    parsed = icalendar.Calendar.from_ical(text)
    assert str(parsed.walk("VEVENT")[0]["SUMMARY"]) == summary


def test_feed_header_has_what_subscribing_clients_read_and_no_method():
    parsed = icalendar.Calendar.from_ical(ics.calendar_bytes("心理咨询室 / Counselling", [], TZ))
    assert parsed["VERSION"] == "2.0" and parsed["PRODID"] == ics.PRODID
    assert parsed["NAME"] == parsed["X-WR-CALNAME"] == "心理咨询室 / Counselling"
    refresh = parsed["REFRESH-INTERVAL"]
    assert refresh.params["VALUE"] == "DURATION" and refresh.dt == timedelta(hours=1)
    assert parsed["X-PUBLISHED-TTL"] == "PT1H"
    assert "METHOD" not in parsed


def test_an_empty_feed_still_validates_because_it_carries_its_timezone():
    parsed = icalendar.Calendar.from_ical(ics.calendar_bytes("空 / Empty", [], TZ))
    assert [c.name for c in parsed.subcomponents] == ["VTIMEZONE"]
    parsed.validate()


def test_the_shanghai_timezone_has_no_1980s_daylight_saving_and_is_built_once():
    ics.vtimezone.cache_clear()
    first = ics.vtimezone("Asia/Shanghai")
    assert ics.vtimezone("Asia/Shanghai") is first
    assert ics.vtimezone.cache_info().hits == 1
    zone = icalendar.Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{first}END:VCALENDAR\r\n").walk("VTIMEZONE")[0]
    assert [c.name for c in zone.subcomponents] == ["STANDARD"]
    assert "DAYLIGHT" not in first and "+0900" not in first
    assert "COMMENT" not in first  # RFC 5545 3.6.5 allows none there: libical refuses the calendar


def test_times_carry_the_centre_zone_and_dates_are_all_day():
    text = ics.calendar_bytes("x", [_event(), _event(uid="day", start=date(2026, 12, 1), end=date(2026, 12, 2))], TZ)
    timed, all_day = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert timed["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert timed["DTSTART"].dt == NOW.astimezone(TZ) and timed["DTSTART"].dt.utcoffset() == timedelta(hours=8)
    assert all_day["DTSTART"].dt == date(2026, 12, 1)


def test_a_zone_with_daylight_saving_gets_both_rules():
    text = ics.calendar_bytes("x", [_event()], ZoneInfo("Europe/Berlin"))
    zone = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")[0]
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(f"sqlite:///{tmp_path_factory.mktemp('ics') / 'ics.db'}")


def _download(world, booking_id: int, actor: Actor) -> icalendar.Event:
    with world.app.app_context():
        _, body = feed_build.booking_download(db.session, actor, booking_id, TZ, FeedSettings())
    parsed = icalendar.Calendar.from_ical(body)
    assert "METHOD" not in parsed  # PUBLISH would need an ORGANIZER in every event (RFC 5546)
    return parsed.walk("VEVENT")[0]


def test_a_booking_becomes_an_event_from_its_record_not_the_clock(world):
    booking_id = world.ids["rehab_parent"]
    event = _download(world, booking_id, Actor(user_id=None, role="staff"))
    with world.app.app_context():
        record = db.session.get(Booking, booking_id)
        assert event["UID"] == f"booking-{booking_id}@linli.calendar"
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == record.updated_at.replace(microsecond=0)
        assert event["SEQUENCE"] == record.sequence
        assert event["DTSTART"].dt == record.starts_at and event["DTEND"].dt == record.ends_at
    assert "2楼" in event["LOCATION"] and "floor 2" in event["LOCATION"] and "康复理疗室" in event["LOCATION"]
    assert event["SUMMARY"].startswith("康复理疗室 / Rehab physiotherapy room")


def test_a_download_reminds_an_hour_before(world):
    event = _download(world, world.ids["library_child"], Actor(user_id=None, role="staff"))
    alarm = event.walk("VALARM")[0]
    assert alarm["ACTION"] == "DISPLAY" and alarm["TRIGGER"].dt == -timedelta(hours=1)


def test_an_operator_download_of_a_sensitive_booking_is_redacted(world):
    operator = Actor(user_id=None, role="operator", organisation="颐康养老服务中心")
    event = _download(world, world.ids["rehab_elder"], operator)
    assert event["SUMMARY"] == ics.BOOKED and "DESCRIPTION" not in event
    assert "王桂兰" not in event.to_ical().decode()
