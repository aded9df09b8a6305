"""The waitlist over HTTP (API and the resident's page) and the admin-only outbox."""
from datetime import timedelta

import pytest

from models import Resource, db
from services.routines import jobs
from tests.api_setup import build
from tests.scheduler_world import SETTINGS
from tests.web_login import login, post_form
from tests.world import NOW, database_url

SLOT = {"start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}


@pytest.fixture
def centre(tmp_path):
    world = build(database_url("sqlite", tmp_path))
    yield world
    with world.app.app_context():
        db.engine.dispose()


def fill_room(centre) -> int:
    """The desk books the counselling room for the elder; returns that booking's id."""
    made = centre.post("/bookings", {"resource_id": centre.ids["room"], "resident_id": centre.ids["elder"], **SLOT})
    assert made.status_code == 201, made.json
    return made.json["id"]


def join(centre, role="resident", resident="parent"):
    return centre.post("/waitlist", {"resource_id": centre.ids["room"], "resident_id": centre.ids[resident], **SLOT},
                       role=role)


def test_joining_a_full_slot_waits_and_a_free_one_is_offered_at_once(centre):
    taken = fill_room(centre)
    waiting = join(centre)
    assert waiting.status_code == 201 and waiting.json["status"] == "waiting"
    assert centre.post(f"/bookings/{taken}/cancel").status_code == 200
    second = join(centre, role="staff", resident="child")
    assert second.json["status"] == "waiting"  # still behind the parent in line
    with centre.app.app_context():
        jobs.run_all(db.session, NOW, SETTINGS)
    mine = centre.get("/waitlist", role="resident").json
    assert [(e["resident_id"], e["status"]) for e in mine] == [(centre.ids["parent"], "offered"),
                                                                (centre.ids["child"], "waiting")]
    assert mine[0]["hold_until"].endswith("+08:00")


def test_accept_over_the_api_books_the_held_seat(centre):
    taken = fill_room(centre)
    entry = join(centre).json["id"]
    centre.post(f"/bookings/{taken}/cancel")
    with centre.app.app_context():
        jobs.run_all(db.session, NOW, SETTINGS)
    accepted = centre.post(f"/waitlist/{entry}/accept", role="resident")
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "booked" and accepted.json["booking"]["status"] == "confirmed"
    again = centre.post(f"/waitlist/{entry}/accept", role="resident")
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"


def test_decline_and_someone_elses_entry(centre):
    fill_room(centre)
    entry = join(centre, role="staff", resident="elder")
    assert entry.status_code == 409  # the elder already holds that booking
    mine = join(centre).json["id"]
    assert centre.post(f"/waitlist/{mine}/decline", role="operator").status_code == 404
    declined = centre.post(f"/waitlist/{mine}/decline", role="resident")
    assert declined.status_code == 200 and declined.json["status"] == "declined"


def test_waitlist_refuses_a_resident_acting_for_a_stranger(centre):
    fill_room(centre)
    answer = join(centre, role="resident", resident="elder")
    assert answer.status_code == 403


def test_outbox_is_for_admins_and_filters_by_booking(centre):
    taken = fill_room(centre)
    with centre.app.app_context():
        jobs.run_all(db.session, NOW + timedelta(hours=10), SETTINGS)  # 18:00 the evening before
    assert centre.get("/outbox", role="staff").status_code == 403
    assert centre.get("/outbox", role="resident").status_code == 403
    listed = centre.get(f"/outbox?booking_id={taken}", role="admin")
    assert listed.status_code == 200
    [message] = listed.json
    assert {"id", "kind", "channel", "resident_id", "booking_id", "status", "created_at"} <= set(message)
    assert message["kind"] == "reminder_day_before" and message["status"] == "sent"
    assert message["attempts"][0]["succeeded"] is True
    assert centre.get("/outbox?booking_id=abc", role="admin").status_code == 400


def test_resident_accepts_an_offer_on_the_web_page(centre):
    taken = fill_room(centre)
    entry = join(centre).json["id"]
    centre.post(f"/bookings/{taken}/cancel")
    with centre.app.app_context():
        jobs.run_all(db.session, NOW, SETTINGS)
    client = centre.client
    login(client, "13800000001", "password-1")
    page = client.get("/my/waitlist").get_data(as_text=True)
    assert "已为您保留到" in page and f"/my/waitlist/{entry}/accept" in page
    answer = post_form(client, f"/my/waitlist/{entry}/accept", token_from="/my/waitlist")
    assert answer.status_code == 302
    assert centre.get("/waitlist", role="resident").json[0]["status"] == "booked"


def test_resident_joins_from_the_web_form(centre):
    fill_room(centre)
    client = centre.client
    login(client, "13800000001", "password-1")
    answer = post_form(client, "/my/waitlist", {"resource_id": centre.ids["room"], "start": SLOT["start"]},
                       token_from="/my/waitlist")
    assert answer.status_code == 302
    assert [e["status"] for e in centre.get("/waitlist", role="resident").json] == ["waiting"]


def hour(h: int) -> dict:
    return {"start": f"2026-11-24T{h:02d}:00", "end": f"2026-11-24T{h + 1:02d}:00"}


def test_a_free_slot_nobody_waits_for_is_booked_not_queued_for(centre):
    answer = join(centre)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "invalid_state"


def test_one_resident_cannot_queue_for_more_than_five_slots_at_once(centre):
    room, elder, parent = centre.ids["room"], centre.ids["elder"], centre.ids["parent"]
    answers = []
    for h in range(9, 16):
        assert centre.post("/bookings", {"resource_id": room, "resident_id": elder, **hour(h)}).status_code == 201
        answers.append(centre.post("/waitlist", {"resource_id": room, "resident_id": parent, **hour(h)},
                                   role="resident"))
    assert [a.status_code for a in answers] == [201] * 5 + [409, 409]
    assert answers[-1].json["error"]["code"] == "quota"


def test_seats_held_by_offers_count_towards_the_weekly_quota(centre):
    with centre.app.app_context():
        db.session.get(Resource, centre.ids["room"]).weekly_quota = 1
        db.session.commit()
    taken = fill_room(centre)
    join(centre)
    centre.post(f"/bookings/{taken}/cancel")
    with centre.app.app_context():
        jobs.run_all(db.session, NOW, SETTINGS)  # the parent now holds an offer for 10:00
    other = centre.post("/bookings", {"resource_id": centre.ids["room"], "resident_id": centre.ids["parent"],
                                      **hour(14)}, role="resident")
    assert other.status_code == 409 and other.json["error"]["code"] == "quota"
