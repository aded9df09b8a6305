"""The public JSON API, end to end through Flask, on SQLite and PostgreSQL."""
import pytest

from models import AuditEntry, Booking, db
from tests.api_setup import build


@pytest.fixture
def centre(any_db_url):
    c = build(any_db_url)
    yield c
    with c.app.app_context():
        db.engine.dispose()


def booking_body(centre, **changes):
    body = {"resource_id": centre.ids["room"], "resident_id": centre.ids["parent"],
            "start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}
    body.update(changes)
    return body


def count_bookings(centre) -> int:
    with centre.app.app_context():
        return db.session.query(Booking).count()


def test_desk_books_the_counselling_room_and_a_second_try_gets_409_with_alternatives(centre):
    first = centre.post("/bookings", booking_body(centre))
    assert first.status_code == 201
    assert first.json["start"] == "2026-11-24T10:00:00+08:00" and first.json["status"] == "confirmed"
    second = centre.post("/bookings", booking_body(centre, resident_id=centre.ids["elder"]))
    assert second.status_code == 409
    error = second.json["error"]
    assert error["code"] == "conflict" and error["alternatives"]
    assert {"start", "end"} <= set(error["alternatives"][0])


def test_times_with_an_offset_are_honoured_and_answered_in_centre_time(centre):
    made = centre.post("/bookings", booking_body(centre, start="2026-11-24T02:00:00Z", end="2026-11-24T03:00:00Z"))
    assert made.json["start"] == "2026-11-24T10:00:00+08:00"


def test_resources_list_names_groups_and_operator(centre):
    spaces = {r["kind"]: r for r in centre.get("/resources").json}
    assert spaces["elderly_care"]["groups"] == ["elderly", "special"]
    assert spaces["elderly_care"]["operator"] == "颐康养老服务中心"
    assert spaces["picture_book_library"]["groups"] == [] and spaces["picture_book_library"]["operator"] is None
    assert [r["kind"] for r in centre.get("/resources?group=child").json] == ["counselling", "picture_book_library"]
    assert [r["kind"] for r in centre.get("/resources?kind=elderly_care").json] == ["elderly_care"]


def test_availability_lists_slots_with_remaining_seats(centre):
    centre.post("/bookings", booking_body(centre, resource_id=centre.ids["library"], party_size=4))
    slots = centre.get(f"/resources/{centre.ids['library']}/availability?date=2026-11-24").json["slots"]
    by_start = {s["start"]: s["remaining"] for s in slots}
    assert by_start["2026-11-24T10:00:00+08:00"] == 6 and by_start["2026-11-24T09:00:00+08:00"] == 10


def test_recurring_booking_answers_series_and_skipped(centre):
    made = centre.post("/bookings", booking_body(centre, rrule="FREQ=WEEKLY;COUNT=3", skip_conflicts=True))
    assert made.status_code == 201
    assert len(made.json["bookings"]) == 3 and made.json["skipped"] == []
    assert {b["series_id"] for b in made.json["bookings"]} == {made.json["series_id"]}


def test_lifecycle_endpoints_change_status(centre):
    made = centre.post("/bookings", booking_body(centre, start="2026-11-23T09:00", end="2026-11-23T10:00")).json
    assert centre.post(f"/bookings/{made['id']}/check-in").json["status"] == "checked_in"
    other = centre.post("/bookings", booking_body(centre, start="2026-11-23T08:00", end="2026-11-23T08:30")).json
    assert centre.post(f"/bookings/{other['id']}/no-show").json["status"] == "no_show"
    third = centre.post("/bookings", booking_body(centre)).json
    cancelled = centre.post(f"/bookings/{third['id']}/cancel", {"reason": "身体不适"})
    assert cancelled.json["status"] == "cancelled" and cancelled.json["cancel_reason"] == "身体不适"


def test_resident_sees_own_and_wards_bookings_only(centre):
    mine = centre.post("/bookings", booking_body(centre, resource_id=centre.ids["library"],
                                                 resident_id=centre.ids["child"]), role="resident")
    assert mine.status_code == 201 and mine.json["channel"] == "online"
    theirs = centre.post("/bookings", booking_body(centre, resident_id=centre.ids["elder"])).json
    listed = {b["id"] for b in centre.get("/bookings", role="resident").json}
    assert mine.json["id"] in listed and theirs["id"] not in listed
    assert centre.get(f"/bookings/{theirs['id']}", role="resident").status_code == 404
    refused = centre.post("/bookings", booking_body(centre, resident_id=centre.ids["elder"]), role="resident")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"


def test_operator_sees_the_spaces_it_runs_and_cannot_book(centre):
    ours = centre.post("/bookings", booking_body(centre)).json
    library = centre.post("/bookings", booking_body(centre, resource_id=centre.ids["library"])).json
    seen = {b["id"] for b in centre.get("/bookings", role="operator").json}
    assert ours["id"] in seen and library["id"] not in seen
    assert centre.post("/bookings", booking_body(centre, start="2026-11-24T14:00", end="2026-11-24T15:00"),
                       role="operator").status_code == 403
    assert centre.get("/residents", role="operator").status_code == 403


def test_staff_registers_and_finds_a_resident(centre):
    made = centre.post("/residents", {"name": "李建国", "birth_date": "1950-03-04", "phone": "13911112222",
                                      "lives_alone": True})
    assert made.status_code == 201 and made.json["groups"] == ["elderly", "special"]
    assert [r["name"] for r in centre.get("/residents?q=1391111").json] == ["李建国"]


def test_closure_refuses_bookings_and_an_operator_closes_only_its_own_space(centre):
    closed = centre.post("/closures", {"resource_id": centre.ids["room"], "start": "2026-11-24T09:00",
                                       "end": "2026-11-24T12:00", "reason": "督导培训"}, role="operator")
    assert closed.status_code == 201
    refused = centre.post("/bookings", booking_body(centre))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "closed"
    assert centre.post("/closures", {"resource_id": centre.ids["library"], "start": "2026-11-24T09:00",
                                     "end": "2026-11-24T12:00", "reason": "x"}, role="operator").status_code == 403
    whole = centre.post("/closures", {"resource_id": None, "start": "2026-11-25T00:00", "end": "2026-11-26T00:00",
                                      "reason": "红梅议事日"})
    assert whole.status_code == 201


def test_a_full_slot_can_be_joined_on_the_waitlist(centre):
    assert centre.post("/bookings", booking_body(centre, resident_id=centre.ids["elder"])).status_code == 201
    made = centre.post("/waitlist", booking_body(centre))
    assert made.status_code == 201 and made.json["status"] == "waiting"


def test_no_credentials_get_401_and_a_bad_token_too(centre):
    assert centre.client.get("/api/v1/resources").status_code == 401
    bad = centre.client.get("/api/v1/resources", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "unauthenticated"


def test_unknown_route_and_object_answer_404_json(centre):
    assert centre.get("/bookings/999999").json["error"]["code"] == "not_found"
    assert centre.get("/nothing-here").status_code == 404
    assert count_bookings(centre) == 0


def audit_trail(centre) -> list[tuple]:
    with centre.app.app_context():
        return [(e.action, e.object_type, e.object_id) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def test_reads_and_changes_of_counselling_bookings_are_audited_but_library_visits_are_not(centre):
    counselling = centre.post("/bookings", booking_body(centre)).json
    library = centre.post("/bookings", booking_body(centre, resource_id=centre.ids["library"])).json
    centre.get(f"/bookings/{counselling['id']}", role="operator")
    centre.get(f"/bookings/{library['id']}")
    centre.post(f"/bookings/{counselling['id']}/cancel", {"reason": "改期"})
    assert audit_trail(centre) == [("create", "booking", counselling["id"]), ("read", "booking", counselling["id"]),
                                   ("change", "booking", counselling["id"])]


def test_searching_residents_is_audited_per_record_shown(centre):
    found = centre.get("/residents?q=周丽娟").json
    assert [("read", "resident", r["id"]) for r in found] == audit_trail(centre)
