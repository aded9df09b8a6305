"""Bad input gets a 4xx naming the field, never a 500, and never writes anything."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Booking, Closure, Resident, WaitlistEntry, db
from tests.api_setup import build


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    c = build(f"sqlite:///{tmp_path_factory.mktemp('bad') / 'bad.db'}")
    yield c
    with c.app.app_context():
        db.engine.dispose()


def rows(centre) -> tuple:
    with centre.app.app_context():
        return tuple(db.session.query(m).count() for m in (Booking, Resident, Closure, WaitlistEntry))


GOOD = {"resource_id": 1, "resident_id": 1, "start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}
CASES = [
    ("/bookings", {**GOOD, "resource_id": "1"}, "resource_id"),
    ("/bookings", {**GOOD, "resource_id": 10**30}, "resource_id"),
    ("/bookings", {**GOOD, "resource_id": 424242}, "resource_id"),
    ("/bookings", {**GOOD, "resident_id": 424242}, "resident_id"),
    ("/bookings", {**GOOD, "resident_id": None}, "resident_id"),
    ("/bookings", {**GOOD, "start": "tomorrow at ten"}, "start"),
    ("/bookings", {**GOOD, "start": 1764000000}, "start"),
    ("/bookings", {**GOOD, "end": "2026-11-24T09:00"}, "end"),
    ("/bookings", {**GOOD, "party_size": 0}, "party_size"),
    ("/bookings", {**GOOD, "party_size": 100000}, "party_size"),
    ("/bookings", {**GOOD, "party_size": True}, "party_size"),
    ("/bookings", {**GOOD, "party_size": 2.5}, "party_size"),
    ("/bookings", {**GOOD, "note": "长" * 10000}, "note"),
    ("/bookings", {**GOOD, "rrule": "FREQ=SECONDLY"}, "rrule"),
    ("/bookings", {**GOOD, "rrule": "x" * 5000}, "rrule"),
    ("/bookings", {**GOOD, "skip_conflicts": "yes"}, "skip_conflicts"),
    ("/bookings", {**GOOD, "channel": "carrier pigeon"}, "channel"),
    ("/residents", {"name": "", "birth_date": "1950-01-01"}, "name"),
    ("/residents", {"name": "王" * 500, "birth_date": "1950-01-01"}, "name"),
    ("/residents", {"name": "王芳", "birth_date": "1950-13-45"}, "birth_date"),
    ("/residents", {"name": "王芳", "birth_date": "2099-01-01"}, "birth_date"),
    ("/residents", {"name": "王芳", "birth_date": "1950-01-01", "building_id": 9999}, "building_id"),
    ("/residents", {"name": "王芳", "birth_date": "1950-01-01", "lives_alone": "no"}, "lives_alone"),
    ("/closures", {"start": "2026-11-24T10:00", "end": "2026-11-24T09:00", "reason": "x"}, "end"),
    ("/closures", {"start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}, "reason"),
    ("/closures", {"resource_id": 9999, "start": "2026-11-24T10:00", "end": "2026-11-24T11:00", "reason": "x"},
     "resource_id"),
    ("/waitlist", {**GOOD, "end": "2026-11-24T09:00"}, "end"),
    ("/waitlist", {**GOOD, "party_size": -3}, "party_size"),
]


@pytest.mark.parametrize(("path", "body", "field"), CASES)
def test_wrong_field_gets_4xx_naming_it_and_writes_nothing(centre, path, body, field):
    before = rows(centre)
    answer = centre.post(path, body)
    assert 400 <= answer.status_code < 500, answer.json
    assert answer.json["error"]["field"] == field
    assert answer.json["error"]["message"]
    assert rows(centre) == before


@pytest.mark.parametrize("path", ["/bookings", "/residents", "/closures", "/waitlist"])
@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null", '"text"', ""])
def test_malformed_json_body_is_a_400(centre, path, raw):
    answer = centre.client.post(f"/api/v1{path}", data=raw, headers={**centre.headers("staff"),
                                                                       "Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid"


@pytest.mark.parametrize("query", ["date=2026-02-30", "date=yesterday", "date=" + "9" * 300])
def test_availability_with_a_bad_date_names_it(centre, query):
    answer = centre.get(f"/resources/1/availability?{query}")
    assert answer.status_code in (400, 422) and answer.json["error"]["field"] == "date"


@pytest.mark.parametrize("query", ["resource_id=abc", "from=soon", "status=maybe", "resident_id=-1"])
def test_booking_list_with_bad_filters_is_refused(centre, query):
    assert centre.get(f"/bookings?{query}").status_code in (400, 422)


@pytest.mark.parametrize("action", ["cancel", "check-in", "no-show"])
def test_lifecycle_on_a_missing_booking_is_404_and_bad_body_400(centre, action):
    assert centre.post(f"/bookings/987654/{action}", {}).status_code == 404
    bad = centre.client.post(f"/api/v1/bookings/987654/{action}", data="{", headers={
        **centre.headers("staff"), "Content-Type": "application/json"})
    assert bad.status_code in (400, 404)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
booking_bodies = st.fixed_dictionaries({}, optional={
    "resource_id": json_values | st.sampled_from([1, 2, 3]),
    "resident_id": json_values | st.sampled_from([1, 2, 3]),
    "start": json_values | st.sampled_from(["2026-11-24T10:00", "2026-11-24T10:00+08:00", "2026-11-24"]),
    "end": json_values | st.sampled_from(["2026-11-24T11:00", "2026-11-24T09:00", "2026-11-24T10:00"]),
    "party_size": json_values, "rrule": json_values, "skip_conflicts": json_values, "note": json_values,
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=booking_bodies)
def test_any_json_body_gets_an_answer_that_is_never_a_500(centre, body):
    answer = centre.client.post("/api/v1/bookings", data=json.dumps(body), headers={
        **centre.headers("staff"), "Content-Type": "application/json"})
    assert answer.status_code < 500, answer.json
    if answer.status_code >= 400:
        assert answer.json["error"]["code"] and answer.json["error"]["message"]
