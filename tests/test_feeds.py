"""Private feeds over HTTP: who may make which, tokens, revocation, caching headers, redaction, the window."""
import re
from urllib.parse import urlsplit

import icalendar
import pytest

from models import Booking, CalendarFeed, User, db
from tests.feed_world import build_world
from tests.web_login import login
from tests.world import NOW, database_url


@pytest.fixture
def world(tmp_path):
    return build_world(database_url("sqlite", tmp_path))


def path_of(url: str) -> str:
    return urlsplit(url).path


def fetch(world, feed: dict, **headers):
    return world.client.get(path_of(feed["url"]), headers=headers)


def events_of(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def uid(booking_id: int) -> str:
    return f"booking-{booking_id}@linli.calendar"


def test_a_new_feed_has_a_long_random_token_stored_only_as_its_hash(world):
    feed = world.new_feed("desk", scope="resource", resource_id=world.ids["library"])
    token = path_of(feed["url"]).removeprefix("/feeds/").removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes, base64url
    # the request's own scheme: the test client speaks plain HTTP, so no https:// that would not answer
    assert feed["url"].startswith("http://") and feed["webcal_url"] == "webcal://" + feed["url"][7:]
    assert len(feed["url"]) < 256 and len(feed["webcal_url"]) < 256
    with world.app.app_context():
        stored = db.session.get(CalendarFeed, feed["id"])
        assert token not in stored.token_hash and len(stored.token_hash) == 64
    other = world.new_feed("desk", scope="resource", resource_id=world.ids["library"])
    assert other["url"] != feed["url"]


def test_a_base_url_setting_makes_the_public_address(tmp_path):
    world = build_world(database_url("sqlite", tmp_path), FEED_BASE_URL="https://linli.example.org/")
    feed = world.new_feed("desk", scope="public")
    assert feed["url"].startswith("https://linli.example.org/feeds/")
    assert feed["webcal_url"].startswith("webcal://linli.example.org/feeds/")


@pytest.mark.parametrize("login, body, status", [
    ("parent", {"scope": "resource", "resource_id": "library"}, 403),
    ("xinqing", {"scope": "resource", "resource_id": "rehab"}, 403),
    ("xinqing", {"scope": "resource", "resource_id": "counselling"}, 201),
    ("yikang", {"scope": "operator"}, 201),
    ("yikang", {"scope": "operator", "organisation": "心晴心理咨询工作室"}, 201),  # ignored: its own organisation
    ("parent", {"scope": "resident"}, 201),
    ("parent", {"scope": "resident", "resident_id": "child"}, 201),
    ("parent", {"scope": "resident", "resident_id": "elder"}, 403),
    ("parent", {"scope": "operator"}, 422),
    ("desk", {"scope": "operator", "organisation": "心晴心理咨询工作室"}, 201),
    ("desk", {"scope": "resident", "resident_id": "elder"}, 201),
    ("elder", {"scope": "public"}, 201),
    ("xinqing", {"scope": "room"}, 422),
    ("desk", {"scope": "resource"}, 422),
])
def test_who_may_create_which_feed(world, login, body, status):
    body = {k: (world.ids[v] if k.endswith("_id") else v) for k, v in body.items()}
    answer = world.client.post("/api/v1/feeds", json=body, headers=world.headers(login))
    assert answer.status_code == status, answer.get_json()
    if status == 201 and body.get("organisation") and login == "yikang":
        assert answer.get_json()["organisation"] == "颐康养老服务中心"
    if status == 422:
        assert answer.get_json()["error"]["field"] in ("scope", "organisation", "resource_id")


def test_creating_a_feed_needs_a_login(world):
    assert world.client.post("/api/v1/feeds", json={"scope": "public"}).status_code == 401


def test_a_revoked_feed_answers_404_at_once_even_when_cached(tmp_path):
    world = build_world(database_url("sqlite", tmp_path), FEED_CACHE_SECONDS=600)
    feed = world.new_feed("xinqing", scope="resource", resource_id=world.ids["counselling"])
    etag = fetch(world, feed).headers["ETag"]
    assert fetch(world, feed, **{"If-None-Match": etag}).status_code == 304
    assert world.client.delete(f"/api/v1/feeds/{feed['id']}", headers=world.headers("xinqing")).status_code == 204
    gone = fetch(world, feed)
    assert gone.status_code == 404 and b"BEGIN:VCALENDAR" not in gone.data
    assert fetch(world, feed, **{"If-None-Match": etag}).status_code == 404
    assert world.client.delete(f"/api/v1/feeds/{feed['id']}", headers=world.headers("xinqing")).status_code == 404


def test_only_the_owner_or_an_admin_may_revoke_a_feed(world):
    feed = world.new_feed("parent", scope="resident")
    assert world.client.delete(f"/api/v1/feeds/{feed['id']}", headers=world.headers("elder")).status_code == 404
    assert world.client.delete(f"/api/v1/feeds/{feed['id']}", headers=world.headers("desk")).status_code == 404
    assert world.client.delete(f"/api/v1/feeds/{feed['id']}", headers=world.headers("admin")).status_code == 204


def test_an_unknown_token_is_404(world):
    assert world.client.get("/feeds/" + "A" * 43 + ".ics").status_code == 404


def test_feed_headers_and_an_unchanged_feed_answers_304(world):
    feed = world.new_feed("xinqing", scope="resource", resource_id=world.ids["counselling"])
    first = fetch(world, feed)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert first.headers["Cache-Control"].startswith("private")
    assert first.headers["Referrer-Policy"] == "no-referrer"
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = fetch(world, feed, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert fetch(world, feed, **{"If-None-Match": '"something-else"'}).status_code == 200
    assert fetch(world, feed).data == first.data  # deterministic bytes


def test_a_cancelled_occurrence_changes_the_etag_and_shows_cancelled_with_a_higher_sequence(world):
    feed = world.new_feed("desk", scope="resource", resource_id=world.ids["counselling"])
    before = fetch(world, feed)
    third = world.ids["series"][2]
    old = events_of(before.data)[uid(third)]
    assert old["STATUS"] == "CONFIRMED"
    cancel = world.client.post(f"/api/v1/bookings/{third}/cancel", json={}, headers=world.headers("desk"))
    assert cancel.status_code == 200
    after = fetch(world, feed, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    new = events_of(after.data)[uid(third)]
    assert new["STATUS"] == "CANCELLED" and new["SEQUENCE"] > old["SEQUENCE"]
    assert new["DTSTAMP"].dt == new["LAST-MODIFIED"].dt == NOW  # the cancellation's time, from the record


def test_requests_beyond_the_limit_per_token_get_429(tmp_path):
    world = build_world(database_url("sqlite", tmp_path), FEED_RATE_LIMIT=3, FEED_CACHE_SECONDS=600)
    feed = world.new_feed("desk", scope="public")
    other = world.new_feed("desk", scope="public")
    assert [fetch(world, feed).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = fetch(world, feed)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert fetch(world, other).status_code == 200  # counted per token
    etag = fetch(world, other).headers["ETag"]
    assert fetch(world, other, **{"If-None-Match": etag}).status_code == 304  # polls count too
    assert fetch(world, other, **{"If-None-Match": etag}).status_code == 429


def test_feeds_of_operators_redact_sensitive_spaces_in_the_bytes(world):
    room = fetch(world, world.new_feed("xinqing", scope="resource", resource_id=world.ids["counselling"]))
    events = events_of(room.data).values()
    assert len(events) == 5 and all(e["SUMMARY"] in ("已预约 / Booked", "已取消 / Cancelled · 已预约 / Booked")
                                    and "DESCRIPTION" not in e for e in events)
    # calcurse and ical2html ignore STATUS: a cancelled redacted session must say so in its title
    assert all(e["SUMMARY"].startswith("已取消") == (e["STATUS"] == "CANCELLED") for e in events)
    for secret in [*world.names, *world.phones, "独居", "身体不适"]:
        assert secret not in room.data.decode(), f"{secret} leaked into the counselling room's feed"
    # The elderly-care operator runs a sensitive rehab room and a plain activity area.
    operator = fetch(world, world.new_feed("yikang", scope="operator"))
    rehab = [e for e in events_of(operator.data).values() if "康复" in e["LOCATION"]]
    assert len(rehab) == 2 and all(e["SUMMARY"] == "已预约 / Booked" for e in rehab)
    for secret in ("周丽娟", "13800000001"):  # she only uses the rehab room
        assert secret not in operator.data.decode()


def test_an_operator_sees_names_in_its_other_spaces(world):
    events = events_of(fetch(world, world.new_feed("yikang", scope="operator")).data)
    station = events[uid(world.ids["station_elder"])]
    assert "王桂兰" in station["SUMMARY"] and "13900000002" not in station.to_ical().decode()  # never a phone


def test_staff_feeds_redact_sensitive_spaces_too_and_only_the_resident_sees_them_in_full(world):
    """A subscribed feed is copied into a cloud calendar: staff see the details in the app."""
    answer = fetch(world, world.new_feed("desk", scope="resource", resource_id=world.ids["counselling"]))
    staff = events_of(answer.data)
    assert staff[uid(world.ids["series"][0])]["SUMMARY"] == "已预约 / Booked"
    for secret in [*world.names, *world.phones]:
        assert secret not in answer.data.decode()
    operator = events_of(fetch(world, world.new_feed("desk", scope="operator", organisation="颐康养老服务中心")).data)
    assert operator[uid(world.ids["rehab_elder"])]["SUMMARY"] == "已预约 / Booked"
    own = events_of(fetch(world, world.new_feed("elder", scope="resident")).data)
    assert own[uid(world.ids["series"][0])]["SUMMARY"].startswith("心理咨询室")


def test_a_guardians_feed_shows_the_wards_bookings_but_redacts_their_sensitive_ones(world):
    answer = fetch(world, world.new_feed("parent", scope="resident"))
    events = events_of(answer.data)
    assert set(events) == {uid(world.ids[k]) for k in ("rehab_parent", "library_child", "counselling_child")}
    assert events[uid(world.ids["rehab_parent"])]["SUMMARY"].startswith("康复理疗室")
    assert "陈一诺" in events[uid(world.ids["library_child"])]["SUMMARY"]
    assert events[uid(world.ids["counselling_child"])]["SUMMARY"] == "已预约 / Booked"
    assert "王桂兰" not in answer.data.decode() and "李明远" not in answer.data.decode()


def test_a_feed_follows_its_owner_losing_access(world):
    feed = world.new_feed("xinqing", scope="resource", resource_id=world.ids["counselling"])
    assert fetch(world, feed).status_code == 200
    with world.app.app_context():
        db.session.get(User, world.ids["user_xinqing"]).organisation = "别的机构"
        db.session.commit()
    assert fetch(world, feed).status_code == 404


def test_the_window_and_the_seven_days_of_cancelled_bookings(world):
    events = events_of(fetch(world, world.new_feed("desk", scope="operator", organisation="颐康养老服务中心")).data)
    assert uid(world.ids["past"]) in events  # 12 days back
    library = events_of(fetch(world, world.new_feed("desk", scope="resource", resource_id=world.ids["library"])).data)
    assert uid(world.ids["gone"]) not in library  # cancelled ten days ago
    assert uid(world.ids["far"]) not in library  # 200 days ahead
    assert uid(world.ids["library_child"]) in library
    counselling = events_of(fetch(world, world.new_feed("desk", scope="resource",
                                                        resource_id=world.ids["counselling"])).data)
    assert counselling[uid(world.ids["series"][1])]["STATUS"] == "CANCELLED"  # cancelled today: kept


def test_a_cancelled_booking_drops_out_after_seven_days(world):
    feed = world.new_feed("desk", scope="resource", resource_id=world.ids["counselling"])
    world.app.config["FIXED_NOW"] = NOW + __import__("datetime").timedelta(days=7)
    assert uid(world.ids["series"][1]) in events_of(fetch(world, feed).data)
    world.app.config["FIXED_NOW"] = NOW + __import__("datetime").timedelta(days=8)
    assert uid(world.ids["series"][1]) not in events_of(fetch(world, feed).data)


def test_the_public_feed_has_opening_hours_and_no_personal_data(world):
    answer = fetch(world, world.new_feed("elder", scope="public"))
    text = answer.data.decode()
    events = list(events_of(answer.data).values())
    assert "开放时间" in str(icalendar.Calendar.from_ical(answer.data)["X-WR-CALDESC"])
    assert not any("开放 " in e["SUMMARY"] for e in events)  # no daily busy "open" blocks
    assert all(e["CLASS"] == "PUBLIC" for e in events)
    assert not any(str(e["UID"]).startswith("booking-") for e in events)
    for secret in [*world.names, *world.phones]:
        assert secret not in text


def test_the_public_feed_marks_national_holidays(world):
    world.app.config["FIXED_NOW"] = NOW.replace(year=2027, month=9, day=1)
    events = events_of(fetch(world, world.new_feed("desk", scope="public")).data).values()
    holidays = [e for e in events if "Closed for the public holiday" in e["SUMMARY"]]
    assert any(e["DTSTART"].dt.isoformat() == "2027-10-01" for e in holidays)


def test_listing_feeds_shows_ones_own_without_urls(world):
    world.new_feed("parent", scope="resident")
    world.new_feed("desk", scope="public")
    mine = world.client.get("/api/v1/feeds", headers=world.headers("parent")).get_json()
    assert [f["scope"] for f in mine] == ["resident"] and "url" not in mine[0]
    assert len(world.client.get("/api/v1/feeds", headers=world.headers("admin")).get_json()) == 2


def test_a_booking_downloads_as_ics_only_for_those_who_may_see_it(world):
    booking_id = world.ids["library_child"]
    own = world.client.get(f"/bookings/{booking_id}.ics", headers=world.headers("parent"))
    assert own.status_code == 200 and own.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in own.headers["Content-Disposition"]
    assert events_of(own.data)[uid(booking_id)].walk("VALARM")
    assert world.client.get(f"/bookings/{booking_id}.ics", headers=world.headers("elder")).status_code == 404
    assert world.client.get(f"/bookings/{booking_id}.ics", headers=world.headers("xinqing")).status_code == 404
    assert world.client.get(f"/bookings/{booking_id}.ics").status_code == 401


def test_the_add_to_calendar_download_has_the_same_uid_as_in_the_residents_feed(world):
    feed_events = events_of(fetch(world, world.new_feed("elder", scope="resident")).data)
    browser = world.app.test_client()
    assert login(browser, "13900000002", "password-1").status_code == 302
    link = re.search(r'href="([^"]+\.ics)"', browser.get("/my").get_data(as_text=True)).group(1)
    [(download_uid, event)] = events_of(browser.get(link).data).items()
    assert download_uid in feed_events, "the download would show as a second event next to the feed's"
    assert feed_events[download_uid]["DTSTART"].dt == event["DTSTART"].dt


def test_a_cancelled_booking_is_not_offered_as_a_download(world):
    cancelled = world.ids["series"][1]
    answer = world.client.get(f"/bookings/{cancelled}.ics", headers=world.headers("elder"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "BEGIN:VCALENDAR" not in page
    assert "这个预约已取消，不能再加入日历" in page


def test_feeds_work_on_postgresql_too(any_db_url):
    world = build_world(any_db_url)
    feed = world.new_feed("xinqing", scope="resource", resource_id=world.ids["counselling"])
    answer = fetch(world, feed)
    assert answer.status_code == 200
    with world.app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(Booking).where(
            Booking.resource_id == world.ids["counselling"]))
    assert len(events_of(answer.data)) == count
    assert fetch(world, feed, **{"If-None-Match": answer.headers["ETag"]}).status_code == 304
