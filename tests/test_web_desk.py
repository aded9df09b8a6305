"""The front desk: day board, booking with the refusing rule and one-click alternatives, lifecycle, roster."""
import re

import pytest
from sqlalchemy import select

from models import AuditEntry, Booking, Resident, db
from tests.web_world import TOMORROW, build


@pytest.fixture
def world(any_db_url):
    """The desk's pages run on SQLite and on PostgreSQL."""
    return build(any_db_url)


def _book(world, client, **fields):
    data = {"resident_id": world.ids["parent"], "resource_id": world.ids["room"], "date": TOMORROW.isoformat(),
            "start": "10:00", "minutes": "60", "channel": "phone", **fields}
    return world.post(client, "/desk/book", data)


def _bookings(world, **where):
    with world.app.app_context():
        return list(db.session.scalars(select(Booking).filter_by(**where).order_by(Booking.starts_at)))


def test_the_day_board_shows_every_space_with_seats_and_bookings(world):
    page = world.client("staff").get(f"/desk?date={TOMORROW.isoformat()}").get_data(as_text=True)
    assert "2026年11月24日 星期二" in page
    for name in ("心理咨询室", "绘本馆", "养老驿站"):
        assert name in page
    assert "陈一诺" in page  # the library is not confidential
    room_row = re.search(r"<tr>\s*<th scope=\"row\"><span class=\"space\">心理咨询室.*?</tr>", page, re.S).group(0)
    assert "王*华" in room_row and "王建华" not in room_row  # confidential: a masked name on the shared screen


def test_a_refused_booking_names_the_rule_and_one_click_books_an_alternative(world):
    desk = world.client("staff")
    refused = _book(world, desk)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "该时段已被预约" in page
    starts = re.findall(r'name="start" value="(\d\d:\d\d)"', page)
    dates = re.findall(r'name="date" value="([\d-]+)"', page)
    assert starts, "alternatives are offered as buttons"
    taken = _book(world, desk, start=starts[0], date=dates[0])
    assert taken.status_code == 302
    made = _bookings(world, resident_id=world.ids["parent"])
    assert len(made) == 1 and made[0].channel == "phone"


def test_a_rule_other_than_a_clash_is_shown_in_words(world):
    response = _book(world, world.client("staff"), resource_id=world.ids["station"], resident_id=world.ids["child"])
    assert response.status_code == 409
    assert "该空间不对此居民开放" in response.get_data(as_text=True)


def test_a_weekly_series_books_every_week(world):
    response = _book(world, world.client("staff"), resource_id=world.ids["library"], start="14:00", repeat="4")
    assert response.status_code == 302
    made = _bookings(world, resident_id=world.ids["parent"])
    assert len(made) == 4 and len({b.series_id for b in made}) == 1


def test_checking_in_and_marking_no_show(world):
    desk = world.client("staff")
    current = world.ids["current_booking"]
    assert world.post(desk, f"/desk/bookings/{current}/check-in").status_code == 302
    assert _bookings(world, id=current)[0].status == "checked_in"
    later = world.ids["their_station_booking"]
    response = world.post(desk, f"/desk/bookings/{later}/no-show", follow_redirects=True)
    assert "预约尚未开始" in response.get_data(as_text=True)
    assert _bookings(world, id=later)[0].status == "confirmed"


def test_cancelling_needs_a_reason_and_records_it(world):
    desk = world.client("staff")
    target = world.ids["my_booking"]
    world.post(desk, f"/desk/bookings/{target}/cancel", {"reason": ""})
    assert _bookings(world, id=target)[0].status == "confirmed"
    world.post(desk, f"/desk/bookings/{target}/cancel", {"reason": "身体不适", "detail": "感冒"})
    cancelled = _bookings(world, id=target)[0]
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "身体不适：感冒"


def test_the_roster_lists_the_day_with_a_signature_column(world):
    page = world.client("staff").get(f"/desk/roster?resource_id={world.ids['library']}&date={TOMORROW.isoformat()}")
    text = page.get_data(as_text=True)
    assert "签名" in text and "陈一诺" in text and "data-print" in text


def test_registering_a_resident_then_finding_them(world):
    desk = world.client("staff")
    response = world.post(desk, "/desk/residents/new", {"name": "赵大妈", "birth_date": "1949-09-09",
                                                       "phone": "13600000009", "lives_alone": "1"})
    assert response.status_code == 302
    with world.app.app_context():
        person = db.session.scalar(select(Resident).where(Resident.name == "赵大妈"))
        assert person.lives_alone and "special" in person.groups_on(TOMORROW)
    found = desk.get("/desk/residents?q=1360000").get_data(as_text=True)
    assert "赵大妈" in found


def test_registering_with_a_birth_date_in_the_future_is_refused_in_words(world):
    response = world.post(world.client("staff"), "/desk/residents/new", {"name": "未来人", "birth_date": "2030-01-01"})
    assert response.status_code == 422
    assert "出生日期不合理" in response.get_data(as_text=True)


def test_reading_a_counselling_booking_and_a_resident_record_is_audited(world):
    desk = world.client("staff")
    desk.get(f"/desk/bookings/{world.ids['their_booking']}")
    desk.get(f"/desk/residents/{world.ids['other']}")
    desk.get(f"/desk/bookings/{world.ids['my_booking']}")  # the library is not sensitive
    with world.app.app_context():
        rows = {(e.action, e.object_type, e.object_id) for e in db.session.scalars(select(AuditEntry))}
    assert ("read", "booking", world.ids["their_booking"]) in rows
    assert ("read", "resident", world.ids["other"]) in rows
    assert ("read", "booking", world.ids["my_booking"]) not in rows
    admin_page = world.client("admin").get("/admin/audit").get_data(as_text=True)
    assert "desk" in admin_page and f'href="/desk/bookings/{world.ids["their_booking"]}"' in admin_page


def test_the_board_shows_a_change_at_once_though_its_table_is_reused(world):
    desk = world.client("staff")
    today_board = "/desk"
    assert "已签到" not in desk.get(today_board).get_data(as_text=True)
    assert "已签到" not in desk.get(today_board).get_data(as_text=True)  # second view: the reused table
    world.post(desk, f"/desk/bookings/{world.ids['current_booking']}/check-in")
    assert "已签到" in desk.get(today_board).get_data(as_text=True)
    world.post(desk, "/operator/closures")  # nothing: wrong role, the board must not change
    admin = world.client("admin")
    world.post(admin, "/admin/closures", {"resource_id": world.ids["station"], "start_date": "2026-11-23",
                                          "start": "12:00", "end_date": "2026-11-23", "end": "13:00",
                                          "reason": "消毒"})
    assert "消毒" in desk.get(today_board).get_data(as_text=True)
