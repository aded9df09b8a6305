"""In Chromium: a resident books and cancels on a phone; the desk books a walk-in past a conflict, checks someone
in and prints the roster; an operator sees only its spaces; axe-core finds no serious WCAG 2.1 AA violation."""
import os
import re
from pathlib import Path

import pytest

from tests.browser_server import LiveServer, axe_violations
from tests.web_world import LOGINS, PASSWORD, TOMORROW, build

SHOTS = os.environ.get("SCREENSHOT_DIR")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'web.db'}")
    with LiveServer(world.app) as server:
        server.world = world
        yield server


def _page(browser, site, **options):
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    return page


def _sign_in(page, site, who):
    page.goto(site.url + "/login")
    page.get_by_label("手机号或用户名").fill(LOGINS[who])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _shot(page, name, full_page=False):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=full_page)


def _no_serious_axe(page):
    found = axe_violations(page)
    assert not found, f"{page.url}: {found}"


def test_a_resident_books_sees_and_cancels_a_slot_on_a_phone(browser, site):
    page = _page(browser, site, **PHONE)
    _sign_in(page, site, "resident")
    assert page.url.endswith("/my")
    _shot(page, "resident-1-my-bookings.png")
    _no_serious_axe(page)
    page.get_by_role("link", name="+ 预约场地").click()
    page.get_by_role("link", name="周桂兰").click()
    _no_serious_axe(page)
    _shot(page, "resident-2-choose-space.png")
    page.get_by_role("link", name="养老驿站").click()
    page.get_by_role("link", name=re.compile(r"^明天\s*2026年\s*11月24日 星期二$")).click()
    slot = page.get_by_role("button", name=re.compile(r"^2026年11月24日 星期二 14:00–15:00\s*，\s*还剩 30 个名额"))
    _shot(page, "resident-3-pick-slot.png", full_page=True)
    _no_serious_axe(page)
    slot.click()
    assert "2026年11月24日 星期二 14:00–15:00" in page.inner_text("main")
    _shot(page, "resident-4-confirm.png")
    _no_serious_axe(page)
    page.get_by_role("button", name="确认预约").click()
    assert "预约成功" in page.inner_text("main")
    card = page.locator("li.card", has_text="养老驿站")
    assert "周桂兰" in card.inner_text()
    _shot(page, "resident-5-booked.png", full_page=True)
    card.get_by_role("link", name="取消").click()
    page.get_by_role("button", name="确认取消").click()
    assert "已取消预约" in page.inner_text("main")
    assert page.locator("li.card", has_text="养老驿站").count() == 0
    assert not page.csp_errors


def test_the_large_text_switch_makes_the_text_bigger(browser, site):
    page = _page(browser, site, **PHONE)
    _sign_in(page, site, "resident")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 18
    page.get_by_role("banner").get_by_role("button", name="大字：关").click()
    page.get_by_role("banner").get_by_role("button", name="大字：开").wait_for()
    larger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert larger > size * 1.15


