"""Feeds that real clients get right and that say no more than they must: no phone anywhere, audit of
what leaves, a change visible at once in every worker, bounded size, Last-Modified and gzip."""
import gzip
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from models import AuditEntry, Booking, db
from services.booking import booking
from services.booking.rules import Request
from tests.feed_world import build_world
from tests.test_feeds import events_of, fetch, path_of, uid
from tests.world import DESK, NOW, TZ, context, database_url, make_app


@pytest.fixture
def world(tmp_path):
    return build_world(database_url("sqlite", tmp_path), FEED_CACHE_SECONDS=60)


def test_no_phone_number_in_any_feed_or_in_a_download_for_staff_or_operators(world):
    feeds = [world.new_feed("yikang", scope="operator"), world.new_feed("desk", scope="operator",
                                                                        organisation="颐康养老服务中心"),
             world.new_feed("desk", scope="resource", resource_id=world.ids["library"])]
    downloads = [world.client.get(f"/bookings/{world.ids['station_elder']}.ics", headers=world.headers(who))
                 for who in ("yikang", "desk")]
    for body in [fetch(world, f).data for f in feeds] + [d.data for d in downloads]:
        assert body and not any(phone in body.decode() for phone in world.phones)


def _audit(world, object_type: str, action: str) -> list[int]:
    with world.app.app_context():
        return list(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == object_type, AuditEntry.action == action)))


def test_every_feed_created_and_every_sensitive_download_is_audited(world):
    feed = world.new_feed("xinqing", scope="resource", resource_id=world.ids["counselling"])
    assert _audit(world, "feed", "create") == [feed["id"]]
    series = world.ids["series"][0]
    assert world.client.get(f"/bookings/{series}.ics", headers=world.headers("desk")).status_code == 200
    assert series in _audit(world, "booking", "read")


def _cancel_elsewhere(world, booking_id: int) -> None:
    """Another worker (another app on the same database) cancels: this worker's cache must not hide it."""
    other = make_app(world.app.config["SQLALCHEMY_DATABASE_URI"], FIXED_NOW=NOW)
    answer = other.test_client().post(f"/api/v1/bookings/{booking_id}/cancel", json={},
                                      headers=world.headers("desk"))
    assert answer.status_code == 200


def test_a_cancellation_in_another_worker_shows_at_once_and_no_stale_304(world):
    feed = world.new_feed("desk", scope="resource", resource_id=world.ids["library"])
    before = fetch(world, feed)
    assert fetch(world, feed, **{"If-None-Match": before.headers["ETag"]}).status_code == 304
    _cancel_elsewhere(world, world.ids["library_child"])
    after = fetch(world, feed, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert events_of(after.data)[uid(world.ids["library_child"])]["STATUS"] == "CANCELLED"


def test_a_change_made_outside_any_request_shows_too(world):
    feed = world.new_feed("desk", scope="resource", resource_id=world.ids["library"])
    before = fetch(world, feed)
    with world.app.app_context():  # the scheduler or the CLI: a plain session, no view
        s = db.session
        room = s.get(Booking, world.ids["library_child"]).resource
        start = NOW + timedelta(days=3, hours=3)
        booking.book(s, Request(room, s.get(Booking, world.ids["library_child"]).resident, start,
                                start + timedelta(hours=1)), DESK, context(s, by_staff=True))
        s.commit()
    assert fetch(world, feed, **{"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_a_feed_over_its_byte_budget_drops_the_far_past_first_and_says_so(tmp_path):
    world = build_world(database_url("sqlite", tmp_path), FEED_MAX_BYTES=5_500)
    feed = world.new_feed("desk", scope="operator", organisation="颐康养老服务中心")
    answer = fetch(world, feed)
    calendar = icalendar.Calendar.from_ical(answer.data)
    assert len(answer.data) <= 5_500
    assert str(calendar["X-LINLI-TRIMMED"]).startswith("past=1;")
    events = events_of(answer.data)
    assert uid(world.ids["past"]) not in events  # twelve days back: the first to go
    notice = events[next(k for k in events if k.startswith("trimmed-"))]
    assert "未列出" in notice["SUMMARY"] and notice["DTSTART"].dt == NOW.astimezone(TZ).date()


def test_feeds_carry_last_modified_and_come_gzipped_when_asked(world):
    feed = world.new_feed("desk", scope="resource", resource_id=world.ids["library"])
    plain = fetch(world, feed)
    assert plain.headers["Last-Modified"] and "Accept-Encoding" in plain.headers["Vary"]
    zipped = fetch(world, feed, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    again = fetch(world, feed, **{"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304


def test_feed_urls_follow_the_request_scheme_when_no_base_url_is_set(world):
    answer = world.client.post("/api/v1/feeds", json={"scope": "public"}, headers=world.headers("desk"),
                               base_url="https://linli.example.org")
    assert answer.get_json()["url"].startswith("https://linli.example.org/feeds/")
    assert path_of(world.new_feed("desk", scope="public")["url"]).startswith("/feeds/")
