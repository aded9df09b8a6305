"""The public command line, as a newcomer uses it."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from models import Booking, Building, Resident, Resource, ServicePoint, User, db
from tests.world import TZ


def test_init_db_is_safe_to_run_twice(runner):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0


def test_seed_demo_loads_the_hongmei_centre_once_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    for login in ("admin", "desk", "eldercare", "13800000001", "hongmei-desk"):
        assert login in first.output
    with app.app_context():
        counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                  for m in (Resource, Resident, Building, ServicePoint, Booking, User)}
        kinds = set(db.session.scalars(select(Resource.kind)))
        today = datetime.now(TZ).date()
        groups = [g for r in db.session.scalars(select(Resident)) for g in r.groups_on(today)]
    assert kinds >= {"elderly_care", "rehab", "picture_book_library", "early_education", "shared_kitchen",
                     "play_area", "counselling"}
    assert counts["Resident"] == 200 and counts["Booking"] > 100
    assert groups.count("elderly") >= 55 and groups.count("child") >= 20 and groups.count("special") >= 15
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "13800000001" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == counts["Booking"]
        assert db.session.scalar(select(func.count()).select_from(Resident)) == 200


def test_a_token_from_create_token_books_the_counselling_room(app, runner, client):
    runner.invoke(args=["seed-demo"])
    made = runner.invoke(args=["create-user", "desk2", "--role", "staff", "--password", "another-pass"])
    assert made.exit_code == 0, made.output
    token = runner.invoke(args=["create-token", "desk2"]).output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    room = next(r for r in client.get("/api/v1/resources?kind=counselling", headers=headers).json)
    person = client.get("/api/v1/residents?q=周丽娟", headers=headers).json[0]
    day = (datetime.now(TZ) + timedelta(days=1)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    free = [s for s in client.get(f"/api/v1/resources/{room['id']}/availability?date={day}", headers=headers)
            .json["slots"] if s["status"] == "free"]
    assert free, "the demo leaves free counselling slots on a weekday"
    answer = client.post("/api/v1/bookings", headers=headers, json={
        "resource_id": room["id"], "resident_id": person["id"], "start": free[0]["start"], "end": free[0]["end"]})
    assert answer.status_code == 201, answer.json


def test_create_user_explains_a_missing_resident_or_organisation(runner):
    resident = runner.invoke(args=["create-user", "x", "--role", "resident", "--password", "long-enough"])
    operator = runner.invoke(args=["create-user", "y", "--role", "operator", "--password", "long-enough"])
    assert resident.exit_code != 0 and "resident" in resident.output
    assert operator.exit_code != 0 and "organisation" in operator.output


def test_create_token_for_an_unknown_user_fails_clearly(runner):
    result = runner.invoke(args=["create-token", "nobody"])
    assert result.exit_code != 0 and "nobody" in result.output