def test_the_desk_books_a_walk_in_past_a_conflict_checks_in_and_prints(browser, site):
    page = _page(browser, site, viewport={"width": 1400, "height": 900})
    _sign_in(page, site, "staff")
    page.goto(f"{site.url}/desk?date={TOMORROW.isoformat()}")
    _shot(page, "desk-day-board.png", full_page=True)
    _no_serious_axe(page)
    page.get_by_role("link", name="+ 代为预约").click()
    page.get_by_label("搜索居民：姓名、手机号或楼栋").fill("周丽娟")
    page.get_by_label("搜索居民：姓名、手机号或楼栋").press("Enter")
    page.get_by_role("link", name="选择 周丽娟").click()
    page.get_by_label("空间", exact=True).select_option(label="心理咨询室（容量 1）")
    page.get_by_label("日期", exact=True).fill(TOMORROW.isoformat())
    page.get_by_role("button", name="查看空闲时段").click()
    assert page.get_by_role("button", name="10:00–11:00 已满").is_disabled()  # a slot button cannot conflict
    page.get_by_text("其他开始时间或时长").click()  # a time typed by hand still can, and is answered
    page.get_by_label("开始时间", exact=True).fill("10:00")
    page.get_by_role("button", name="确认预约").click()
    problem = page.get_by_role("alert").filter(has_text="无法预约")
    assert "该时段已被预约" in problem.inner_text()
    _shot(page, "desk-conflict-alternatives.png", full_page=True)
    _no_serious_axe(page)
    problem.get_by_role("button").first.click()
    assert "已为 周丽娟 预约：心理咨询室" in page.inner_text("main")
    page.goto(site.url + "/desk")
    page.locator("a.bk", has_text="王建华").first.click()
    page.get_by_role("button", name="签到").click()
    assert "已签到" in page.inner_text("main")
    page.goto(f"{site.url}/desk/roster?resource_id={site.world.ids['library']}&date={TOMORROW.isoformat()}")
    _no_serious_axe(page)
    page.evaluate("window.__printed = false; window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert page.get_by_role("columnheader", name="签名").is_visible()
    assert not page.csp_errors


def test_an_operator_sees_only_its_spaces(browser, site):
    page = _page(browser, site, viewport={"width": 1200, "height": 900})
    _sign_in(page, site, "operator")
    page.goto(f"{site.url}/operator?date={TOMORROW.isoformat()}")
    text = page.inner_text("main")
    assert "心理咨询室" in text and "绘本馆" not in text and "养老驿站" not in text
    nav = page.get_by_role("navigation").inner_text()
    assert "今日总览" not in nav
    response = page.goto(site.url + "/desk")
    assert response.status == 403


def test_the_desk_books_from_a_board_cell_with_a_slot_button_and_prints_a_slip(browser, site):
    page = _page(browser, site, viewport={"width": 1366, "height": 900})
    _sign_in(page, site, "staff")
    page.goto(f"{site.url}/desk?date={TOMORROW.isoformat()}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("明天 · 2026年11月24日 星期二")
    page.locator(f"a[href*='resource_id={site.world.ids['library']}'][href*='start=11:00']").click()
    page.get_by_label("搜索居民：姓名、手机号或楼栋").fill("周桂兰")
    page.get_by_label("搜索居民：姓名、手机号或楼栋").press("Enter")
    page.get_by_role("link", name="选择 周桂兰").click()
    chosen = page.get_by_role("button", name="11:00–12:00 余2")
    assert "chosen" in chosen.get_attribute("class")  # the cell's time, ready to press
    _shot(page, "desk-book-slot-buttons.png", full_page=True)
    _no_serious_axe(page)
    chosen.click()
    assert "已为 周桂兰 预约：绘本馆 11月24日 星期二 11:00–12:00" in page.inner_text("main")
    _no_serious_axe(page)
    _shot(page, "desk-slip.png")
    page.evaluate("window.__printed = false; window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="打印预约凭条").click()
    assert page.evaluate("window.__printed")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.get_by_text("已为 周桂兰").is_visible()
    slip = page.locator("article.receipt")
    assert slip.bounding_box()["width"] <= 80 / 25.4 * 96  # fits 80 mm paper (and A6, 105 mm)
    assert "绘本馆" in slip.inner_text() and "11:00–12:00" in slip.inner_text()
    assert not page.csp_errors


def test_check_in_is_offered_only_when_it_is_allowed(browser, site):
    page = _page(browser, site, viewport={"width": 1366, "height": 900})
    _sign_in(page, site, "staff")
    page.goto(f"{site.url}/desk/bookings/{site.world.ids['their_booking']}")  # tomorrow 10:00
    assert page.get_by_role("button", name="签到").count() == 0
    assert "签到从 2026年11月24日 星期二 09:00 开始" in page.inner_text("main")
    _no_serious_axe(page)
    page.goto(f"{site.url}/desk/bookings/{site.world.ids['current_booking']}")  # now, 08:00
    page.get_by_role("button", name="签到").click()
    assert "已签到" in page.inner_text("main")


def test_a_closure_over_two_bookings_lists_them_cancels_them_and_queues_two_notices(browser, site):
    from sqlalchemy import select

    from models import Booking, OutboxMessage, db

    page = _page(browser, site, viewport={"width": 1366, "height": 900})
    _sign_in(page, site, "admin")
    page.goto(site.url + "/admin/closures")
    page.get_by_label("空间", exact=True).select_option(label="整个中心（所有空间）")
    for field, value in (("开始日期", TOMORROW.isoformat()), ("开始时间", "10:00"), ("结束日期", TOMORROW.isoformat()),
                         ("结束时间", "11:00"), ("原因", "消防演练")):
        page.get_by_label(field, exact=True).fill(value)
    page.get_by_role("button", name="添加闭馆").click()
    hits = page.locator("section.problem")
    assert "这次闭馆会取消 2 个预约" in hits.inner_text()
    assert "陈一诺" in hits.inner_text() and "王建华" in hits.inner_text()
    _shot(page, "admin-closure-hits.png", full_page=True)
    _no_serious_axe(page)
    with site.world.app.app_context():
        assert db.session.scalar(select(Booking.status).where(Booking.id == site.world.ids["my_booking"])) == "confirmed"
    hits.get_by_role("button", name="确认闭馆，取消这些预约并通知居民").click()
    assert "已取消 2 个预约并通知居民" in page.inner_text("main")
    with site.world.app.app_context():
        ids = [site.world.ids["my_booking"], site.world.ids["their_booking"]]
        assert set(db.session.scalars(select(Booking.status).where(Booking.id.in_(ids)))) == {"cancelled"}
        notices = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "closure_notice")))
        assert sorted(n.booking_id for n in notices) == sorted(ids)
        assert all("消防演练" in n.body and "/my/book/" in n.body for n in notices)
    assert not page.csp_errors
