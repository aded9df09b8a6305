"""Every figure of the check-up against values worked out by hand on tests/checkup_world.py."""
from datetime import date

import pytest

from models import ServicePoint, db
from services.checkup import compute, findings, privacy, snapshots
from services.checkup.period import Period
from services.checkup.report import report
from services.core.access import Actor
from tests.checkup_world import CENTRE_LON, NORTH_LAT, WEEK, build
from tests.world import NOW, TZ, make_app

STAFF = Actor(user_id=None, role="staff")


@pytest.fixture
def world(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        w = build(db.session)
        yield w, compute.checkup(db.session, WEEK, NOW)
        db.session.rollback()
        db.engine.dispose()


def line(result, world, name):
    return next(x for x in result["use"] if x["resource_id"] == world.spaces[name].id)


def test_population_counts_groups_by_age_on_the_last_day_and_households_from_the_register(world):
    _, result = world
    pop = result["population"]
    assert pop["residents"] == 11 and pop["households"] == 500
    assert pop["groups"] == {"elderly": 6, "aged_80": 1, "child": 2, "child_0_3": 1, "child_3_6": 1,
                             "child_6_14": 0, "special": 2, "disability": 1, "lives_alone": 1}
    assert pop["shares"]["elderly"] == pytest.approx(6 / 11)
    north = next(b for b in pop["buildings"] if b["name"] == "北区1幢")
    assert (north["residents"], north["elderly"], north["aged_80"], north["special"]) == (6, 6, 1, 1)


def test_each_facility_standard_line_says_exists_amount_standard_and_meets(world):
    _, result = world
    by_type = {x["type"]: x for x in result["facilities"]}
    assert set(by_type) == {"community_service_space", "elderly_care_space_old", "embedded_complex",
                            "public_activity_ground", "infant_care_places"}  # the new-estate one is off
    service = by_type["community_service_space"]
    assert (service["exists"], service["area_m2"], service["amount"], service["meets"]) == (True, 155, 31.0, True)
    elderly = by_type["elderly_care_space_old"]
    assert (elderly["amount"], elderly["standard"], elderly["meets"]) == (12.0, 15, False)
    complex_ = by_type["embedded_complex"]
    assert complex_["functions"] == ["counselling", "elderly_care", "reading"] and complex_["meets"] is False
    assert by_type["public_activity_ground"]["exists"] is False and by_type["public_activity_ground"]["meets"] is False
    assert by_type["infant_care_places"]["amount"] == 0


def test_seat_hours_offered_booked_and_attended_per_space(world):
    w, result = world
    lib, station, room = (line(result, w, n) for n in ("library", "station", "room"))
    assert (lib["seat_hours_offered"], lib["seat_hours_booked"], lib["seat_hours_attended"]) == (560, 8, 5)
    assert (station["seat_hours_offered"], station["seat_hours_booked"], station["seat_hours_attended"]) == (400, 4, 3)
    assert (room["seat_hours_offered"], room["seat_hours_booked"], room["seat_hours_attended"]) == (52, 1, 1)
    assert lib["utilisation"] == round(8 / 560, 4) and station["utilisation"] == round(4 / 400, 4)


def test_no_show_and_late_cancel_rates_count_bookings_that_began_in_the_period(world):
    w, result = world
    lib = line(result, w, "library")
    assert (lib["bookings"], lib["held"], lib["no_shows"], lib["late_cancels"]) == (5, 3, 1, 1)
    assert lib["no_show_rate"] == round(1 / 3, 4) and lib["late_cancel_rate"] == 0.2


def test_unserved_waitlist_and_refusals_by_code_are_the_unmet_demand(world):
    w, result = world
    assert line(result, w, "station")["unserved_waitlist"] == 2  # lapsed + still waiting; the booked one was served
    assert line(result, w, "room")["refusals"] == {"conflict": 6}  # the one before the period is not counted
    assert line(result, w, "library")["refusals"] == {"capacity": 1}
    assert result["refusals"] == {"capacity": 1, "conflict": 6}


def test_the_heatmap_spreads_booked_seat_hours_over_weekday_and_hour(world):
    _, result = world
    grid = result["heatmap"]
    assert grid[0][10] == 2 and grid[0][11] == 2 and grid[0][8] == 1 and grid[2][14] == 3 and grid[4][9] == 1
    assert sum(map(sum, grid)) == 13


def test_groups_share_of_residents_who_used_any_service(world):
    _, result = world
    groups = result["groups"]
    assert groups["all"] == {"residents": 11, "users": 5, "share": 5 / 11}
    assert groups["elderly"]["users"] == 3 and groups["aged_80"]["share"] == 1.0
    assert groups["child"]["users"] == 1 and groups["special"]["users"] == 2
    (north,) = result["elderly_by_building"]
    assert (north["elderly"], north["elderly_users"]) == (6, 3)


def test_outreach_counts_who_was_on_the_list_contacted_how_and_then_came(world):
    _, result = world
    outreach = result["outreach"]
    assert outreach["on_list"] == 2  # the 86-year-old living alone, the disabled adult (16 quiet days)
    assert (outreach["contacted"], outreach["reached"], outreach["then_used"]) == (1, 1, 1)
    assert outreach["by_method"] == {"phone": 1, "visit": 0, "at_centre": 0, "other": 0}


def test_reach_is_the_circle_on_the_last_day_with_the_north_gap(world):
    w, result = world
    coverage = result["reach"]["coverage"]
    assert coverage["elderly"]["elderly_care"] == 0.0 and coverage["child"]["elderly_care"] == 1.0
    gap = next(g for g in result["reach"]["gaps"]
               if g["service_type"] == "elderly_care" and g["building_id"] == w.buildings["north"].id)
    assert gap["residents"]["elderly"] == 6


def test_problems_are_generated_from_failing_indicators_with_severity(world):
    _, result = world
    keyed = {f["key"]: f for f in result["findings"]}
    assert keyed["facility:elderly_care_space_old"]["severity"] == 7
    assert keyed["circle_gap:elderly_care"]["severity"] == 1  # 6 elderly + 1 special (人次) < 10
    assert keyed["circle_gap:health"]["severity"] == 4  # 6 + 2 + 2 = 10
    refused = next(f for k, f in keyed.items() if k.startswith("refused:"))
    assert refused["severity"] == 7 and "6 次" in refused["evidence"] and "<5" in refused["evidence"]
    assert all(s in (0, 1, 4, 7, 10) for s in (f["severity"] for f in result["findings"]))


def test_a_group_that_hardly_comes_and_a_building_whose_elderly_never_came_are_findings():
    groups = {"elderly": {"residents": 40, "users": 3, "share": 3 / 40}, "child": {"residents": 4, "users": 0,
                                                                               "share": 0.0}}
    (found,) = findings.group_findings(groups, privacy.show_count)
    assert found["key"] == "group:elderly" and "<5" in found["evidence"]  # the child group is too small to judge
    rows = [{"building_id": 3, "name": "3幢", "elderly": 3, "elderly_users": 0},
            {"building_id": 4, "name": "4幢", "elderly": 4, "elderly_users": 0},
            {"building_id": 5, "name": "5幢", "elderly": 9, "elderly_users": 1}]
    (never,) = findings.never_came_findings(rows, privacy.show_count)
    assert never["location"] == "3幢、4幢" and "共 7 位老人" in never["evidence"]  # together: none alone under 5
    assert findings.never_came_findings(rows[1:], privacy.show_count) == []


def test_counts_under_five_read_lt5_in_what_leaves_and_say_so(world):
    w, result = world
    public = privacy.public(result)
    assert public["suppressed"] is True
    assert public["population"]["groups"]["child"] == "<5" and public["population"]["groups"]["elderly"] == 6
    assert public["population"]["shares"]["child"] == "<5" and public["population"]["groups"]["child_6_14"] == 0
    assert public["groups"]["elderly"] == {"residents": 6, "users": "<5", "share": "<5"}
    assert public["outreach"]["on_list"] == "<5"
    lib = next(x for x in public["use"] if x["resource_id"] == w.spaces["library"].id)
    assert lib["refusals"] == {"capacity": "<5"} and lib["no_show_rate"] == "<5"
    assert result["groups"]["elderly"]["users"] == 3, "the staff's raw figures are untouched"


def test_the_next_check_up_shows_each_indicator_and_the_circle_change(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        build(db.session)
        october = Period(date(2026, 10, 26), date(2026, 11, 1), TZ)
        report.save(db.session, STAFF, october, NOW)
        db.session.add(ServicePoint(name="北区养老服务站", service_types=["elderly_care"], lat=NORTH_LAT, lon=CENTRE_LON,
                                    opens_on=date(2026, 11, 5)))
        db.session.commit()
        built = report.build(db.session, STAFF, WEEK, NOW)
        assert built.public["previous"] == {"from": "2026-10-26", "to": "2026-11-01"}
        assert built.public["reach"]["change"]["elderly"]["elderly_care"] == 1.0
        trend = {row["indicator"]: row for row in built.trend}
        assert trend["reach.elderly.elderly_care"]["before"] == 0.0 and trend["reach.elderly.elderly_care"]["now"] == 1.0
        assert trend["facility.elderly_care_space_old"]["change"] == 0
        assert len(snapshots.history(db.session)) == 1
        db.engine.dispose()


def test_a_space_booked_to_the_brim_with_people_still_turned_away_is_a_finding():
    full = {"line": "space", "resource_id": 7, "activity_id": None, "name": "早教", "utilisation": 0.95,
            "unserved_waitlist": 3, "refusals": {"capacity": 4, "quota": 9}}
    (found,) = findings.full_findings([full, {**full, "resource_id": 8, "utilisation": 0.74}], privacy.show_count)
    assert found["key"] == "full:space:7" and "7 人次" in found["evidence"]
    assert findings.full_findings([{**full, "unserved_waitlist": 0}], privacy.show_count) == []  # 4 < 5
