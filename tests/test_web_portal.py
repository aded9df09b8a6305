"""Residents on a phone: book for themselves or a ward, see, cancel and download; nobody else's data."""
import re

import pytest
from sqlalchemy import select

from models import Booking, WaitlistEntry, db
from tests.web_world import TOMORROW, build


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def test_my_bookings_include_the_wards_and_never_another_residents(world):
    page = world.client("resident").get("/my").get_data(as_text=True)
    assert "陈一诺" in page and "绘本馆" in page
    assert "王建华" not in page and "心理咨询室" not in page


def test_a_ward_sees_only_the_spaces_their_groups_may_use(world):
    client = world.client("resident")
    child = client.get(f"/my/book?for={world.ids['child']}").get_data(as_text=True)
    mother = client.get(f"/my/book?for={world.ids['mother']}").get_data(as_text=True)
    assert "养老驿站" not in child and "绘本馆" in child
    assert "养老驿站" in mother


def test_slots_are_buttons_that_read_the_full_date_and_time(world):
    client = world.client("resident")
    page = client.get(f"/my/book/{world.ids['library']}?date={TOMORROW.isoformat()}").get_data(as_text=True)
    buttons = re.findall(r'<button type="submit" name="start"[^>]*>(.*?)</button>', page, re.S)
    labels = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", b)).strip() for b in buttons]
    assert "2026年11月24日 星期二 09:00–10:00， 还剩 2 个名额" in labels


def test_a_resident_books_a_free_slot_for_their_mother_and_cancels_it(world):
    client = world.client("resident")
    space, mother = world.ids["station"], world.ids["mother"]
    response = world.post(client, f"/my/book/{space}/confirm?for={mother}", {"start": f"{TOMORROW}T14:00"})
    assert response.status_code == 302
    with world.app.app_context():
        made = db.session.scalar(select(Booking).where(Booking.resident_id == mother))
        assert made.channel == "online"
        booking_id = made.id
    assert "养老驿站" in client.get("/my").get_data(as_text=True)
    assert world.post(client, f"/my/bookings/{booking_id}/cancel").status_code == 302
    with world.app.app_context():
        assert db.session.get(Booking, booking_id).status == "cancelled"


def test_a_full_slot_is_refused_with_alternatives(world):
    client = world.client("resident")
    space = world.ids["library"]  # two seats; the ward holds one at 10:00
    for_self = f"/my/book/{space}/confirm?for={world.ids['parent']}"
    assert world.post(client, for_self, {"start": f"{TOMORROW}T10:00"}).status_code == 302
    refused = world.post(client, f"/my/book/{space}/confirm?for={world.ids['mother']}", {"start": f"{TOMORROW}T10:00"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "名额不足" in page
    assert re.search(r'name="start" value="2026-11-2\dT\d\d:\d\d"', page)


def test_the_ics_download_holds_the_booking(world):
    response = world.client("resident").get(f"/bookings/{world.ids['my_booking']}.ics")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and "DTSTART" in body and "绘本馆" in body


@pytest.mark.parametrize("path", ["/bookings/{their_booking}.ics", "/my/bookings/{their_booking}/cancel",
                                  "/my/book?for={other}", "/my/book/{library}?for={other}"])
def test_another_residents_things_answer_404(world, path):
    response = world.client("resident").get(path.format(**world.ids))
    assert response.status_code == 404


def test_a_resident_cannot_cancel_someone_elses_booking_by_posting(world):
    client = world.client("resident")
    assert world.post(client, f"/my/bookings/{world.ids['their_booking']}/cancel").status_code == 404
    with world.app.app_context():
        assert db.session.get(Booking, world.ids["their_booking"]).status == "confirmed"


def test_a_full_slot_offers_the_waitlist_and_joining_puts_the_resident_in_line(world):
    client = world.client("resident")
    space = world.ids["library"]  # two seats; the ward holds one at 10:00
    world.post(client, f"/my/book/{space}/confirm?for={world.ids['parent']}", {"start": f"{TOMORROW}T10:00"})
    page = client.get(f"/my/book/{space}?for={world.ids['mother']}&date={TOMORROW}").get_data(as_text=True)
    full = page[page.index('action="/my/waitlist"'):]  # the full slot's own button joins the line
    assert "10:00–11:00" in full[:800] and "已满，点这里排队候补" in full[:800]
    joined = world.post(client, "/my/waitlist", {"resource_id": space, "for": world.ids["mother"],
                                                "start": f"{TOMORROW}T10:00"})
    assert joined.status_code == 302
    with world.app.app_context():
        entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.resident_id == world.ids["mother"]))
        assert entry.resource_id == space and entry.status == "waiting"
