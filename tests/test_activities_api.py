"""The Activities API of CONTRACT.md, with the booking API's error shape."""
from datetime import timedelta

import pytest

from tests.api_setup import build
from tests.world import NOW, TZ

SATURDAY_10 = (NOW + timedelta(days=5)).astimezone(TZ).replace(hour=10)


@pytest.fixture
def centre(any_db_url):
    return build(any_db_url)


def storytime(centre, **fields):
    body = {"title": "绘本故事会", "title_en": "Storytime", "kind": "storytime", "seats": 2, "mode": "session",
            "groups": ["child"], "min_age": 3, "max_age": 6, "resource_id": centre.ids["library"],
            "start": SATURDAY_10.isoformat(), "end": (SATURDAY_10 + timedelta(hours=1)).isoformat(), **fields}
    return centre.post("/activities", body)


def test_staff_place_an_activity_and_everyone_sees_it_with_its_numbers(centre):
    made = storytime(centre, rrule="FREQ=WEEKLY;COUNT=2")
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["mode"] == "session" and len(body["sessions"]) == 2
    assert body["sessions"][0]["start"].endswith("+08:00") and body["sessions"][0]["remaining"] == 2
    listed = centre.get("/activities?group=child", role="resident").get_json()
    assert [a["id"] for a in listed] == [body["id"]]
    assert set(listed[0]) >= {"id", "title", "title_en", "kind", "operator", "groups", "min_age", "max_age", "seats",
                              "mode", "registration_opens_at", "sessions"}
    assert set(listed[0]["sessions"][0]) >= {"id", "resource_id", "start", "end", "seats", "enrolled", "remaining",
                                             "status"}
    assert centre.get("/activities?group=elderly", role="resident").get_json() == []


