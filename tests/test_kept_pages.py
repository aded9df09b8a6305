"""Page parts a worker renders once and reuses (the header of every page, the whole day board) and session cookies
it decodes once: what differs per reader (the session's CSRF token, the page's own address, a flashed message,
the session itself) must still be each reader's own."""
import collections
import re
import time
from datetime import timedelta

import pytest
from flask import render_template, request, template_rendered

from tests.web_login import csrf_token_from
from tests.web_world import TOMORROW, build
from tests.world import NOW
from views.security.csrf import csrf_token


@pytest.fixture
def world(tmp_path):
    built = build(f"sqlite:///{tmp_path / 'web.db'}")
    built.app.config["FIXED_NOW"] = NOW + timedelta(seconds=30)  # nothing is kept at a whole minute itself
    return built


@pytest.fixture
def rendered(world):
    """How many times each template was rendered."""
    counts = collections.Counter()

    def count(_app, template, **_extra):
        counts[template.name] += 1

    template_rendered.connect(count, world.app)
    yield counts
    template_rendered.disconnect(count, world.app)


def _header(page: str) -> str:
    return page[page.index('<header class="top">'):page.index("</header>")]


def _menu(page: str) -> list[str]:
    return re.findall(r"<li><a href=\"[^\"]+\"[^>]*>([^<]+)</a></li>", _header(page))


def test_each_session_gets_its_own_csrf_token_in_the_kept_header_and_signs_out_only_with_it(world):
    first, second = world.client("staff"), world.client("staff")
    pages = [client.get("/calendar").get_data(as_text=True) for client in (first, second)]
    tokens = [csrf_token_from(page) for page in pages]  # the <meta> tag, rendered per page
    assert tokens[0] != tokens[1]
    for page, token in zip(pages, tokens, strict=True):
        assert re.findall(r'name="csrf_token" value="([^"]+)"', _header(page)) == [token] * 3
    sign_out = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf_token" value="[^"]+">'
                         r'\s*<button type="submit">退出登录', _header(pages[0])).group(1)
    assert first.post(sign_out, data={"csrf_token": tokens[1]}).status_code == 400  # the other session's
    assert first.post(sign_out, data={"csrf_token": tokens[0]}).status_code == 302
    assert first.get("/calendar").status_code == 302  # signed out: back to the sign-in page


def test_the_header_sends_each_page_back_to_its_own_address_escaped(world):
    client = world.client("staff")
    client.get("/no/first")  # the 404 page's header is kept after this first one
    for path in ('/no/"><script>alert(1)</script>', "/no/other"):
        header = _header(client.get(path).get_data(as_text=True))
        assert "<script>" not in header
        backs = re.findall(r'name="back" value="([^"]+)"', header)
        assert len(backs) == 2 and len(set(backs)) == 1
        assert backs[0].startswith("/no/")
    assert 'value="/no/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;?"' in _header(
        client.get('/no/"><script>alert(1)</script>').get_data(as_text=True))


def test_the_kept_header_is_the_header_rendered_for_this_request(world):
    client = world.client("resident")
    path = "/my?from=%3Cb%3E%22"
    client.get(path)  # the first renders and keeps it
    page = client.get(path).get_data(as_text=True)
    cookie = client.get_cookie("session")
    with world.app.test_request_context(path, headers={"Cookie": f"session={cookie.value}"}):
        fresh = render_template("_header.html", csrf=csrf_token(), back=request.full_path)
    assert _header(page) + "</header>" == fresh.strip()


def test_the_menu_follows_the_readers_role_and_language_within_one_worker(world, rendered):
    staff, resident = world.client("staff"), world.client("resident")
    rendered.clear()
    for _ in range(2):  # the second round is served from the kept headers
        staff_menu = _menu(staff.get("/calendar").get_data(as_text=True))
        resident_menu = _menu(resident.get("/calendar").get_data(as_text=True))
        assert "今日总览" in staff_menu and "今日总览" not in resident_menu
        assert "我的预约" in resident_menu and "我的预约" not in staff_menu
    assert rendered["_header.html"] == 2 and rendered["calendar/index.html"] == 4
    world.post(staff, "/settings/language", {"language": "en", "back": "/calendar"})
    english = staff.get("/calendar").get_data(as_text=True)
    assert "Day board" in _menu(english) and "今日总览" not in english
    assert "我的预约" in _menu(resident.get("/calendar").get_data(as_text=True))  # still in Chinese


