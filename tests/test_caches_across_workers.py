"""Every answer a worker reuses is dropped by the write that changes it, whichever worker, process or door the
write came through. Two apps on one database stand for two gunicorn workers: each has its own engine and caches."""
from datetime import date, datetime, time, timedelta

from models import Closure, OpeningHours, Resident, Resource, User, WaitlistEntry, db
from services.accounts import accounts
from services.booking import availability
from services.core.centre import current_centre
from services.core.storage import settings_version
from tests.web_login import login
from tests.world import NOW, TZ, book, context, make_app, resident, space

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


def _board_reader(reader, day):
    """The desk's day board for `day` as the reader worker serves it to a signed-in desk."""
    desk = reader.test_client()
    assert login(desk, "desk", "password-1").status_code == 302
    return lambda: desk.get(f"/desk?date={day}").get_data(as_text=True)


def test_day_board_cached_in_one_worker_shows_hours_changed_in_another(any_db_url):
    reader, writer = two_workers(any_db_url)
    with writer.app_context():
        room = space(db.session, name="绘本馆", hours=[(d, time(8), time(12)) for d in range(7)])
        accounts.create_user(db.session, "desk", "password-1", "staff")
        db.session.commit()
        room_id = room.id
    board = _board_reader(reader, TOMORROW)
    assert "13:00" not in board()
    assert "13:00" not in board()  # now answered from the reader's cache

    with writer.app_context():
        edited = db.session.get(Resource, room_id)
        edited.hours.append(OpeningHours(weekday=TOMORROW.weekday(), opens=time(13), closes=time(15)))
        db.session.commit()
    assert "13:00" in board(), "the other worker's edit must show at once"
    for app in (reader, writer):
        with app.app_context():
            db.engine.dispose()


def test_day_board_cached_in_one_worker_shows_a_booking_made_in_another_at_once(any_db_url):
    reader, writer = two_workers(any_db_url)
    tomorrow = datetime.now(TZ).date() + timedelta(days=1)
    with writer.app_context():
        room = space(db.session, name="绘本馆", sensitive=False, hours=[(d, time(8), time(12)) for d in range(7)])
        person = resident(db.session, name="王秀兰")
        accounts.create_user(db.session, "desk", "password-1", "staff")
        db.session.commit()
        ids = {"room": room.id, "person": person.id}
    board = _board_reader(reader, tomorrow)
    assert "王秀兰" not in board()
    assert "王秀兰" not in board()  # now answered from the reader's cache
    with writer.app_context():
        book(db.session, db.session.get(Resource, ids["room"]), db.session.get(Resident, ids["person"]),
             datetime.combine(tomorrow, time(9), TZ), now=datetime.now(TZ))
    assert "王秀兰" in board(), "the other worker's booking must show at once"
    with writer.app_context():
        db.session.get(Resident, ids["person"]).name = "王秀英"  # a typo put right at the desk
        db.session.commit()
    assert "王秀英" in board()
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


def _availability_reader(any_db_url, capacity: int = 2):
    """Two workers; the reader answers availability of a two-seat room tomorrow 08:00–10:00 for the desk."""
    reader, writer = two_workers(any_db_url)
    tomorrow = datetime.now(TZ).date() + timedelta(days=1)  # these answers follow the wall clock
    with writer.app_context():
        room = space(db.session, name="康复理疗室", exclusive=False, capacity=capacity,
                     hours=[(d, time(8), time(10)) for d in range(7)])
        person = resident(db.session, born=date(1950, 3, 1))
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
        ids = {"room": room.id, "person": person.id, "tomorrow": tomorrow}
    api, bearer = reader.test_client(), {"Authorization": f"Bearer {token}"}

    def remaining(query: str = "") -> list:
        answer = api.get(f"/api/v1/resources/{ids['room']}/availability?date={tomorrow}{query}", headers=bearer)
        assert answer.status_code == 200, answer.get_json()
        return [(s["remaining"], s["status"]) for s in answer.get_json()["slots"]]

    assert remaining() == remaining() == [(2, "free"), (2, "free")]  # the second answer is the reader's copy
    return writer, ids, remaining


def test_availability_answered_in_one_worker_shows_a_booking_made_in_another_at_once(any_db_url):
    writer, ids, remaining = _availability_reader(any_db_url)
    with writer.app_context():
        book(db.session, db.session.get(Resource, ids["room"]), db.session.get(Resident, ids["person"]),
             datetime.combine(ids["tomorrow"], time(8), TZ), now=datetime.now(TZ))
    assert remaining() == [(1, "free"), (2, "free")]


def test_availability_answered_in_one_worker_shows_a_closure_and_a_waitlist_hold_made_in_another(any_db_url):
    writer, ids, remaining = _availability_reader(any_db_url)
    with writer.app_context():
        db.session.add(WaitlistEntry(resource_id=ids["room"], resident_id=ids["person"], status="offered",
                                     starts_at=datetime.combine(ids["tomorrow"], time(9), TZ),
                                     ends_at=datetime.combine(ids["tomorrow"], time(10), TZ)))
        db.session.commit()
    assert remaining() == [(2, "free"), (1, "free")]
    with writer.app_context():
        db.session.add(Closure(resource_id=ids["room"], reason="消毒", starts_at=datetime.combine(ids["tomorrow"], time(8), TZ),
                               ends_at=datetime.combine(ids["tomorrow"], time(9), TZ)))
        db.session.commit()
    assert remaining() == [(0, "closed"), (1, "free")]


