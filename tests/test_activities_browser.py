"""In Chromium on a phone: a parent enrols a five-year-old in storytime and leaves again; the desk prints the
roster with its QR code; axe-core finds no serious WCAG 2.1 AA violation; tap targets are large."""
import pytest

from models import db
from services.activities import programme
from services.activities.programme import ActivityInput
from tests.browser_server import LiveServer
from tests.test_activities_pages import SATURDAY
from tests.test_browser_web import PHONE, _no_serious_axe, _page, _shot, _sign_in
from tests.web_world import at, build
from tests.world import DESK, context

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'web.db'}")
    with world.app.app_context():
        data = ActivityInput(title="绘本故事会", title_en="Storytime", kind="storytime", seats=2,
                             resource_id=world.ids["library"], start=at(SATURDAY, 10), end=at(SATURDAY, 11),
                             groups=["child"], min_age=3, max_age=6)
        world.ids["storytime"] = programme.create_activity(db.session, DESK, data,
                                                           context(db.session)).sessions[0].id
    with LiveServer(world.app) as server:
        server.world = world
        yield server


def test_a_parent_enrols_a_five_year_old_from_a_phone_and_leaves_again(browser, site):
    page = _page(browser, site, **PHONE)
    _sign_in(page, site, "resident")
    page.get_by_role("link", name="活动", exact=True).first.click()
    enrol = page.get_by_role("button", name="为 陈一诺 报名 绘本故事会")
    assert enrol.bounding_box()["height"] >= 44 and enrol.bounding_box()["width"] >= 44
    _no_serious_axe(page)
    _shot(page, "activities-1-resident.png", full_page=True)
    enrol.click()
    page.wait_for_load_state()
    assert page.get_by_text("陈一诺 已报名").is_visible()
    _shot(page, "activities-2-enrolled.png", full_page=True)
    page.get_by_role("button", name="退出活动").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="为 陈一诺 报名 绘本故事会").is_visible()


def test_the_desk_prints_a_roster_with_a_signature_column_and_the_qr_code(browser, site):
    page = _page(browser, site, viewport={"width": 1280, "height": 900})
    _sign_in(page, site, "staff")
    page.goto(f"{site.url}/programme/sessions/{site.world.ids['storytime']}")
    page.get_by_label("居民编号").fill(str(site.world.ids["child"]))
    page.get_by_role("button", name="报名", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("table").get_by_text("陈一诺").is_visible()
    assert page.locator("figure.qr svg").count() == 1 and page.locator("th.sign").count() == 1
    _no_serious_axe(page)
    _shot(page, "activities-3-roster.png", full_page=True)
