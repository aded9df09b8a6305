"""Every kind of feed read by parsers nobody here wrote: icalendar, recurring-ical-events and Mozilla's
ical.js (Thunderbird's parser, run by Node). What each of them sees must match the database."""
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select

from models import Booking, Resident, Resource, db
from tests.feed_world import build_world
from tests.world import NOW, TZ, database_url

JS_DIR = Path(__file__).parent / "js"
FEEDS = {
    "resource": ("xinqing", lambda ids: {"scope": "resource", "resource_id": ids["counselling"]}),
    "operator": ("yikang", lambda ids: {"scope": "operator"}),
    "resident": ("parent", lambda ids: {"scope": "resident"}),
    "staff_resident": ("desk", lambda ids: {"scope": "resident", "resident_id": ids["elder"]}),
    "staff_resource": ("desk", lambda ids: {"scope": "resource", "resource_id": ids["library"]}),
    "public": ("elder", lambda ids: {"scope": "public"}),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(database_url("sqlite", tmp_path_factory.mktemp("parsers")))


@pytest.fixture(scope="module")
def feed_files(world, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("feeds")
    files = {}
    for kind, (login, body) in FEEDS.items():
        feed = world.new_feed(login, **body(world.ids))
        answer = world.client.get(urlsplit(feed["url"]).path)
        assert answer.status_code == 200
        files[kind] = folder / f"{kind}.ics"
        files[kind].write_bytes(answer.data)
    download = world.client.get(f"/bookings/{world.ids['library_child']}.ics", headers=world.headers("parent"))
    files["download"] = folder / "download.ics"
    files["download"].write_bytes(download.data)
    return files


def window() -> tuple[datetime, datetime, datetime]:
    midnight = datetime.combine(NOW.astimezone(TZ).date(), time(0), TZ)
    return midnight - timedelta(days=30), midnight + timedelta(days=181), midnight - timedelta(days=7)


def expected_rows(world, kind: str) -> dict[str, tuple]:
    """The bookings each feed must carry, straight from the tables: uid -> (start, end, status, sequence)."""
    start, end, cancelled_since = window()
    with world.app.app_context():
        stmt = select(Booking).join(Resource, Booking.resource_id == Resource.id).where(
            Booking.starts_at < end, Booking.ends_at > start)
        ids = world.ids
        stmt = {
            "resource": stmt.where(Booking.resource_id == ids["counselling"]),
            "operator": stmt.where(Resource.operator == "颐康养老服务中心"),
            "resident": stmt.where(Booking.resident_id.in_([ids["parent"], ids["child"]])),
            "staff_resident": stmt.where(Booking.resident_id == ids["elder"]),
            "staff_resource": stmt.where(Booking.resource_id == ids["library"]),
        }[kind]
        rows = [b for b in db.session.scalars(stmt) if b.status != "cancelled" or b.updated_at >= cancelled_since]
        return {f"booking-{b.id}@linli.calendar": (b.starts_at, b.ends_at,
                                                   "CANCELLED" if b.status == "cancelled" else "CONFIRMED", b.sequence)
                for b in rows}


def occurrences(path: Path) -> dict[str, tuple]:
    start, end, _ = window()
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    found = {}
    for event in recurring_ical_events.of(calendar).between(start, end):
        key = str(event["UID"])
        assert key not in found, "each booking is one occurrence of its own"
        found[key] = (event["DTSTART"].dt, event["DTEND"].dt, str(event["STATUS"]), int(event["SEQUENCE"]))
    return found


@pytest.mark.parametrize("kind", [k for k in FEEDS if k != "public"])
def test_recurring_ical_events_sees_exactly_the_bookings_in_the_database(world, feed_files, kind):
    expected = expected_rows(world, kind)
    assert expected, "the world has bookings for every feed"
    assert occurrences(feed_files[kind]) == expected


def test_a_cancelled_weekly_occurrence_is_cancelled_in_the_expansion_and_its_siblings_are_not(world, feed_files):
    seen = occurrences(feed_files["resource"])
    series = [f"booking-{i}@linli.calendar" for i in world.ids["series"]]
    assert [seen[u][2] for u in series] == ["CONFIRMED", "CANCELLED", "CONFIRMED", "CONFIRMED"]
    assert seen[series[1]][3] > seen[series[0]][3]


def test_icalendar_validates_every_feed(feed_files):
    for path in feed_files.values():
        icalendar.Calendar.from_ical(path.read_bytes()).validate()


def test_the_public_feed_gives_opening_hours_in_its_description_not_as_busy_blocks(world, feed_files):
    """199 opaque 08:00-20:00 blocks cluttered every calendar and contradicted that day's closures."""
    seen = occurrences(feed_files["public"])
    assert not [k for k in seen if k.startswith("open-")]
    calendar = icalendar.Calendar.from_ical(feed_files["public"].read_bytes())
    assert "08:00–20:00" in str(calendar["X-WR-CALDESC"]) and "周一" in str(calendar["DESCRIPTION"])


def run_ical_js(paths: list[Path]) -> list[dict]:
    node = shutil.which("node")
    installed = (JS_DIR / "node_modules" / "ical.js").is_dir()
    if node is None or not installed:
        reason = "node is not installed" if node is None else "ical.js is not installed: npm install --prefix tests/js"
        if os.environ.get("REQUIRE_POSTGRES"):  # CI: every parser must run
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run([node, str(JS_DIR / "parse_ics.mjs"), *map(str, paths)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_ical_js_sees_the_same_events_as_the_database(world, feed_files):
    kinds = [k for k in FEEDS if k != "public"]
    for kind, calendar in zip(kinds, run_ical_js([feed_files[k] for k in kinds]), strict=True):
        seen = {e["uid"]: (_instant(e["start"]), _instant(e["end"]), e["status"], e["sequence"])
                for e in calendar["events"]}
        assert seen == expected_rows(world, kind), kind
        assert calendar["refresh"] == "PT1H" and calendar["method"] is None
        assert all(e["startZone"] == "Asia/Shanghai" for e in calendar["events"])


def test_ical_js_reads_redacted_events_without_names(world, feed_files):
    [calendar] = run_ical_js([feed_files["resource"]])
    assert {e["summary"] for e in calendar["events"]} == {"已预约 / Booked", "已取消 / Cancelled · 已预约 / Booked"}
    with world.app.app_context():
        names = set(db.session.scalars(select(Resident.name)))
    assert not any(name in json.dumps(calendar, ensure_ascii=False) for name in names)


def test_ical_js_reads_the_public_feed_and_a_download_with_its_reminder(feed_files):
    public, download = run_ical_js([feed_files["public"], feed_files["download"]])
    assert public["events"] and all(e["summary"] for e in public["events"])
    [event] = download["events"]
    assert download["method"] is None and event["alarmTrigger"] == "-PT1H"
    assert "绘本馆" in event["summary"] and "3楼" in event["location"]
