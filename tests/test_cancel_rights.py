"""One rule for cancelling, in the API as on the pages: staff, or the resident and their guardian; never an operator."""
import pytest

from models import db
from tests.api_setup import build


@pytest.fixture
def centre(tmp_path):
    c = build(f"sqlite:///{tmp_path / 'cancel.db'}")
    yield c
    with c.app.app_context():
        db.engine.dispose()


def _counselling_booking(centre) -> int:
    made = centre.post("/bookings", {"resource_id": centre.ids["room"], "resident_id": centre.ids["parent"],
                                     "start": "2026-11-25T10:00", "end": "2026-11-25T11:00"})
    assert made.status_code == 201, made.json
    return made.json["id"]


def test_the_operator_of_the_space_cannot_cancel_a_residents_booking_through_the_api(centre):
    booking_id = _counselling_booking(centre)
    assert centre.get(f"/bookings/{booking_id}", role="operator").status_code == 200  # they may see it
    refused = centre.post(f"/bookings/{booking_id}/cancel", {"reason": "咨询师请假"}, role="operator")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert centre.get(f"/bookings/{booking_id}").json["status"] == "confirmed"


def test_the_resident_and_the_desk_still_cancel(centre):
    first, second = _counselling_booking(centre), None
    assert centre.post(f"/bookings/{first}/cancel", {}, role="resident").json["status"] == "cancelled"
    second = _counselling_booking(centre)
    assert centre.post(f"/bookings/{second}/cancel", {"reason": "改期"}).json["status"] == "cancelled"
