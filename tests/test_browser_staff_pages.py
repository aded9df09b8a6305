"""In Chromium, on the Hongmei demo centre: the circle map writes every building's name on the map with a
legend; a session's cell on the day board opens its roster; the audit log, the space form, the feeds page
and the circle pages stay clean under axe-core (WCAG 2.1 AA)."""
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ActivitySession, Building, db
from services.demo import demo
from tests.browser_server import LiveServer, axe_violations
from tests.world import NOW, TZ, make_app

SHOTS = os.environ.get("SCREENSHOT_DIR")
PASSWORDS = {"desk": "hongmei-desk", "admin": "hongmei-admin"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}", FIXED_NOW=NOW)
    with app.app_context():
        demo.seed(db.session, NOW, TZ)
        db.session.commit()
    with LiveServer(app) as server:
        server.app = app
        yield server


def _signed_in(browser, site, who: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    page.goto(site.url + "/login")
    page.get_by_label("手机号或用户名").fill(who)
    page.get_by_label("密码").fill(PASSWORDS[who])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def _shot(page, name: str, full_page: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=full_page)


def _no_serious_axe(page) -> None:
    found = axe_violations(page)
    assert not found, f"{page.url}: {found}"


def test_the_circle_map_shows_every_buildings_name_on_the_map_with_a_legend(browser, site):
    with site.app.app_context():
        names = list(db.session.scalars(select(Building.name)))
    page = _signed_in(browser, site, "desk")
    page.goto(site.url + "/circle/")
    drawn = page.locator("svg.circle-map g.building").evaluate_all(
        "gs => gs.map(g => { const t = g.querySelector('text.building-label'), b = t.getBBox();"
        " return {title: g.querySelector('title').textContent, text: t.textContent,"
        " box: [b.x, b.y, b.x + b.width, b.y + b.height]}; })")
    assert len(drawn) == len(names)
    for mark in drawn:  # the name (or, where buildings crowd, its house number) is written on the map itself
        full = mark["title"].split("：")[0]
        assert full in names and mark["text"] and full.endswith(mark["text"]), mark
        assert mark["box"][2] - mark["box"][0] > 0
    boxes = [m["box"] for m in drawn]
    crossing = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert not crossing, f"building names written over each other: {crossing}"
    legend = page.locator("ul.map-legend")
    assert legend.is_visible() and "楼栋：未覆盖（方块带叉）" in legend.inner_text()
    _shot(page, "circle-map.png", full_page=True)
    _no_serious_axe(page)
    for path in ("/circle/gaps", "/circle/gaps?by=type", "/circle/trend"):
        page.goto(site.url + path)
        _no_serious_axe(page)
    page.goto(site.url + "/circle/gaps")
    _shot(page, "circle-gaps-by-building.png")


def test_a_session_cell_on_the_day_board_opens_the_sessions_roster(browser, site):
    with site.app.app_context():
        row = db.session.scalar(select(ActivitySession).where(ActivitySession.starts_at > NOW)
                                .order_by(ActivitySession.starts_at))
        day, title = row.starts_at.astimezone(TZ).date(), row.activity.title
        session_id = row.id
    page = _signed_in(browser, site, "desk")
    page.goto(f"{site.url}/desk?date={day.isoformat()}")
    cell = page.locator(f"table.board a[href='/programme/sessions/{session_id}']")
    assert cell.count() >= 1
    cell.first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/programme/sessions/{session_id}")
    assert title in page.get_by_role("heading", level=1).inner_text()
    _no_serious_axe(page)


def test_the_admins_pages_touched_here_stay_clean_under_axe(browser, site):
    page = _signed_in(browser, site, "admin")
    for resident_id in (1, 2, 3):  # audited reads, so the log has names to show
        page.goto(f"{site.url}/desk/residents/{resident_id}")
    page.goto(site.url + "/admin/audit")
    assert page.get_by_role("link", name="居民档案").count() >= 1
    _shot(page, "admin-audit-log.png")
    _no_serious_axe(page)
    page.goto(site.url + "/admin/spaces/1")
    assert page.get_by_label("空间类型").evaluate("e => e.tagName") == "SELECT"
    _no_serious_axe(page)
    page.goto(site.url + "/feeds?q=三区")
    assert page.locator("input[type=radio][name=resident_id]").count() >= 1
    _no_serious_axe(page)
