"""What an outside probe sends: digits that are not ASCII, lone surrogates, JSON nested to the bottom,
bodies of many megabytes. Each is a 4xx naming the field (or 413), never a 500, and writes nothing."""
import io
import json

import pytest

from models import Booking, Resident, db
from tests.api_setup import build
from tests.web_world import build as build_web


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    c = build(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'hostile.db'}")
    yield c
    with c.app.app_context():
        db.engine.dispose()


def rows(centre) -> tuple:
    with centre.app.app_context():
        return db.session.query(Booking).count(), db.session.query(Resident).count()


GOOD = {"resource_id": 1, "resident_id": 1, "start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}


@pytest.mark.parametrize("digits", ["²", "٣", "１"])
@pytest.mark.parametrize("name", ["resource_id", "resident_id"])
def test_a_filter_in_digits_that_are_not_ascii_names_the_field(centre, digits, name):
    answer = centre.get(f"/bookings?{name}={digits}")
    assert answer.status_code == 400 and answer.json["error"]["field"] == name


@pytest.mark.parametrize("rrule", ["FREQ=WEEKLY;INTERVAL=²", "FREQ=WEEKLY;COUNT=²"])
def test_a_rule_with_a_superscript_number_names_rrule(centre, rrule):
    before = rows(centre)
    answer = centre.post("/bookings", {**GOOD, "rrule": rrule})
    assert answer.status_code == 422 and answer.json["error"]["field"] == "rrule"
    assert rows(centre) == before


def _raw_post(centre, path: str, raw: str):
    return centre.client.post(f"/api/v1{path}", data=raw.encode(), headers={
        **centre.headers("staff"), "Content-Type": "application/json"})


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/bookings", {**GOOD, "note": "PLACEHOLDER"}, "note"),
    ("/bookings", {**GOOD, "channel": "PLACEHOLDER"}, "channel"),
    ("/residents", {"name": "PLACEHOLDER", "birth_date": "1950-01-01"}, "name"),
    ("/closures", {"start": "2026-11-24T10:00", "end": "2026-11-24T11:00", "reason": "PLACEHOLDER"}, "reason"),
    ("/bookings/1/cancel", {"reason": "PLACEHOLDER"}, "reason"),
])
def test_a_lone_surrogate_in_text_names_the_field(centre, path, body, field):
    before = rows(centre)
    raw = json.dumps(body).replace("PLACEHOLDER", "王\\ud800")  # JSON allows it; UTF-8 cannot hold it
    answer = _raw_post(centre, path, raw)
    assert 400 <= answer.status_code < 500 and answer.json["error"]["field"] == field, answer.json
    assert rows(centre) == before


def test_json_nested_a_hundred_thousand_deep_is_malformed_not_a_crash(centre):
    answer = _raw_post(centre, "/bookings", "[" * 100_000 + "]" * 100_000)
    assert answer.status_code == 400 and answer.json["error"]["field"] == "body"


def test_a_large_json_body_is_413_too_large_before_it_is_read(centre):
    before = rows(centre)
    answer = _raw_post(centre, "/bookings", json.dumps({**GOOD, "note": "长" * 200_000}))
    assert answer.status_code == 413 and answer.json["error"]["code"] == "too_large"
    assert answer.json["error"]["message"]
    assert rows(centre) == before


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build_web(f"sqlite:///{tmp_path_factory.mktemp('hostile_web') / 'web.db'}")
    yield w
    with w.app.app_context():
        db.engine.dispose()


def test_a_five_megabyte_upload_to_the_sign_in_form_is_413(world):
    client = world.app.test_client()
    answer = client.post("/login", data={"username": "x", "password": "y", "file": (io.BytesIO(b"0" * (5 << 20)), "big.bin")},
                         content_type="multipart/form-data")
    assert answer.status_code == 413
    assert "提交的内容太大" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/desk/book?resource_id=²", "/desk/roster?resource_id=²", "/my/book?for=²",
                                  "/desk/book?resident_id=٣٣"])
def test_pages_given_digits_that_are_not_ascii_answer_4xx(world, path):
    assert 400 <= world.client("staff" if path.startswith("/desk") else "resident").get(path).status_code < 500
