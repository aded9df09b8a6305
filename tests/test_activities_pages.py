"""The programme's pages: residents enrol from a phone, the desk takes the roster, operators see only theirs."""
from datetime import timedelta

import pytest

from models import ActivitySession, Attendance, Enrolment, db
from services.activities import programme
from services.activities.programme import ActivityInput
from tests.web_world import at, build
from tests.world import DESK, NOW, TZ, context

SATURDAY = (NOW.astimezone(TZ) + timedelta(days=5)).date()


@pytest.fixture
def world(tmp_path):
    w = build(f"sqlite:///{tmp_path / 'web.db'}")
    with w.app.app_context():
        data = ActivityInput(title="绘本故事会", title_en="Storytime", kind="storytime", seats=2,
                             resource_id=w.ids["library"], start=at(SATURDAY, 10), end=at(SATURDAY, 11),
                             groups=["child"], min_age=3, max_age=6)
        w.ids["storytime"] = programme.create_activity(db.session, DESK, data, context(db.session)).sessions[0].id
        group = ActivityInput(title="情绪减压小组", kind="group", seats=1, resource_id=w.ids["room"], sensitive=True,
                              public=False, operator="心晴心理咨询工作室", start=at(SATURDAY, 14),
                              end=at(SATURDAY, 15))
        w.ids["group"] = programme.create_activity(db.session, DESK, group, context(db.session)).sessions[0].id
    return w


def test_a_parent_enrols_a_five_year_old_from_the_activities_page(world):
    phone = world.client("resident")
    page = phone.get("/activities").get_data(as_text=True)
    assert "绘本故事会" in page and "为 陈一诺 报名" in page
    assert "为 周丽娟 报名" not in page and "情绪减压小组" not in page  # only what each person may join
    answer = world.post(phone, "/activities/enrol", {"resident_id": world.ids["child"],
                                                     "session_id": world.ids["storytime"]})
    assert answer.status_code == 302
    page = phone.get("/activities").get_data(as_text=True)
    assert "陈一诺 已报名" in page and "退出" in page
    with world.app.app_context():
        assert db.session.query(Enrolment).filter_by(resident_id=world.ids["child"]).one().status == "enrolled"


def test_enrolling_someone_else_from_the_page_is_refused(world):
    phone = world.client("other")
    world.post(phone, "/activities/enrol", {"resident_id": world.ids["child"], "session_id": world.ids["storytime"]})
    with world.app.app_context():
        assert db.session.query(Enrolment).count() == 0


def test_the_desk_enrols_on_behalf_prints_the_roster_and_takes_attendance(world):
    desk = world.client("staff")
    world.post(desk, f"/programme/sessions/{world.ids['storytime']}/enrol", {"resident_id": world.ids["child"]})
    roster = desk.get(f"/programme/sessions/{world.ids['storytime']}").get_data(as_text=True)
    assert "陈一诺" in roster and 'class="sign"' in roster and "<svg" in roster
    world.app.config["FIXED_NOW"] = at(SATURDAY, 10, 5)
    world.post(desk, f"/programme/sessions/{world.ids['storytime']}/attendance",
               {"resident_id": world.ids["child"], "present": "0"})
    with world.app.app_context():
        assert db.session.query(Attendance).one().present is False


def test_an_operator_sees_only_its_activities_with_names_partly_hidden_when_sensitive(world):
    with world.app.app_context():
        from services.activities import enrolment
        from services.activities.enrolment import EnrolInput
        from tests.activities_world import SETTINGS
        enrolment.enrol(db.session, DESK, EnrolInput(resident_id=world.ids["other"], session_id=world.ids["group"]),
                        NOW, SETTINGS)
    counsellor = world.client("operator")
    listing_page = counsellor.get("/programme").get_data(as_text=True)
    assert "情绪减压小组" in listing_page and "绘本故事会" not in listing_page
    roster = counsellor.get(f"/programme/sessions/{world.ids['group']}").get_data(as_text=True)
    assert "王建华" not in roster and "王*华" in roster
    assert counsellor.get(f"/programme/sessions/{world.ids['storytime']}").status_code == 403
    assert "13900000002" not in roster


def test_self_check_in_by_the_sessions_code_works_only_around_the_start(world):
    with world.app.app_context():
        row = db.session.get(ActivitySession, world.ids["storytime"])
        token = row.checkin_token
    phone = world.client("resident")
    world.post(phone, "/activities/enrol", {"resident_id": world.ids["child"], "session_id": world.ids["storytime"]})
    early = world.post(phone, f"/activities/check-in/{token}")
    assert early.status_code == 409 and "半小时" in early.get_data(as_text=True)
    world.app.config["FIXED_NOW"] = at(SATURDAY, 9, 45)
    done = world.post(phone, f"/activities/check-in/{token}")
    assert done.status_code == 200 and "签到成功" in done.get_data(as_text=True)
    with world.app.app_context():
        mark = db.session.query(Attendance).one()
        assert mark.present and mark.method == "qr" and mark.resident_id == world.ids["child"]


def test_residents_cannot_open_the_programme_pages(world):
    assert world.client("resident").get("/programme").status_code == 403


def test_the_day_board_and_the_spaces_week_view_show_the_session(world):
    desk = world.client("staff")
    board = desk.get(f"/desk?date={SATURDAY.isoformat()}").get_data(as_text=True)
    assert "活动：绘本故事会" in board
    week = desk.get(f"/calendar/spaces/{world.ids['library']}?view=week&date={SATURDAY.isoformat()}")
    assert week.status_code == 200 and "活动：绘本故事会" in week.get_data(as_text=True)


def test_the_activities_page_and_its_refusals_speak_english_on_request(world):
    phone = world.client("resident")
    page = phone.get("/activities", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Enrol 陈一诺" in page and "This week and next" in page and "报名" not in page