def test_the_text_size_switch_and_the_current_page_follow_the_reader(world):
    client = world.client("resident")
    assert "大字：关" in _header(client.get("/my").get_data(as_text=True))
    world.post(client, "/settings/text-size", {"large": "1", "back": "/my"})
    header = _header(client.get("/my").get_data(as_text=True))
    assert "大字：开" in header and 'aria-pressed="true"' in header
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', _header(client.get("/calendar").get_data(
        as_text=True)))
    assert current == ["/calendar"]


def test_every_desk_reader_gets_the_kept_day_board_with_their_own_token_and_only_their_own_message(world, rendered):
    first, second = world.client("staff"), world.client("staff")
    board = f"/desk?date={TOMORROW}"
    rendered.clear()
    pages = [client.get(board).get_data(as_text=True) for client in (first, second, first, second)]
    assert rendered["desk/board.html"] == 1  # rendered for the first reader, served to all four
    assert pages[0] == pages[2] and pages[1] == pages[3] and pages[0] != pages[1]
    assert re.sub(r'value="[^"]+"|content="[^"]+"', "", pages[0]) == re.sub(r'value="[^"]+"|content="[^"]+"', "",
                                                                          pages[1])
    for page, client in ((pages[0], first), (pages[1], second)):
        token = csrf_token_from(page)
        with client.session_transaction() as session:
            assert session["csrf_token"] == token
        assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == {token}
    assert "周丽娟" not in pages[0] and "陈一诺" in pages[0]  # the child's booking at 10:00
    cancelled = world.post(first, f"/desk/bookings/{world.ids['my_booking']}/cancel", {"reason": "中心临时闭馆"},
                           follow_redirects=True).get_data(as_text=True)
    assert "已取消预约" in cancelled and "陈一诺" not in cancelled  # the message, and the board without it
    assert "已取消预约" not in first.get(board).get_data(as_text=True)  # shown once
    other = second.get(board).get_data(as_text=True)
    assert "已取消预约" not in other and "陈一诺" not in other
    admin = world.client("admin")  # another account: its language is its own
    world.post(admin, "/settings/language", {"language": "en", "back": board})
    assert "Day board" in admin.get(board).get_data(as_text=True)
    assert "今日总览" in first.get(board).get_data(as_text=True)


def test_a_kept_session_cookie_is_still_refused_once_older_than_the_session_lifetime(world, monkeypatch):
    client = world.client("staff")
    assert client.get("/calendar").status_code == 200
    cookie = client.get_cookie("session").value
    assert any(key[-1] == cookie for key in world.app.session_interface._kept)  # decoded once, and kept
    world.app.permanent_session_lifetime = timedelta(minutes=30)
    assert client.get("/calendar").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)  # itsdangerous and the kept cookies both read this clock
    assert client.get("/calendar").status_code == 302  # to the sign-in page, as Flask refuses it


def test_a_changed_kept_session_cookie_is_checked_again_and_refused(world):
    client = world.client("staff")
    assert client.get("/calendar").status_code == 200
    cookie = client.get_cookie("session").value
    payload, rest = cookie.split(".", 1)
    client.set_cookie("session", payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest)
    assert client.get("/calendar").status_code == 302


def test_a_residents_kept_slot_page_is_theirs_alone(world, rendered):
    mine = f"/my/book/{world.ids['library']}?for={world.ids['child']}&date={TOMORROW}"
    resident, other = world.client("resident"), world.client("other")
    rendered.clear()
    first, again = (resident.get(mine).get_data(as_text=True) for _ in range(2))
    assert rendered["portal/slots.html"] == 1 and "为 陈一诺 预约" in again
    assert re.sub(r'value="[^"]+"|content="[^"]+"', "", first) == re.sub(r'value="[^"]+"|content="[^"]+"', "", again)
    assert other.get(mine).status_code == 404  # the same address, another account: not in their care
    theirs = other.get(f"/my/book/{world.ids['library']}?date={TOMORROW}").get_data(as_text=True)
    assert "为 王建华 预约" in theirs and "陈一诺" not in theirs
    assert csrf_token_from(theirs) != csrf_token_from(again)
