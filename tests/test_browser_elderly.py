"""长辈版 to the MIIT rules (移动互联网应用适老化通用设计规范, 2021), measured in Chromium on a 390 px phone:
in large-text mode main functions in ≥ 30 px type, body ≥ 18 px, line height ≥ 1.3, every tap target ≥ 60 × 60,
no pop-ups, a prominent switch on the first page; in ordinary mode every tap target ≥ 44 × 44. Contrast
(≥ 4.5:1) is axe-core's color-contrast rule, run on every page."""
import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser_server import LiveServer, axe_violations
from tests.web_world import LOGINS, PASSWORD, TOMORROW, build
from tests.world import at

SHOTS = os.environ.get("SCREENSHOT_DIR")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
pytestmark = pytest.mark.slow

TARGETS = """(min) => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, summary')]
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && r.height > 0 && r.right > 0 && getComputedStyle(e).visibility !== 'hidden'
                      && !e.closest('table.board'))
  .filter(([e, r]) => r.width < min - 0.5 || r.height < min - 0.5)
  .map(([e, r]) => `${e.tagName} "${(e.innerText || e.value || e.name || '').trim().slice(0, 24)}" `
                   + `${Math.round(r.width)}×${Math.round(r.height)}`)"""
# Elements that carry text of their own (not only through children), visible, not screen-reader-only.
TEXTS = """([minSize, minRatio]) => [...document.querySelectorAll('body *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(e => e.getClientRects().length && !e.closest('.sr') && !['SCRIPT', 'STYLE', 'TITLE', 'OPTION'].includes(e.tagName))
  .map(e => [e, getComputedStyle(e)])
  .filter(([e, s]) => parseFloat(s.fontSize) < minSize || !(parseFloat(s.lineHeight) / parseFloat(s.fontSize) >= minRatio - 0.001))
  .map(([e, s]) => `${e.tagName} "${e.textContent.trim().slice(0, 20)}" ${s.fontSize}/${s.lineHeight}`)"""
MAIN_FUNCTIONS = """() => [...document.querySelectorAll('.slot-button, button.primary, .button.primary')]
  .filter(e => e.getClientRects().length)
  .map(e => [e, [e, ...e.querySelectorAll('*')].filter(c => !c.closest('.sr') && c.getClientRects().length
                    && [...c.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))])
  .map(([e, parts]) => [e.innerText.trim().slice(0, 20), Math.min(...parts.map(c => parseFloat(getComputedStyle(c).fontSize)))])"""


@pytest.fixture
def site(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'web.db'}")
    with LiveServer(world.app) as server:
        server.world = world
        yield server


def _phone(browser):
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def _sign_in(page, site):
    page.goto(site.url + "/login")
    page.get_by_label("手机号或用户名").fill(LOGINS["resident"])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _resident_pages(site) -> list[str]:
    ids = site.world.ids
    start = f"{TOMORROW.isoformat()}T11:00"
    return ["/my", "/my/book", f"/my/book/{ids['library']}?date={TOMORROW.isoformat()}",
            f"/my/book/{ids['library']}/confirm?start={start}", f"/my/bookings/{ids['my_booking']}/cancel",
            "/my/waitlist", "/calendar", f"/calendar/spaces/{ids['library']}?view=week"]


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


def _check(page, url: str, target: int, large: bool) -> list[str]:
    page.goto(url)
    assert page.evaluate(TARGETS, 10_000), f"{url}: no tap targets found: the check would prove nothing"
    problems = [f"target {t}" for t in page.evaluate(TARGETS, target)]
    problems += [f"axe {v['id']} {v['nodes'][:2]}" for v in axe_violations(page)]
    if large:
        problems += [f"text {t}" for t in page.evaluate(TEXTS, [18, 1.3])]
        problems += [f"main function {name!r} {size}px" for name, size in page.evaluate(MAIN_FUNCTIONS) if size < 30]
    return [f"{url}: {p}" for p in problems]


def test_the_first_page_has_a_prominent_switch_that_says_whether_large_text_is_on(browser, site):
    page = _phone(browser)
    page.goto(site.url + "/")
    switch = page.locator("main").get_by_role("button", name="大字：关")
    box = switch.bounding_box()
    assert box["height"] >= 60 and box["width"] >= 300  # across the phone, not a corner icon
    switch.click()
    on = page.locator("main").get_by_role("button", name="大字：开")
    assert on.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("banner").get_by_role("button", name="大字：开").is_visible()


def test_large_text_meets_the_miit_sizes_on_every_resident_page(browser, site):
    page = _phone(browser)
    page.goto(site.url + "/")
    page.locator("main").get_by_role("button", name="大字：关").click()
    problems = _check(page, site.url + "/", 60, True) + _check(page, site.url + "/login", 60, True)
    _sign_in(page, site)
    for path in _resident_pages(site):
        problems += _check(page, site.url + path, 60, True)
    slot = page.goto(f"{site.url}/my/book/{site.world.ids['library']}?date={TOMORROW.isoformat()}") and \
        page.locator(".slot-button").first
    size = float(slot.evaluate("e => getComputedStyle(e.querySelector('.t')).fontSize").rstrip("px"))
    assert size >= 30 and slot.bounding_box()["height"] >= 60
    assert not problems, "\n".join(problems)
    assert not page.dialogs


def test_ordinary_mode_keeps_every_tap_target_at_least_44_px(browser, site):
    page = _phone(browser)
    problems = _check(page, site.url + "/", 44, False) + _check(page, site.url + "/login", 44, False)
    _sign_in(page, site)
    for path in [*_resident_pages(site), "/feeds", f"/calendar/spaces/{site.world.ids['library']}"]:
        problems += _check(page, site.url + path, 44, False)
    assert not problems, "\n".join(problems)


def test_in_large_text_after_the_last_slot_today_says_its_times_have_passed(browser, site):
    site.world.app.config["FIXED_NOW"] = at(TOMORROW - timedelta(days=1), 20, 30)  # the library closed at 17:00
    page = _phone(browser)
    page.goto(site.url + "/")
    page.locator("main").get_by_role("button", name="大字：关").click()
    _sign_in(page, site)
    page.goto(f"{site.url}/my/book/{site.world.ids['library']}")
    assert page.locator("[aria-current=date]").inner_text().startswith("明天")  # opened where times are free
    slot = page.locator(".slot-button").first
    assert float(slot.evaluate("e => parseFloat(getComputedStyle(e.querySelector('.t')).fontSize)")) >= 30
    assert slot.bounding_box()["height"] >= 60 and slot.bounding_box()["width"] >= 60
    slot.scroll_into_view_if_needed()
    _shot(page, "resident-large-text-slots.png")
    page.get_by_role("link", name="今天").click()
    assert page.get_by_text("今天的时段已过").is_visible()
    _shot(page, "resident-large-text-today-passed.png")
