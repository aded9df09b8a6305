"""The check-up's API as CONTRACT.md writes it, and refused booking attempts recorded without personal data."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import RefusedAttempt, db
from tests import api_setup, web_world
from tests.world import NOW, TZ

TOMORROW = (NOW.astimezone(TZ) + timedelta(days=1)).date()


@pytest.fixture
def centre(any_db_url):
    return api_setup.build(any_db_url)


def refusals(app) -> list[RefusedAttempt]:
    with app.app_context():
        rows = list(db.session.scalars(select(RefusedAttempt).order_by(RefusedAttempt.id)))
        db.session.expunge_all()
        return rows


def test_staff_and_admins_read_the_check_up_in_the_contract_shape(centre):
    for role in ("staff", "admin"):
        answer = centre.get("/checkup?from=2026-11-01&to=2026-11-30", role=role)
        assert answer.status_code == 200
        body = answer.get_json()
        for key in ("period", "population", "facilities", "reach", "use", "groups", "outreach", "problems",
                    "suppressed"):
            assert key in body
        assert body["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
        assert set(body["reach"]) >= {"coverage", "gaps"}
        line = body["use"][0]
        assert set(line) >= {"resource_id", "kind", "seat_hours_offered", "seat_hours_booked", "seat_hours_attended",
                             "utilisation", "no_show_rate", "unserved_waitlist", "refusals"}
        assert set(body["facilities"][0]) >= {"type", "name", "area_m2", "standard", "meets"}
        assert body["groups"]["elderly"]["residents"] == "<5" and body["suppressed"] is True


@pytest.mark.parametrize("role, status", [("operator", 403), ("resident", 403)])
def test_operators_and_residents_may_not_read_the_check_up_or_the_ledger(centre, role, status):
    assert centre.get("/checkup?from=2026-11-01&to=2026-11-30", role=role).status_code == status
    assert centre.post("/problems", {"title": "x", "severity": 4}, role=role).status_code == status
    assert centre.client.get("/api/v1/checkup").status_code == 401


@pytest.mark.parametrize("query, field", [("from=2026-13-01&to=2026-12-01", "from"),
                                          ("from=2026-11-02&to=2026-11-01", "to"),
                                          ("from=2020-01-01&to=2026-01-01", "to")])
def test_a_bad_period_is_a_4xx_naming_the_field(centre, query, field):
    answer = centre.get(f"/checkup?{query}")
    assert 400 <= answer.status_code < 500 and answer.get_json()["error"]["field"] == field


def test_a_problem_is_logged_and_followed_to_verification_with_who_and_when(centre):
    made = centre.post("/problems", {"title": "养老驿站面积不足", "indicator": "elderly_care_space_old", "severity": 7,
                                     "location": "养老驿站", "responsible": "社区", "due_on": "2027-06-30"})
    assert made.status_code == 201
    problem = made.get_json()
    assert problem["status"] == "open" and problem["history"][0]["by"] == "desk"
    path = f"/problems/{problem['id']}"
    for status in ("in_progress", "done", "verified"):
        answer = centre.client.patch(f"/api/v1{path}", json={"status": status, "note": f"→ {status}"},
                                     headers=centre.headers("admin"))
        assert answer.status_code == 200, answer.get_json()
    history = answer.get_json()["history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "open"), ("open", "in_progress"), ("in_progress", "done"), ("done", "verified")]
    assert history[-1]["by"] == "admin" and history[-1]["at"].endswith("+08:00")
    again = centre.client.patch(f"/api/v1{path}", json={"status": "open"}, headers=centre.headers("staff"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"


def test_changing_who_fixes_it_and_by_when_is_recorded_too(centre):
    problem = centre.post("/problems", {"title": "北区缺助餐点", "severity": 4}).get_json()
    answer = centre.client.patch(f"/api/v1/problems/{problem['id']}", json={"responsible": "街道", "due_on": "2027-03-01"},
                                 headers=centre.headers("staff")).get_json()
    assert answer["responsible"] == "街道" and answer["due_on"] == "2027-03-01"
    assert answer["history"][-1]["changes"] == {"responsible": "街道", "due_on": "2027-03-01"}


@pytest.mark.parametrize("body, field", [({"severity": 4}, "title"), ({"title": "x"}, "severity"),
                                         ({"title": "x", "severity": 5}, "severity"),
                                         ({"title": "x", "severity": 4, "responsible": "物业公司"}, "responsible"),
                                         ({"title": "x", "severity": 4, "due_on": "明天"}, "due_on")])
def test_a_bad_problem_is_refused_naming_the_field_and_nothing_is_written(centre, body, field):
    answer = centre.post("/problems", body)
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == field
    assert centre.get("/problems").get_json() == []


def test_patching_a_missing_problem_or_with_a_bad_status_answers_404_or_422(centre):
    assert centre.client.patch("/api/v1/problems/999", json={"status": "done"},
                               headers=centre.headers("staff")).status_code == 404
    problem = centre.post("/problems", {"title": "x", "severity": 1}).get_json()
    bad = centre.client.patch(f"/api/v1/problems/{problem['id']}", json={"status": "fixed"},
                              headers=centre.headers("staff"))
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "status"


def test_spaces_and_service_points_carry_their_floor_area(centre):
    assert all("area_m2" in r for r in centre.get("/resources").get_json())
    made = centre.post("/service-points", {"name": "北区助餐点", "service_types": ["meal"], "lat": 30.29,
                                           "lon": 120.19, "area_m2": 85.5})
    assert made.status_code == 201 and made.get_json()["area_m2"] == 85.5
    assert centre.post("/service-points", {"name": "x", "service_types": ["meal"], "lat": 30.29, "lon": 120.19,
                                           "area_m2": "big"}).get_json()["error"]["field"] == "area_m2"


def test_a_refused_api_booking_is_recorded_with_its_code_and_no_resident(centre):
    body = {"resource_id": centre.ids["station"], "resident_id": centre.ids["child"],
            "start": f"{TOMORROW}T10:00", "end": f"{TOMORROW}T11:00"}
    answer = centre.post("/bookings", body)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "not_eligible"
    (row,) = refusals(centre.app)
    assert (row.resource_id, row.code, row.channel, row.groups) == (centre.ids["station"], "not_eligible", "desk",
                                                                   ["child"])
    columns = {c.key for c in RefusedAttempt.__table__.columns}
    assert not any("resident" in c or "name" in c or "phone" in c for c in columns)


def test_a_refused_desk_booking_and_a_refused_portal_booking_are_recorded(any_db_url):
    world = web_world.build(any_db_url)
    desk = world.client("staff")
    data = {"resident_id": world.ids["parent"], "resource_id": world.ids["room"], "date": TOMORROW.isoformat(),
            "start": "10:00", "minutes": "60", "channel": "phone"}
    assert world.post(desk, "/desk/book", data).status_code == 409
    portal = world.client("resident")
    library = f"/my/book/{world.ids['library']}/confirm?for="
    assert world.post(portal, library + str(world.ids["parent"]), {"start": f"{TOMORROW}T10:00"}).status_code == 302
    refused = world.post(portal, library + str(world.ids["mother"]), {"start": f"{TOMORROW}T10:00"})
    assert refused.status_code == 409
    rows = refusals(world.app)
    assert [(r.resource_id, r.code, r.channel) for r in rows] == [
        (world.ids["room"], "conflict", "phone"), (world.ids["library"], "capacity", "online")]
    assert rows[1].groups == ["elderly"]


def test_each_occurrence_a_series_skips_is_recorded_as_a_refusal(centre):
    first = {"resource_id": centre.ids["room"], "resident_id": centre.ids["elder"],
             "start": f"{TOMORROW + timedelta(days=7)}T10:00", "end": f"{TOMORROW + timedelta(days=7)}T11:00"}
    assert centre.post("/bookings", first).status_code == 201
    series = {**first, "resident_id": centre.ids["parent"], "start": f"{TOMORROW}T10:00",
              "end": f"{TOMORROW}T11:00", "rrule": "FREQ=WEEKLY;COUNT=3", "skip_conflicts": True}
    answer = centre.post("/bookings", series)
    assert answer.status_code == 201 and len(answer.get_json()["skipped"]) == 1
    (row,) = refusals(centre.app)
    assert (row.code, row.resource_id, row.groups) == ("conflict", centre.ids["room"], [])
