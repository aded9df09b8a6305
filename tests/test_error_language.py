"""A refusal carries its code and parameters; its message is in the language the request asks for (Chinese unless
it asks for English), whichever language the caller's account prefers."""
import pytest

from models import User, UserSetting, db
from tests.api_setup import build

ENGLISH = {"Accept-Language": "en-US,en;q=0.8"}
TUESDAY_TEN = {"start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    c = build(f"sqlite:///{tmp_path_factory.mktemp('lang') / 'lang.db'}")
    yield c
    with c.app.app_context():
        db.engine.dispose()


def _book(centre, role="staff", headers=None, **body):
    fields = {"resource_id": centre.ids["library"], "resident_id": centre.ids["parent"], **TUESDAY_TEN, **body}
    return centre.client.post("/api/v1/bookings", json=fields, headers={**centre.headers(role), **(headers or {})})


def test_a_refusal_reads_chinese_by_default_and_english_on_request(centre):
    chinese = _book(centre, end="2026-11-24T09:00").get_json()["error"]
    english = _book(centre, end="2026-11-24T09:00", headers=ENGLISH).get_json()["error"]
    assert chinese["code"] == english["code"] == "invalid" and chinese["field"] == english["field"] == "end"
    assert chinese["message"] == "结束时间必须晚于开始时间"
    assert english["message"] == "The end must be after the start"


def test_the_parameters_travel_with_the_code_and_fill_the_message(centre):
    chinese = _book(centre, party_size=11).get_json()["error"]
    english = _book(centre, party_size=11, headers=ENGLISH).get_json()["error"]
    assert chinese["capacity"] == english["capacity"] == 10
    assert chinese["message"] == "该空间最多容纳 10 人"
    assert english["message"] == "This space holds at most 10 people"


def test_a_rule_with_a_window_names_it_in_both_languages(centre):
    far = {"start": "2027-06-01T10:00", "end": "2027-06-01T11:00"}
    chinese = _book(centre, role="resident", **far).get_json()["error"]
    english = _book(centre, role="resident", headers=ENGLISH, **far).get_json()["error"]
    assert chinese["code"] == english["code"] == "too_far"
    days = chinese["window_days"]
    assert chinese["message"] == f"最多可提前 {days} 天预约"
    assert english["message"] == f"You can book at most {days} days ahead"


def test_the_api_follows_the_request_not_the_accounts_saved_language(centre):
    with centre.app.app_context():
        db.session.add(UserSetting(user_id=_user_id(centre, "desk"), language="en"))
        db.session.commit()
    answer = centre.client.get("/api/v1/bookings/424242", headers=centre.headers("staff"))
    assert answer.status_code == 404 and answer.get_json()["error"]["message"] == "找不到该记录"
    answer = centre.client.get("/api/v1/bookings/424242", headers={**centre.headers("staff"), **ENGLISH})
    assert answer.get_json()["error"]["message"] == "Not found"


def _user_id(centre, username: str) -> int:
    return db.session.scalar(db.select(User.id).where(User.username == username))


def test_a_status_in_a_refusal_reads_as_its_label_in_the_readers_language(centre):
    booking_id = _book(centre, start="2026-11-25T10:00", end="2026-11-25T11:00").get_json()["id"]
    cancel = f"/api/v1/bookings/{booking_id}/cancel"
    assert centre.client.post(cancel, json={}, headers=centre.headers("staff")).status_code == 200
    chinese = centre.client.post(cancel, json={}, headers=centre.headers("staff")).get_json()["error"]
    english = centre.client.post(cancel, json={}, headers={**centre.headers("staff"), **ENGLISH}).get_json()["error"]
    assert chinese["code"] == english["code"] == "invalid_state" and chinese["booking_status"] == "cancelled"
    assert chinese["message"] == "该预约已取消，无法取消"
    assert english["message"] == "This booking's status is “Cancelled”: it cannot be cancelled"