def test_placing_over_a_counselling_booking_is_a_409_with_the_rule_and_the_occurrence(centre):
    start = SATURDAY_10
    booked = centre.post("/bookings", {"resource_id": centre.ids["room"], "resident_id": centre.ids["elder"],
                                       "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
    assert booked.status_code == 201
    refused = centre.post("/activities", {"title": "减压小组", "kind": "group", "seats": 1,
                                          "resource_id": centre.ids["room"], "start": start.isoformat(),
                                          "end": (start + timedelta(hours=1)).isoformat()}, role="operator")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "conflict" and error["occurrence"] == start.isoformat() and "alternatives" in error


def test_an_operator_may_not_place_in_a_space_it_does_not_run(centre):
    assert storytime(centre).status_code == 201
    answer = centre.post("/activities", {"title": "x", "kind": "k", "seats": 1, "resource_id": centre.ids["library"],
                                         "start": SATURDAY_10.isoformat(),
                                         "end": (SATURDAY_10 + timedelta(hours=1)).isoformat()}, role="operator")
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("field, value", [("seats", 0), ("seats", "ten"), ("mode", "drop-in"), ("groups", ["kids"]),
                                          ("start", "tomorrow"), ("min_age", -1)])
def test_bad_activity_input_names_the_field(centre, field, value):
    answer = storytime(centre, **{field: value})
    assert answer.status_code in (400, 422) and answer.get_json()["error"]["field"] == field


def test_a_parent_enrols_their_child_then_the_third_waitlists_and_is_offered_when_one_leaves(centre):
    sid = storytime(centre).get_json()["sessions"][0]["id"]
    mine = centre.post("/enrolments", {"session_id": sid, "resident_id": centre.ids["child"]}, role="resident")
    assert mine.status_code == 201 and mine.get_json()["status"] == "enrolled"
    assert mine.get_json()["session_ids"] == [sid]
    import datetime as dt
    others = [centre.post("/residents", {"name": f"孩子{n}", "birth_date": dt.date(2022, 1, 1).isoformat()})
              .get_json()["id"] for n in range(2)]
    assert centre.post("/enrolments", {"session_id": sid, "resident_id": others[0]}).status_code == 201
    full = centre.post("/enrolments", {"session_id": sid, "resident_id": others[1]})
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "capacity"
    queued = centre.post("/enrolments", {"session_id": sid, "resident_id": others[1], "waitlist": True})
    assert queued.status_code == 201 and queued.get_json()["status"] == "waitlisted"
    left = centre.post(f"/enrolments/{mine.get_json()['id']}/cancel", role="resident")
    assert left.status_code == 200 and left.get_json()["status"] == "cancelled"
    listed = centre.get(f"/enrolments?session_id={sid}").get_json()
    assert {e["resident_id"]: e["status"] for e in listed}[others[1]] == "offered"


def test_an_adult_is_refused_storytime_with_not_eligible(centre):
    sid = storytime(centre).get_json()["sessions"][0]["id"]
    answer = centre.post("/enrolments", {"session_id": sid, "resident_id": centre.ids["parent"]}, role="resident")
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "not_eligible"


def test_a_refusal_is_worded_in_the_readers_language(centre):
    sid = storytime(centre).get_json()["sessions"][0]["id"]
    answer = centre.client.post("/api/v1/enrolments", json={"session_id": sid, "resident_id": centre.ids["parent"]},
                                headers={**centre.headers("resident"), "Accept-Language": "en"})
    assert answer.get_json()["error"]["message"] == "This activity is not open to this resident"


def test_registration_not_yet_open_is_not_open(centre):
    sid = storytime(centre, registration_opens_at=(NOW + timedelta(hours=1)).isoformat()).get_json()
    answer = centre.post("/enrolments", {"session_id": sid["sessions"][0]["id"], "resident_id": centre.ids["child"]},
                         role="resident")
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "not_open"


def test_a_resident_sees_only_their_households_enrolments(centre):
    sid = storytime(centre).get_json()["sessions"][0]["id"]
    centre.post("/enrolments", {"session_id": sid, "resident_id": centre.ids["child"]}, role="resident")
    assert len(centre.get("/enrolments", role="resident").get_json()) == 1
    assert centre.get(f"/enrolments?resident_id={centre.ids['elder']}", role="resident").get_json() == []
    foreign = centre.post("/enrolments", {"session_id": sid, "resident_id": centre.ids["elder"]}, role="resident")
    assert foreign.status_code == 403


def test_attendance_is_taken_by_the_desk_and_absences_are_kept(centre):
    sid = storytime(centre).get_json()["sessions"][0]["id"]
    centre.post("/enrolments", {"session_id": sid, "resident_id": centre.ids["child"]}, role="resident")
    early = centre.post(f"/sessions/{sid}/attendance", {"resident_id": centre.ids["child"], "present": True})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "invalid_state"
    centre.app.config["FIXED_NOW"] = SATURDAY_10 + timedelta(minutes=5)
    absent = centre.post(f"/sessions/{sid}/attendance", {"resident_id": centre.ids["child"], "present": False})
    assert absent.status_code == 200 and absent.get_json()["present"] is False
    stranger = centre.post(f"/sessions/{sid}/attendance", {"resident_id": centre.ids["elder"], "present": True})
    assert stranger.status_code == 409
    bad = centre.post(f"/sessions/{sid}/attendance", {"resident_id": centre.ids["child"], "present": "yes"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "present"
    assert centre.post(f"/sessions/{sid}/attendance", {"resident_id": centre.ids["child"], "present": True},
                       role="resident").status_code == 403


def test_cancelling_a_session_tells_each_enrolee_once_and_frees_the_space(centre):
    made = storytime(centre, seats=10).get_json()
    sid = made["sessions"][0]["id"]
    centre.post("/enrolments", {"session_id": sid, "resident_id": centre.ids["child"]}, role="resident")
    path = f"/activities/{made['id']}/sessions/{sid}/cancel"
    assert centre.post(path, {}).get_json()["error"]["field"] == "reason"
    cancelled = centre.post(path, {"reason": "老师生病"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert centre.post(path, {"reason": "again"}).status_code == 409
    outbox = centre.get("/outbox", role="admin").get_json()
    assert [m["kind"] for m in outbox].count("session_cancelled") == 1
    day = SATURDAY_10.date().isoformat()
    slots = centre.get(f"/resources/{centre.ids['library']}/availability?date={day}").get_json()["slots"]
    assert next(s for s in slots if s["start"] == SATURDAY_10.isoformat())["remaining"] == 10


def test_moving_a_session_over_a_booking_is_refused_with_the_rule(centre):
    made = storytime(centre, resource_id=centre.ids["room"], groups=[], min_age=None, max_age=None, seats=1)
    assert made.status_code == 201
    body = made.get_json()
    later = SATURDAY_10 + timedelta(hours=3)
    centre.post("/bookings", {"resource_id": centre.ids["room"], "resident_id": centre.ids["elder"],
                              "start": later.isoformat(), "end": (later + timedelta(hours=1)).isoformat()})
    path = f"/activities/{body['id']}/sessions/{body['sessions'][0]['id']}/move"
    refused = centre.post(path, {"start": later.isoformat(), "end": (later + timedelta(hours=1)).isoformat()})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "conflict"
    moved = centre.post(path, {"start": (later + timedelta(hours=1)).isoformat(),
                               "end": (later + timedelta(hours=2)).isoformat()})
    assert moved.status_code == 200 and moved.get_json()["start"] == (later + timedelta(hours=1)).isoformat()


def test_skip_conflicts_places_the_rest_and_lists_the_skipped_occurrence(centre):
    week_two = SATURDAY_10 + timedelta(days=7)
    centre.post("/bookings", {"resource_id": centre.ids["room"], "resident_id": centre.ids["elder"],
                              "start": week_two.isoformat(), "end": (week_two + timedelta(hours=1)).isoformat()})
    made = storytime(centre, resource_id=centre.ids["room"], groups=[], min_age=None, max_age=None, seats=1,
                     rrule="FREQ=WEEKLY;COUNT=3", skip_conflicts=True)
    assert made.status_code == 201
    body = made.get_json()
    assert len(body["sessions"]) == 2
    assert body["skipped"] == [{"start": week_two.isoformat(), "code": "conflict", "message": body["skipped"][0]
                                ["message"]}]


def test_a_sessions_hold_is_listed_to_staff_as_a_resident_less_booking_but_cannot_be_changed(centre):
    storytime(centre)
    holds = [b for b in centre.get("/bookings").get_json() if b["resident_id"] is None]
    assert len(holds) == 1 and holds[0]["party_size"] == 2 and holds[0]["note"] == "活动：绘本故事会"
    assert centre.get("/bookings", role="resident").get_json() == []
    assert centre.post(f"/bookings/{holds[0]['id']}/cancel").status_code == 404
    assert centre.get(f"/bookings/{holds[0]['id']}").status_code == 404
