"""Operators see and block only their own spaces; admins run spaces, hours, closures, users and roles."""
import pytest
from sqlalchemy import select

from models import Closure, Resource, User, db
from tests.web_world import TOMORROW, build


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def test_an_operator_sees_its_spaces_and_nothing_else(world):
    page = world.client("operator").get(f"/operator?date={TOMORROW.isoformat()}").get_data(as_text=True)
    assert "心理咨询室" in page and "王建华" in page
    assert "绘本馆" not in page and "养老驿站" not in page and "陈一诺" not in page


def test_an_operator_blocks_time_for_staff_training_and_residents_then_cannot_book_it(world):
    client = world.client("operator")
    response = world.post(client, "/operator/closures", {"resource_id": world.ids["room"], "date": TOMORROW.isoformat(),
                                                        "start": "14:00", "end": "16:00", "reason": "员工培训"})
    assert response.status_code == 302
    slots = world.client("other").get(f"/my/book/{world.ids['room']}?date={TOMORROW.isoformat()}").get_data(as_text=True)
    assert "闭馆" in slots


def test_an_operator_cannot_block_another_organisations_space(world):
    client = world.client("operator")
    response = world.post(client, "/operator/closures", {"resource_id": world.ids["station"],
                                                        "date": TOMORROW.isoformat(), "start": "14:00", "end": "16:00",
                                                        "reason": "x"})
    assert response.status_code == 404
    with world.app.app_context():
        assert db.session.scalar(select(Closure)) is None


def test_an_admin_changes_a_spaces_rules_and_hours(world):
    client = world.client("admin")
    space_id = world.ids["library"]
    form = {"name": "绘本馆", "name_en": "Picture-book library", "kind": "picture_book_library", "capacity": "8",
            "slot_minutes": "30", "buffer_minutes": "0", "min_duration_minutes": "30", "max_duration_minutes": "120",
            "min_notice_minutes": "30", "window_days": "7", "special_window_days": "21", "weekly_quota": "3",
            "group_child": "1", "active": "1", "hours_0": "09:00-12:00, 14:00-17:00"}
    assert world.post(client, f"/admin/spaces/{space_id}", form).status_code == 302
    with world.app.app_context():
        space = db.session.get(Resource, space_id)
        assert (space.capacity, space.slot_minutes, space.weekly_quota, space.groups) == (8, 30, 3, ["child"])
        assert space.group_window_days == {"special": 21}
        assert [(h.weekday, h.opens.hour, h.closes.hour) for h in space.hours] == [(0, 9, 12), (0, 14, 17)]


def test_bad_hours_are_refused_in_words_and_nothing_changes(world):
    client = world.client("admin")
    response = world.post(client, f"/admin/spaces/{world.ids['library']}",
                          {"name": "绘本馆", "name_en": "Library", "kind": "x", "capacity": "8", "slot_minutes": "60",
                           "buffer_minutes": "0", "min_duration_minutes": "30", "max_duration_minutes": "120",
                           "min_notice_minutes": "30", "window_days": "7", "hours_0": "9点到12点"})
    assert response.status_code == 422 and "星期一的开放时间格式应为 08:00-12:00：9点到12点" in response.get_data(as_text=True)
    with world.app.app_context():
        assert db.session.get(Resource, world.ids["library"]).capacity == 2


SPACE_FORM = {"name": "绘本馆", "name_en": "Library", "kind": "picture_book_library", "capacity": "8",
              "slot_minutes": "60", "buffer_minutes": "0", "min_duration_minutes": "30", "max_duration_minutes": "120",
              "min_notice_minutes": "30", "window_days": "7"}


def test_the_space_form_offers_the_kinds_as_a_list_with_their_names(world):
    page = world.client("admin").get(f"/admin/spaces/{world.ids['library']}").get_data(as_text=True)
    assert '<select id="kind" name="kind" required>' in page
    assert '<option value="picture_book_library" selected>绘本馆、阅览室</option>' in page
    assert '<option value="counselling">心理咨询</option>' in page


def test_a_kind_not_on_the_list_is_refused_in_words(world):
    client = world.client("admin")
    response = world.post(client, f"/admin/spaces/{world.ids['library']}", {**SPACE_FORM, "kind": "library"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "空间类型“library”不在列表里，请从列表中选择" in text
    assert 'aria-invalid="true"' in text


def test_an_hours_error_names_the_day_in_the_readers_language(world):
    client = world.client("admin")
    bad = {**SPACE_FORM, "hours_0": "09:00-12:00", "hours_2": "17:00-08:00"}
    zh = world.post(client, f"/admin/spaces/{world.ids['library']}", bad).get_data(as_text=True)
    assert "星期三的开放时间：结束时间须晚于开始时间（17:00-08:00）" in zh
    en = world.post(client, f"/admin/spaces/{world.ids['library']}", bad, headers={"Accept-Language": "en"})
    assert "Wednesday" in en.get_data(as_text=True)


def test_an_admin_closes_the_whole_centre(world):
    client = world.client("admin")
    form = {"resource_id": "centre", "start_date": TOMORROW.isoformat(), "start": "08:00",
            "end_date": TOMORROW.isoformat(), "end": "20:00", "reason": "消防检查"}
    first = world.post(client, "/admin/closures", form).get_data(as_text=True)
    assert "这次闭馆会取消 3 个预约" in first and "王建华" in first and "陈一诺" in first  # seen before saving
    with world.app.app_context():
        assert db.session.scalar(select(Closure)) is None
    saved = world.post(client, "/admin/closures", {**form, "confirm": "1"}, follow_redirects=True)
    assert "已取消 3 个预约并通知居民" in saved.get_data(as_text=True)
    with world.app.app_context():
        closure = db.session.scalar(select(Closure))
        assert closure.resource_id is None and closure.reason == "消防检查"


def test_an_admin_creates_an_operator_login(world):
    client = world.client("admin")
    world.post(client, "/admin/users", {"username": "kids", "password": "kids-pass-42", "role": "operator",
                                        "organisation": "小橡树早教"})
    with world.app.app_context():
        user = db.session.scalar(select(User).where(User.username == "kids"))
        assert user.role == "operator" and user.organisation == "小橡树早教"


def test_an_operator_closing_over_a_booking_sees_how_many_but_not_who_and_the_resident_is_told(world):
    from models import OutboxMessage

    client = world.client("operator")
    form = {"resource_id": world.ids["room"], "date": TOMORROW.isoformat(), "start": "09:00", "end": "12:00",
            "reason": "员工培训"}
    first = world.post(client, "/operator/closures", form).get_data(as_text=True)
    assert "这次闭馆会取消 1 个预约" in first and "王建华" not in first
    saved = world.post(client, "/operator/closures", {**form, "confirm": "1"}, follow_redirects=True)
    assert "已取消 1 个预约并通知居民" in saved.get_data(as_text=True)
    with world.app.app_context():
        [notice] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "closure_notice"))
        assert notice.booking_id == world.ids["their_booking"] and "员工培训" in notice.body
