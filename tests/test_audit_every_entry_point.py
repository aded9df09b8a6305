"""A counselling-type booking leaves the same audit trail whichever way it came: the API, the desk or
the resident's own pages (PIPL art. 51). All three call the same use-case, so each change writes one
entry; the resident's pages used to write none."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, Booking, Resident, Resource, User, db
from services.accounts import accounts
from tests.web_world import LOGINS, TOMORROW, build
from tests.world import NOW, at, book

AFTERNOON = at(TOMORROW, 14)


@pytest.fixture
def world(any_db_url):
    world = build(any_db_url)
    with world.app.app_context():
        staff = db.session.scalar(select(User).where(User.username == LOGINS["staff"]))
        world.ids["staff_user"] = staff.id
        world.token = accounts.create_token(db.session, staff)
        room = db.session.get(Resource, world.ids["room"])
        # Starting at NOW (08:00, as the room opens): it can be checked in or marked no-show.
        world.ids["under_way"] = book(db.session, room, db.session.get(Resident, world.ids["child"]), NOW).id
        db.session.commit()
    return world


def entries(world, booking_id: int, action: str) -> list[AuditEntry]:
    with world.app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(
            AuditEntry.object_type == "booking", AuditEntry.object_id == booking_id, AuditEntry.action == action)))


def counselling_booking_of_the_child(world) -> int | None:
    with world.app.app_context():
        return db.session.scalar(select(Booking.id).where(
            Booking.resource_id == world.ids["room"], Booking.resident_id == world.ids["child"],
            Booking.starts_at == AFTERNOON))


def book_through(world, way: str) -> int:
    if way == "api":
        answer = world.app.test_client().post("/api/v1/bookings", headers={"Authorization": f"Bearer {world.token}"},
                                              json={"resource_id": world.ids["room"], "resident_id": world.ids["child"],
                                                    "start": AFTERNOON.isoformat(),
                                                    "end": (AFTERNOON + timedelta(hours=1)).isoformat()})
        assert answer.status_code == 201, answer.get_json()
    elif way == "desk":
        answer = world.post(world.client("staff"), "/desk/book", {
            "resident_id": world.ids["child"], "resource_id": world.ids["room"], "date": TOMORROW.isoformat(),
            "start": "14:00", "minutes": "60"})
        assert answer.status_code == 302
    else:
        resident = world.client("resident")
        answer = world.post(resident, f"/my/book/{world.ids['room']}/confirm?for={world.ids['child']}",
                            {"start": AFTERNOON.replace(tzinfo=None).isoformat(timespec="minutes")})
        assert answer.status_code == 302, answer.get_data(as_text=True)
    return counselling_booking_of_the_child(world)


def change_through(world, way: str, action: str, booking_id: int):
    if way == "api":
        path = {"cancel": "cancel", "check_in": "check-in", "no_show": "no-show"}[action]
        return world.app.test_client().post(f"/api/v1/bookings/{booking_id}/{path}",
                                            headers={"Authorization": f"Bearer {world.token}"}, json={})
    if way == "desk":
        path = {"cancel": "cancel", "check_in": "check-in", "no_show": "no-show"}[action]
        return world.post(world.client("staff"), f"/desk/bookings/{booking_id}/{path}", {"reason": "其他"})
    assert action == "cancel", "residents cancel; only staff check in or mark a no-show"
    return world.post(world.client("resident"), f"/my/bookings/{booking_id}/cancel")


@pytest.mark.parametrize("way", ["api", "desk", "portal"])
def test_booking_the_counselling_room_writes_one_create_entry_whichever_way_it_came(world, way):
    booking_id = book_through(world, way)
    assert booking_id is not None
    assert len(entries(world, booking_id, "create")) == 1


@pytest.mark.parametrize("way", ["api", "desk", "portal"])
def test_cancelling_a_counselling_booking_writes_one_change_entry_whichever_way_it_came(world, way):
    booking_id = book_through(world, "api")
    answer = change_through(world, way, "cancel", booking_id)
    assert answer.status_code in (200, 302)
    with world.app.app_context():
        assert db.session.get(Booking, booking_id).status == "cancelled"
    assert len(entries(world, booking_id, "change")) == 1


@pytest.mark.parametrize("way", ["api", "desk"])
@pytest.mark.parametrize("action, status", [("check_in", "checked_in"), ("no_show", "no_show")])
def test_checking_in_or_marking_a_no_show_writes_one_change_entry_whichever_way_it_came(world, way, action, status):
    booking_id = world.ids["under_way"]
    answer = change_through(world, way, action, booking_id)
    assert answer.status_code in (200, 302)
    with world.app.app_context():
        assert db.session.get(Booking, booking_id).status == status
    assert len(entries(world, booking_id, "change")) == 1


def test_a_refused_change_writes_no_entry(world):
    booking_id = world.ids["their_booking"]  # tomorrow: too early to mark a no-show
    assert change_through(world, "api", "no_show", booking_id).status_code == 409
    assert entries(world, booking_id, "change") == []


@pytest.mark.parametrize("door", ["api", "desk search", "desk booking form"])
def test_every_resident_a_staff_search_shows_is_a_read_in_the_audit_trail_whichever_door(world, door):
    if door == "api":
        answer = world.app.test_client().get("/api/v1/residents?q=周", headers={"Authorization": f"Bearer {world.token}"})
    else:
        path = "/desk/residents?q=周" if door == "desk search" else "/desk/book?q=周"
        answer = world.client("staff").get(path)
    assert answer.status_code == 200
    with world.app.app_context():
        read = set(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == "resident", AuditEntry.action == "read",
            AuditEntry.user_id == world.ids["staff_user"])))
    assert {world.ids["parent"], world.ids["mother"]} <= read, "周丽娟 and 周桂兰 were shown"
    assert world.ids["child"] not in read, "陈一诺 was not shown"
