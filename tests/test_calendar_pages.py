"""Week and month calendars in the web app, and the pages that make and revoke feeds."""
import re
from datetime import date, datetime, timedelta

import pytest

from models import Resident, Resource, db
from services.activities import enrolment, programme
from services.activities.enrolment import EnrolInput
from services.activities.programme import ActivityInput
from tests.activities_world import SETTINGS
from tests.feed_world import build_world
from tests.web_login import login, post_form
from tests.world import DESK, NOW, TZ, context, database_url, resident_actor


@pytest.fixture
def world(tmp_path):
    return build_world(database_url("sqlite", tmp_path))


def signed_in(world, username: str):
    client = world.app.test_client()
    assert login(client, username, "password-1").status_code == 302
    return client


def test_a_residents_week_shows_their_and_their_childs_bookings_with_downloads(world):
    client = signed_in(world, "13800000001")
    page = client.get(f"/calendar/residents/{world.ids['parent']}?date=2026-11-25")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2026年11月23日 星期一" in html and "2026年11月29日 星期日" in html
    assert "康复理疗室" in html and "陈一诺" in html and "绘本馆" in html
    assert f"/bookings/{world.ids['library_child']}.ics" in html
    assert "王桂兰" not in html


def test_a_resident_cannot_open_someone_elses_calendar(world):
    client = signed_in(world, "13800000001")
    assert client.get(f"/calendar/residents/{world.ids['elder']}").status_code == 404


def test_a_space_week_shows_free_and_full_slots_from_the_slot_service_and_hides_names_from_residents(world):
    client = signed_in(world, "13900000002")
    html = client.get(f"/calendar/spaces/{world.ids['counselling']}?date=2026-11-24").get_data(as_text=True)
    tuesday = html.split("2026年11月24日 星期二")[1].split("2026年11月25日")[0]
    assert re.search(r'slot full"><span class="time">09:00–10:00', tuesday)
    assert re.search(r'slot free"><span class="time">10:00–11:00', tuesday)
    assert "王桂兰" not in html


def test_staff_see_who_booked_in_the_space_week(world):
    client = signed_in(world, "desk")
    html = client.get(f"/calendar/spaces/{world.ids['station']}?date=2026-11-26").get_data(as_text=True)
    assert "王桂兰" in html


def test_a_month_view_covers_the_whole_month_in_weeks(world):
    client = signed_in(world, "desk")
    page = client.get(f"/calendar/spaces/{world.ids['library']}?view=month&date=2026-12-10")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<tr>") == 1 + 5  # header and the five weeks of December 2026
    assert f"date={date(2026, 12, 31).isoformat()}" in html
    assert "可约" in html


def test_calendar_pages_need_a_login_and_a_sensible_view(world):
    assert world.client.get(f"/calendar/spaces/{world.ids['library']}").status_code in (302, 401)
    client = signed_in(world, "desk")
    assert client.get(f"/calendar/spaces/{world.ids['library']}?view=year").status_code == 400


def test_the_calendar_reads_in_english_too(world):
    client = signed_in(world, "desk")
    html = client.get(f"/calendar/spaces/{world.ids['library']}?date=2026-11-24",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Next week" in html and "Tuesday 24 November 2026" in html


def test_making_a_feed_on_the_page_shows_both_links_once_and_revoking_stops_it(world):
    client = signed_in(world, "13800000001")
    made = post_form(client, "/feeds", {"scope": "resident", "resident_id": str(world.ids["parent"])},
                     token_from="/feeds")
    html = made.get_data(as_text=True)
    assert made.status_code == 201 and made.headers["Referrer-Policy"] == "no-referrer"
    url = re.search(r"http://[^<\s\"]+\.ics", html).group(0)  # the request's own scheme, never a false https
    assert "webcal://" + url[len("http://"):] in html
    path = url.split("localhost", 1)[1]
    assert world.client.get(path).status_code == 200
    listing = client.get("/feeds").get_data(as_text=True)
    assert url not in listing  # shown once: only its hash is kept
    feed_id = re.search(r"/feeds/(\d+)/revoke", listing).group(1)
    assert post_form(client, f"/feeds/{feed_id}/revoke", token_from="/feeds").status_code == 302
    assert world.client.get(path).status_code == 404


def test_a_refused_feed_on_the_page_says_why(world):
    client = signed_in(world, "13800000001")
    answer = post_form(client, "/feeds", {"scope": "resource", "resource_id": str(world.ids["counselling"])},
                       token_from="/feeds")
    assert answer.status_code == 403 and "不能订阅" in answer.get_data(as_text=True)


def _enrol_household_and_a_stranger(world):
    """Saturday 28 November: the child's picture-book session, the elder's choir (not this household's)."""
    saturday_10 = datetime(2026, 11, 28, 10, tzinfo=TZ)
    with world.app.app_context():
        s = db.session
        library = s.get(Resource, world.ids["library"])
        child, parent, elder = (s.get(Resident, world.ids[k]) for k in ("child", "parent", "elder"))
        for title, title_en, start, who, actor in (
                ("亲子共读会", "Read-together club", saturday_10, child, resident_actor(parent, child)),
                ("老年合唱团", "Seniors' choir", saturday_10 + timedelta(hours=3), elder, resident_actor(elder))):
            data = ActivityInput(title=title, title_en=title_en, kind="reading", seats=5, resource_id=library.id,
                                 start=start, end=start + timedelta(hours=1))
            row = programme.create_activity(s, DESK, data, context(s, by_staff=True)).sessions[0]
            enrolment.enrol(s, actor, EnrolInput(resident_id=who.id, session_id=row.id), NOW, SETTINGS)


def test_a_residents_week_shows_the_activities_they_and_their_wards_are_enrolled_in(world):
    _enrol_household_and_a_stranger(world)
    client = signed_in(world, "13800000001")
    html = client.get(f"/calendar/residents/{world.ids['parent']}?date=2026-11-25").get_data(as_text=True)
    saturday = html[html.index("<h2>2026年11月28日 星期六"):html.index("<h2>2026年11月29日 星期日")]
    assert "亲子共读会" in saturday and "10:00–11:00" in saturday and "陈一诺" in saturday and "已报名" in saturday
    assert "老年合唱团" not in html
    month = client.get(f"/calendar/residents/{world.ids['parent']}?date=2026-11-25&view=month").get_data(as_text=True)
    assert "亲子共读会" in month and "老年合唱团" not in month
    english = client.get(f"/calendar/residents/{world.ids['parent']}?date=2026-11-25",
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Read-together club" in english and "亲子共读会" not in english
