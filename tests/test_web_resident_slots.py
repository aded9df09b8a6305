"""The resident's slot page and what surrounds it: where it opens, what the days and slots say, the waitlist
right at a full slot, a cancellation that names the booking, and a forgotten password."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import OutboxMessage, db
from tests.web_world import TOMORROW, build
from tests.world import at

TODAY = TOMORROW - timedelta(days=1)


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def _day_buttons(page: str) -> list[str]:
    days = page[page.index('class="days"'):page.index('id="pick-time"')]
    return re.findall(r'class="button day[^"]*"', days)


def test_in_the_evening_the_page_opens_on_tomorrow_and_today_says_its_times_have_passed(world):
    world.app.config["FIXED_NOW"] = at(TODAY, 20, 30)  # the library closed at 17:00
    client = world.client("resident")
    page = client.get(f"/my/book/{world.ids['library']}").get_data(as_text=True)
    assert 'aria-current="date"' in page and "明天" in page
    current = page[page.index('aria-current="date"') - 300:page.index('aria-current="date"')]
    assert f"date={TOMORROW.isoformat()}" in current
    today = client.get(f"/my/book/{world.ids['library']}?date={TODAY.isoformat()}").get_data(as_text=True)
    assert "今天的时段已过" in today and "这一天不开放" not in today


def test_the_page_opens_today_while_today_still_has_times(world):
    page = world.client("resident").get(f"/my/book/{world.ids['library']}").get_data(as_text=True)
    current = page[page.index('aria-current="date"') - 300:page.index('aria-current="date"')]
    assert f"date={TODAY.isoformat()}" in current


def test_day_buttons_say_today_tomorrow_and_the_day_after_and_show_a_week_first(world):
    client = world.client("resident")
    page = client.get(f"/my/book/{world.ids['library']}").get_data(as_text=True)
    assert ">今天</strong>" in page and ">明天</strong>" in page and ">后天</strong>" in page
    assert len(_day_buttons(page)) == 7 and "更多日期" in page
    more = client.get(f"/my/book/{world.ids['library']}?more=1").get_data(as_text=True)
    assert len(_day_buttons(more)) == 15 and "更多日期" not in more  # the 14-day window and today


def test_the_waitlist_page_shows_each_persons_place_in_line(world):
    space, client = world.ids["library"], world.client("resident")
    world.post(client, f"/my/book/{space}/confirm?for={world.ids['parent']}", {"start": f"{TOMORROW}T10:00"})
    other = world.client("other")  # 王建华, then 周桂兰 join the line for the full 10:00
    assert world.post(other, "/my/waitlist", {"resource_id": space, "start": f"{TOMORROW}T10:00"}).status_code == 302
    world.post(client, "/my/waitlist", {"resource_id": space, "for": world.ids["mother"], "start": f"{TOMORROW}T10:00"})
    assert "您排在第 2 位" in client.get("/my/waitlist").get_data(as_text=True)
    assert "您排在第 1 位" in other.get("/my/waitlist").get_data(as_text=True)


def test_a_cancellation_names_the_booking_it_cancelled(world):
    client = world.client("resident")
    done = world.post(client, f"/my/bookings/{world.ids['my_booking']}/cancel", follow_redirects=True)
    assert "已取消预约：陈一诺 · 绘本馆 · 2026年11月24日 星期二 10:00–11:00" in done.get_data(as_text=True)
    with world.app.app_context():  # and a confirmation to 周丽娟, the child's mother
        [sent] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.booking_id == world.ids["my_booking"]))
        assert sent.kind == "cancellation_confirmed" and sent.recipient == "13800000001"


def test_the_sign_in_page_says_how_to_get_a_new_code_and_the_desk_issues_one_in_two_clicks(world):
    assert "忘记密码" in world.client().get("/login").get_data(as_text=True)
    desk = world.client("staff")
    found = desk.get("/desk/residents?q=周丽娟").get_data(as_text=True)
    record_url = re.search(r'href="(/desk/residents/\d+)">周丽娟', found).group(1)  # click one: the name
    record = desk.get(record_url).get_data(as_text=True)
    action = re.search(r'action="([^"]+/activation)"', record).group(1)
    assert "忘记密码：发新激活码" in record
    slip = world.post(desk, action).get_data(as_text=True)  # click two: the button
    assert "网上预约激活码" in slip and re.search(r'class="code"[^>]*>\d{4} \d{4}<', slip)
