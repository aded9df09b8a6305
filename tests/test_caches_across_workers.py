"""Every answer a worker reuses is dropped by the write that changes it, whichever worker, process or door the
write came through. Two apps on one database stand for two gunicorn workers: each has its own engine and caches."""
from datetime import time, timedelta

from models import OpeningHours, Resident, Resource, User, db
from services.accounts import accounts
from services.core import settings_version
from services.core.centre import current_centre
from tests.web_login import login
from tests.world import NOW, book, make_app, resident, space

TOMORROW = (NOW + timedelta(days=1)).date()


def two_workers(url: str):
    first = make_app(url)
    return first, make_app(url)


def test_settings_counter_moves_with_a_space_edit_in_another_worker_and_not_with_a_booking(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        room = space(db.session, name="康复理疗室")
        person = resident(db.session)
        db.session.commit()
        room_id, person_id = room.id, person.id
    with reader.app_context():
        before = settings_version.SETTINGS.read(db.session)
    with writer.app_context():
        book(db.session, db.session.get(Resource, room_id), db.session.get(Resident, person_id),
             NOW + timedelta(days=1, hours=2))
    with reader.app_context():
        assert settings_version.SETTINGS.read(db.session) == before, "a booking is not a change of settings"
    with writer.app_context():
        edited = db.session.get(Resource, room_id)
        edited.hours.append(OpeningHours(weekday=TOMORROW.weekday(), opens=time(20), closes=time(21)))
        db.session.commit()
    with reader.app_context():
        assert settings_version.SETTINGS.read(db.session) > before


def test_a_token_revoked_in_another_worker_stops_working_at_once(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    api = reader.test_client()
    assert api.get("/api/v1/resources", headers=bearer).status_code == 200
    assert api.get("/api/v1/resources", headers=bearer).status_code == 200  # the reader now holds its copy
    with writer.app_context():
        assert accounts.revoke_token(db.session, token, NOW)
        db.session.commit()
    assert api.get("/api/v1/resources", headers=bearer).status_code == 401


def test_a_role_taken_away_in_another_worker_applies_to_the_next_request(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        user = accounts.create_user(db.session, "admin2", "password-1", "admin")
        token = accounts.create_token(db.session, user)
        db.session.commit()
        user_id = user.id
    bearer = {"Authorization": f"Bearer {token}"}
    api = reader.test_client()
    assert api.get("/api/v1/outbox", headers=bearer).status_code == 200
    with writer.app_context():
        db.session.get(User, user_id).role = "operator"
        db.session.get(User, user_id).organisation = "颐康养老"
        db.session.commit()
    assert api.get("/api/v1/outbox", headers=bearer).status_code == 403


def test_availability_answered_in_one_worker_follows_hours_and_centre_rules_changed_in_another(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        room = space(db.session, name="康复理疗室", hours=[(d, time(8), time(10)) for d in range(7)])
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
        room_id = room.id
    bearer = {"Authorization": f"Bearer {token}"}
    api = reader.test_client()
    path = f"/api/v1/resources/{room_id}/availability?date={TOMORROW}"

    def starts() -> list[str]:
        answer = api.get(path, headers=bearer)
        assert answer.status_code == 200, answer.get_json()
        return [s["start"][11:16] for s in answer.get_json()["slots"]]

    assert starts() == ["08:00", "09:00"]
    with writer.app_context():
        edited = db.session.get(Resource, room_id)
        edited.hours.append(OpeningHours(weekday=TOMORROW.weekday(), opens=time(14), closes=time(15)))
        db.session.commit()
    assert starts() == ["08:00", "09:00", "14:00"]
    with writer.app_context():
        current_centre(db.session).staff_window_days = 0 + 1
        db.session.get(Resource, room_id).window_days = 0
        db.session.commit()
    far = api.get(f"/api/v1/resources/{room_id}/availability?date={TOMORROW + timedelta(days=30)}", headers=bearer)
    assert {s["status"] for s in far.get_json()["slots"]} == {"too_far"}


def test_day_board_cached_in_one_worker_shows_hours_changed_in_another(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        room = space(db.session, name="绘本馆", hours=[(d, time(8), time(12)) for d in range(7)])
        accounts.create_user(db.session, "desk", "password-1", "staff")
        db.session.commit()
        room_id = room.id
    desk = reader.test_client()
    assert login(desk, "desk", "password-1").status_code == 302
    board = f"/desk?date={TOMORROW}"
    assert "13:00" not in desk.get(board).get_data(as_text=True)
    assert "13:00" not in desk.get(board).get_data(as_text=True)  # now answered from the reader's cache

    with writer.app_context():
        edited = db.session.get(Resource, room_id)
        edited.hours.append(OpeningHours(weekday=TOMORROW.weekday(), opens=time(13), closes=time(15)))
        db.session.commit()
    assert "13:00" in desk.get(board).get_data(as_text=True), "the other worker's edit must show at once"
    for app in (reader, writer):
        with app.app_context():
            db.engine.dispose()


def test_space_list_answered_in_one_worker_shows_a_space_closed_for_good_in_another(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        space(db.session, name="绘本馆")
        retired = space(db.session, name="旧活动室")
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
        retired_id = retired.id
    bearer = {"Authorization": f"Bearer {token}"}
    api = reader.test_client()
    assert [s["name"] for s in api.get("/api/v1/resources", headers=bearer).get_json()] == ["绘本馆", "旧活动室"]
    with writer.app_context():
        db.session.get(Resource, retired_id).active = False
        db.session.commit()
    assert [s["name"] for s in api.get("/api/v1/resources", headers=bearer).get_json()] == ["绘本馆"]
