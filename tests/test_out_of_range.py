"""Dates and numbers so far out that arithmetic on them would overflow get a 4xx, never a 500."""
import pytest

from tests.api_setup import build as build_api
from tests.web_world import build as build_web


@pytest.fixture
def centre(tmp_path):
    return build_api(f"sqlite:///{tmp_path / 'api.db'}")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/bookings", {"resource_id": 1, "resident_id": 1, "start": "0001-01-01T00:00", "end": "0001-01-01T01:00"}),
    ("post", "/bookings", {"resource_id": 1, "resident_id": 1, "start": "9999-12-31T23:30", "end": "9999-12-31T23:59"}),
    ("get", "/bookings?from=0001-01-01T00:00", None),
    ("get", "/resources/1/availability?date=0001-01-01", None),
    ("post", "/closures", {"start": "0001-01-01T00:00", "end": "0001-01-02T00:00", "reason": "x"}),
    ("post", "/waitlist", {"resource_id": 1, "resident_id": 1, "start": "0001-01-01T00:00", "end": "0001-01-01T01:00"}),
])
def test_api_refuses_dates_out_of_range_with_a_4xx(centre, method, path, body):
    answer = centre.post(path, body) if method == "post" else centre.get(path)
    assert 400 <= answer.status_code < 500, answer.json


def test_pages_refuse_dates_and_lengths_out_of_range(tmp_path):
    world = build_web(f"sqlite:///{tmp_path / 'web.db'}")
    resident, desk = world.client("resident"), world.client("staff")
    assert resident.get(f"/my/book/{world.ids['library']}/confirm?start=9999-12-31T23:30").status_code == 400
    refused = world.post(desk, "/desk/book", {"resource_id": world.ids["library"], "resident_id": world.ids["parent"],
                                              "date": "2026-11-24", "start": "10:00", "minutes": "99999999999"})
    assert 400 <= refused.status_code < 500
