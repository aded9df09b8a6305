"""Staff make a feed for a resident found by name or building (no phone numbers on the page), and for an
operator organisation chosen from the list of those that run spaces or have logins."""
import pytest
from sqlalchemy import select

from models import AuditEntry, CalendarFeed, db
from services.accounts import accounts
from tests.web_world import build
from tests.world import space


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def test_staff_find_a_resident_by_name_and_see_no_phone_number(world):
    page = world.client("staff").get("/feeds?q=王建华").get_data(as_text=True)
    assert f'<input type="radio" name="resident_id" value="{world.ids["other"]}" checked> 王建华 · 1950年生' in page
    assert "13900000002" not in page and 'name="resident_id" inputmode' not in page  # no typed ids any more
    with world.app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "resident",
                                                          AuditEntry.object_id == world.ids["other"]))


def test_a_search_that_finds_nobody_says_so(world):
    page = world.client("staff").get("/feeds?q=不存在的人").get_data(as_text=True)
    assert "没有找到“不存在的人”，请换个姓名或楼栋再找。" in page


def test_staff_make_a_feed_for_the_resident_they_found(world):
    client = world.client("staff")
    made = world.post(client, "/feeds", {"scope": "resident", "resident_id": str(world.ids["other"])})
    assert made.status_code == 201
    with world.app.app_context():
        assert db.session.scalar(select(CalendarFeed.resident_id)) == world.ids["other"]


def test_staff_choose_the_operator_organisation_from_the_list(world):
    client = world.client("staff")
    page = client.get("/feeds").get_data(as_text=True)
    assert '<select id="organisation" name="organisation">' in page
    assert '<option value="心晴心理咨询工作室">' in page and '<option value="颐康养老服务中心">' in page
    made = world.post(client, "/feeds", {"scope": "operator", "organisation": "颐康养老服务中心"})
    assert made.status_code == 201


def test_an_organisation_not_on_the_list_is_refused_in_words(world):
    refused = world.post(world.client("staff"), "/feeds", {"scope": "operator", "organisation": "随便写的机构"})
    assert refused.status_code == 422
    assert "没有名为“随便写的机构”的运营机构，请从列表中选择" in refused.get_data(as_text=True)


def test_the_organisations_are_those_running_spaces_and_those_with_operator_logins(session):
    space(session, operator="小橡树早教")
    accounts.create_user(session, "sunny", "correct-horse-1", "operator", organisation="阳光助餐")
    space(session, operator=None)
    assert accounts.operator_organisations(session) == sorted(["小橡树早教", "阳光助餐"])
