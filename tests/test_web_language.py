"""Chinese by default, English on request; dates as people write them; no untranslated text on the main pages."""
import re

import pytest

from tests.web_world import TOMORROW, build

# Data, not interface: names of people, spaces' Chinese names kept in records, organisations, the 中文 switch.
DATA = ("周丽娟", "陈一诺", "周桂兰", "王建华", "李秀英", "王*华", "心晴心理咨询工作室", "颐康养老服务中心", "中文")
PAGES = {"resident": ["/my", "/my/book", "/my/book/{library}?date=" + TOMORROW.isoformat(), "/account/password"],
         "staff": ["/desk?date=" + TOMORROW.isoformat(), "/desk/book?resident_id={parent}&resource_id={room}",
                   "/desk/residents/{other}", "/desk/roster?resource_id={library}&date=" + TOMORROW.isoformat(),
                   "/desk/bookings/{my_booking}"],
         "operator": ["/operator?date=" + TOMORROW.isoformat(), "/operator/closures"],
         "admin": ["/admin", "/admin/spaces", "/admin/spaces/{room}", "/admin/users", "/admin/audit"],
         None: ["/", "/login", "/activate"]}


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def _visible_text(html: str) -> str:
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


@pytest.mark.parametrize("who", list(PAGES))
def test_english_pages_have_no_untranslated_chinese(world, who):
    client = world.client(who)
    for path in PAGES[who]:
        response = client.get(path.format(**world.ids), headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert response.status_code == 200, path
        text = _visible_text(response.get_data(as_text=True))
        for data in DATA:
            text = text.replace(data, "")
        leftovers = re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", text)
        assert not leftovers, f"{path}: untranslated {leftovers[:10]}"


@pytest.mark.parametrize("who", list(PAGES))
def test_chinese_pages_render_by_default(world, who):
    client = world.client(who)
    for path in PAGES[who]:
        response = client.get(path.format(**world.ids))
        assert response.status_code == 200, path
        assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_dates_read_the_chinese_way_and_the_english_way(world):
    client = world.client("staff")
    path = f"/desk?date={TOMORROW.isoformat()}"
    assert "2026年11月24日 星期二" in client.get(path).get_data(as_text=True)
    assert "Tuesday 24 November 2026" in client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_users_language_choice_follows_them_to_another_device(world):
    phone = world.client("resident")
    world.post(phone, "/settings/language", {"language": "en", "back": "/my"})
    laptop = world.client("resident")
    page = laptop.get("/my", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "My bookings" in page


def test_the_large_text_switch_is_remembered(world):
    client = world.client("resident")
    world.post(client, "/settings/text-size", {"large": "1", "back": "/my"})
    assert 'class="large-text"' in client.get("/my").get_data(as_text=True)
