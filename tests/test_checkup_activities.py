"""The check-up's activity lines against values worked out by hand on tests/checkup_world.py's programme.

Family reading (6 places, Tue and Sat): Tue c1 (2 seats, a guardian's too) present, c2 absent, a2's place
cancelled; Sat c1 (2), c2, a3 present, a2 absent, a1 still waiting, e3's offer expired.
Rehab course (8 places, Mon and Thu; Wed cancelled): e4, e5, e1 in the course, e2 left, e3 waiting;
Mon e4, e5 present, e1 absent; Thu e4 present, e5 absent. a3, disabled and on the outreach list, was
visited on Thursday afternoon and came to Saturday's reading.
"""
import pytest
from flask import current_app

from models import db
from services.checkup import compute, drilldown, findings, privacy
from services.checkup.report import report
from services.core.access import Actor
from tests.checkup_world import WEEK, build
from tests.world import NOW, make_app
from views.checkup.report_tables import tables


@pytest.fixture
def programme(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        w = build(db.session, with_programme=True)
        yield w, compute.checkup(db.session, WEEK, NOW)
        db.session.rollback()
        db.engine.dispose()


def activity(result, title):
    return next(x for x in result["use"] if x["line"] == "activity" and x["name"] == title)


def space(result, world, name):
    return next(x for x in result["use"] if x["line"] == "space" and x["resource_id"] == world.spaces[name].id)


def test_each_activity_line_counts_places_offered_enrolled_and_attended(programme):
    _, result = programme
    reading, rehab = activity(result, "亲子阅读"), activity(result, "康复操")
    assert (reading["sessions"], reading["seats_offered"], reading["seats_enrolled"], reading["seats_attended"]) == (
        2, 12, 8, 6)  # a guardian's seat counts with the child; a cancelled place does not
    assert reading["utilisation"] == round(8 / 12, 4) and reading["attendance_rate"] == 0.5
    assert (rehab["sessions"], rehab["seats_offered"], rehab["seats_enrolled"], rehab["seats_attended"]) == (
        2, 16, 6, 3)  # a course seat in each session; the cancelled and the earlier session are not counted
    assert rehab["utilisation"] == 0.375 and rehab["kind"] == "rehab_class" and rehab["resource_id"] is None
    assert (reading["seat_hours_offered"], reading["seat_hours_booked"], reading["seat_hours_attended"]) == (12, 8, 6)


def test_absence_rate_is_absences_of_those_marked(programme):
    _, result = programme
    reading, rehab = activity(result, "亲子阅读"), activity(result, "康复操")
    assert (reading["marked"], reading["absences"], reading["absence_rate"]) == (6, 2, round(2 / 6, 4))
    assert (rehab["marked"], rehab["absences"], rehab["no_show_rate"]) == (5, 2, 0.4)


def test_unmet_demand_of_an_activity_is_its_waitlist_never_given_a_place(programme):
    _, result = programme
    assert activity(result, "亲子阅读")["unserved_waitlist"] == 1  # a1 waiting; e3 was offered a place
    assert activity(result, "康复操")["unserved_waitlist"] == 1  # e3 waiting for the course


def test_a_sessions_hold_on_its_space_is_not_a_booking_of_that_space(programme):
    w, result = programme
    lib, station = space(result, w, "library"), space(result, w, "station")
    assert (lib["seat_hours_booked"], lib["bookings"], lib["held"], lib["late_cancels"]) == (8, 5, 3, 1)
    assert (station["seat_hours_booked"], station["bookings"], station["held"], station["late_cancels"]) == (4, 3, 3, 0)
    assert station["no_show_rate"] == 0.0


def test_the_heatmap_holds_the_places_taken_not_the_holds(programme):
    _, result = programme
    grid = result["heatmap"]
    assert grid[1][15] == 3 and grid[5][10] == 5 and grid[0][10] == 2 + 3 and grid[3][10] == 3
    assert grid[2][10] == 0  # the cancelled session
    assert sum(map(sum, grid)) == 13 + 8 + 6


def test_those_present_at_an_activity_used_a_service(programme):
    _, result = programme
    groups = result["groups"]
    assert groups["all"] == {"residents": 11, "users": 8, "share": 8 / 11}  # c2, e4, e5 came only to activities
    assert groups["elderly"]["users"] == 5 and groups["child"]["users"] == 2 and groups["special"]["users"] == 2
    (north,) = result["elderly_by_building"]
    assert (north["elderly"], north["elderly_users"]) == (6, 5)


def test_outreach_then_used_counts_attendance_after_the_contact(programme):
    _, result = programme
    outreach = result["outreach"]
    assert (outreach["on_list"], outreach["contacted"], outreach["reached"], outreach["then_used"]) == (2, 2, 2, 2)
    assert outreach["by_method"] == {"phone": 1, "visit": 1, "at_centre": 0, "other": 0}


def test_an_activity_lines_small_counts_and_what_would_give_them_back_read_lt5(programme):
    _, result = programme
    public = privacy.public(result)
    reading, rehab = activity(public, "亲子阅读"), activity(public, "康复操")
    assert (reading["seats_enrolled"], reading["marked"], reading["utilisation"]) == (8, 6, round(8 / 12, 4))
    assert reading["absences"] == reading["absence_rate"] == reading["no_show_rate"] == "<5"
    assert reading["unserved_waitlist"] == "<5" and "亲子阅读" in reading["name"]
    assert rehab["seats_attended"] == rehab["attendance_rate"] == rehab["seat_hours_attended"] == "<5"
    assert rehab["seats_enrolled"] == 6 and rehab["utilisation"] == 0.375 and public["suppressed"] is True
    assert result["use"][-1]["seats_attended"] == 3, "the staff's raw figures are untouched"


def test_an_activity_full_with_people_still_waiting_is_a_finding():
    full = {"line": "activity", "resource_id": None, "activity_id": 9, "name": "早教课", "utilisation": 1.0,
            "unserved_waitlist": 6, "refusals": {}}
    (found,) = findings.full_findings([full], privacy.show_count)
    assert found["key"] == "full:activity:9" and found["indicator"] == "use.activity.9.utilisation"
    assert "6 人次" in found["evidence"]


def test_the_report_has_a_table_of_activities_with_small_counts_hidden(programme):
    built = report.build(db.session, Actor(user_id=None, role="staff"), WEEK, NOW)
    with current_app.test_request_context("/checkup", headers={"Accept-Language": "zh-CN"}):
        found = {t.key: t for t in tables(built.public, built.trend, built.ledger)}
    rows = {row[0]: row for row in found["activities"].rows}
    assert rows["亲子阅读"] == ["亲子阅读", "绘本故事会", "2", "12", "8", "6", "66.7%", "<5", "<5"]
    assert rows["康复操"][4:6] == ["6", "<5"]
    assert [row[0] for row in found["use"].rows] == ["绘本馆", "养老驿站", "心理咨询室"]  # spaces only
    with current_app.app_context(), current_app.test_request_context("/checkup", headers={"Accept-Language": "en"}):
        english = {t.key: t for t in tables(built.public, built.trend, built.ledger)}
    assert english["activities"].title == "Use of each activity"
    assert ["Family reading", "Picture-book storytime"] in [row[:2] for row in english["activities"].rows]


def test_the_drill_down_to_elderly_who_never_came_leaves_out_those_present_at_an_activity(programme):
    w, _ = programme
    found = drilldown.elderly_who_never_came(db.session, Actor(user_id=None, role="staff"), WEEK,
                                             w.buildings["north"].id, NOW)
    assert [p.name for p in found.people] == ["孙德明"]  # e4 and e5 came to the rehab course only