def test_availability_for_a_resident_follows_their_record_changed_in_another_worker(any_db_url):
    writer, ids, remaining = _availability_reader(any_db_url)
    with writer.app_context():
        db.session.get(Resource, ids["room"]).groups = ["elderly"]
        db.session.commit()
    for_person = f"&resident_id={ids['person']}"
    assert remaining(for_person) == remaining(for_person) == [(2, "free"), (2, "free")]
    with writer.app_context():
        db.session.get(Resident, ids["person"]).birth_date = date(1990, 3, 1)  # a typo put right: not elderly
        db.session.commit()
    assert remaining(for_person) == [(2, "not_eligible"), (2, "not_eligible")]


def test_reused_availability_follows_the_clock_minute_by_minute(session):
    room = space(session, name="康复理疗室", min_notice_minutes=30, hours=[(d, time(8), time(10)) for d in range(7)])
    session.commit()
    day = TOMORROW
    ctx_at = {moment: context(session, now=datetime.combine(day, moment, TZ), by_staff=False)
              for moment in (time(7, 29, 30), time(7, 30, 0), time(7, 30, 0, 1), time(7, 30, 40))}
    session.commit()  # the centre the contexts hold is no pending change: answers may be reused

    def statuses(moment):
        return [s.status for s in availability.day_slots(session, room, day, ctx_at[moment])]

    assert statuses(time(7, 29, 30)) == statuses(time(7, 29, 30)) == ["free", "free"]
    assert statuses(time(7, 30, 0)) == ["free", "free"], "08:00 is still exactly half an hour away"
    assert statuses(time(7, 30, 0, 1)) == ["too_soon", "free"]
    assert statuses(time(7, 30, 40)) == ["too_soon", "free"]


def test_a_booking_in_one_worker_follows_a_capacity_cut_made_in_another(any_db_url):
    reader, writer = two_workers(any_db_url)
    tomorrow = datetime.now(TZ).date() + timedelta(days=1)
    with writer.app_context():
        room = space(db.session, name="康复理疗室", exclusive=False, capacity=2)
        people = [resident(db.session, name=name).id for name in ("张建国", "李秀英")]
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
        room_id = room.id
    api, bearer = reader.test_client(), {"Authorization": f"Bearer {token}"}

    def book_at(hour: int, person: int):
        start = datetime.combine(tomorrow, time(hour), TZ)
        return api.post("/api/v1/bookings", headers=bearer, json={
            "resource_id": room_id, "resident_id": person, "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()})

    assert book_at(9, people[0]).status_code == 201  # the reader now holds its copy of the room
    with writer.app_context():
        db.session.get(Resource, room_id).capacity = 1
        db.session.commit()
    refused = book_at(9, people[1])
    assert refused.status_code == 409, refused.get_json()


def test_a_residents_slot_page_kept_in_one_worker_follows_a_booking_and_a_care_link_changed_in_another(any_db_url):
    reader, writer = two_workers(any_db_url)
    tomorrow = datetime.now(TZ).date() + timedelta(days=1)
    with writer.app_context():
        room = space(db.session, name="绘本馆", exclusive=False, capacity=2, hours=[(d, time(8), time(9)) for d in range(7)])
        parent = resident(db.session, name="周丽娟", phone="13800000001")
        child = resident(db.session, name="陈一诺", born=date(2021, 6, 1), guardian_id=parent.id)
        other = resident(db.session, name="王建华")
        accounts.create_user(db.session, "13800000001", "password-1", "resident", resident_id=parent.id)
        db.session.commit()
        ids = {"room": room.id, "child": child.id, "other": other.id}
    client = reader.test_client()
    assert login(client, "13800000001", "password-1").status_code == 302

    def slot_page():
        return client.get(f"/my/book/{ids['room']}?for={ids['child']}&date={tomorrow}")

    assert "还剩 2 个名额" in slot_page().get_data(as_text=True)
    assert "还剩 2 个名额" in slot_page().get_data(as_text=True)  # now the reader's kept page
    with writer.app_context():
        book(db.session, db.session.get(Resource, ids["room"]), db.session.get(Resident, ids["other"]),
             datetime.combine(tomorrow, time(8), TZ), now=datetime.now(TZ))
    assert "还剩 1 个名额" in slot_page().get_data(as_text=True), "the other worker's booking must show at once"
    with writer.app_context():
        db.session.get(Resident, ids["child"]).guardian_id = None  # no longer in this account's care
        db.session.commit()
    assert slot_page().status_code == 404
    for app in (reader, writer):
        with app.app_context():
            db.engine.dispose()
