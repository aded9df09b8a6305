"""The public service-circle API through Flask, on SQLite and PostgreSQL."""
from datetime import date

import pytest

from models import Building, Resident, db
from services.circle import circle_store
from services.circle.geo import haversine_m, wgs84_to_gcj02
from tests.api_setup import build
from tests.world import NOW

CENTRE = (30.2905, 120.1952)
GROUPS = {"elderly", "child", "special", "all"}


@pytest.fixture
def centre(any_db_url):
    c = build(any_db_url)
    yield c
    with c.app.app_context():
        db.engine.dispose()


def north_of_centre(metres: float) -> tuple[float, float]:
    return CENTRE[0] + metres / 111_195.08, CENTRE[1]


def add_residents(centre, building_id: int, *births: date, **flags) -> None:
    with centre.app.app_context():
        db.session.add_all(Resident(name="居民", birth_date=b, building_id=building_id, **flags) for b in births)
        db.session.commit()


def test_staff_adds_a_building_and_a_service_point_in_wgs84(centre):
    made = centre.post("/buildings", {"name": "三里亭苑三区21幢", "lat": 30.2911, "lon": 120.1957, "households": 60})
    assert made.status_code == 201
    assert made.json == {"id": made.json["id"], "name": "三里亭苑三区21幢", "lat": 30.2911, "lon": 120.1957,
                         "households": 60}
    point = centre.post("/service-points", {"name": "红梅托育园", "service_types": ["nursery"], "lat": 30.2897,
                                            "lon": 120.1964, "opens_on": "2027-03-01"})
    assert point.status_code == 201
    assert point.json["service_types"] == ["nursery"] and point.json["opens_on"] == "2027-03-01"
    assert [p["name"] for p in centre.get("/service-points").json] == ["红梅托育园"]


def test_gcj02_input_from_a_chinese_map_app_is_stored_as_wgs84(centre):
    gcj = wgs84_to_gcj02(*CENTRE)
    made = centre.post("/buildings", {"name": "邻里中心", "lat": gcj[0], "lon": gcj[1], "crs": "gcj02"})
    assert made.status_code == 201
    assert haversine_m(made.json["lat"], made.json["lon"], *CENTRE) < 0.01


@pytest.mark.parametrize(("body", "field"), [
    ({"lat": 30.29, "lon": 120.19}, "name"),
    ({"name": "楼", "lon": 120.19}, "lat"),
    ({"name": "楼", "lat": 95, "lon": 120.19}, "lat"),
    ({"name": "楼", "lat": True, "lon": 120.19}, "lat"),
    ({"name": "楼", "lat": 30.29, "lon": "120.19"}, "lon"),
    ({"name": "楼", "lat": 30.29, "lon": 120.19, "households": -1}, "households"),
    ({"name": "楼", "lat": 30.29, "lon": 120.19, "crs": "bd09"}, "crs"),
])
def test_a_bad_building_is_refused_naming_the_field(centre, body, field):
    answer = centre.post("/buildings", body)
    assert answer.status_code in (400, 422)
    assert answer.json["error"] == {**answer.json["error"], "code": "invalid", "field": field}


@pytest.mark.parametrize(("changes", "field"), [
    ({"service_types": []}, "service_types"),
    ({"service_types": ["casino"]}, "service_types"),
    ({"service_types": "meal"}, "service_types"),
    ({"opens_on": "next spring"}, "opens_on"),
    ({"lon": None}, "lon"),
])
def test_a_bad_service_point_is_refused_naming_the_field(centre, changes, field):
    body = {"name": "助餐点", "service_types": ["meal"], "lat": 30.29, "lon": 120.19, **changes}
    answer = centre.post("/service-points", body)
    assert answer.status_code == 422 and answer.json["error"]["field"] == field


@pytest.mark.parametrize("role", ["operator", "resident"])
def test_only_staff_and_admins_write_and_read_the_circle(centre, role):
    assert centre.post("/buildings", {"name": "楼", "lat": 30.29, "lon": 120.19}, role=role).status_code == 403
    assert centre.post("/service-points", {"name": "点", "service_types": ["park"], "lat": 30.29, "lon": 120.19},
                       role=role).status_code == 403
    assert centre.get("/service-circle", role=role).status_code == 403
    assert centre.get("/service-circle", role="admin").status_code == 200


def test_without_credentials_the_circle_answers_401(centre):
    assert centre.client.get("/api/v1/service-circle").status_code == 401
    assert centre.client.post("/api/v1/buildings", json={"name": "楼"}).status_code == 401


def test_the_circle_answers_the_contract_shape_for_today_by_default(centre):
    answer = centre.get("/service-circle")
    assert answer.status_code == 200
    body = answer.json
    assert body["date"] == "2026-11-23"  # NOW is 08:00 on Monday 23 November in Hangzhou
    assert set(body["coverage"]) == GROUPS
    assert set(body["coverage"]["elderly"]) == set(circle_store.SERVICE_TYPES)
    assert centre.get("/service-circle?date=23/11/2026").json["error"]["field"] == "date"


def test_the_circle_counts_residents_from_the_register_and_ignores_a_point_not_yet_open(centre):
    near = centre.post("/buildings", {"name": "近楼", "lat": north_of_centre(100)[0], "lon": CENTRE[1]}).json["id"]
    far = centre.post("/buildings", {"name": "远楼", "lat": north_of_centre(600)[0], "lon": CENTRE[1]}).json["id"]
    add_residents(centre, near, date(1950, 1, 1), date(1950, 2, 2), date(1990, 1, 1))
    add_residents(centre, far, date(1948, 1, 1), date(2020, 1, 1), lives_alone=True)
    centre.post("/service-points", {"name": "邻里中心", "service_types": ["elderly_care"], "lat": CENTRE[0],
                                    "lon": CENTRE[1]})
    centre.post("/service-points", {"name": "新驿站", "service_types": ["elderly_care"], "lat": north_of_centre(620)[0],
                                    "lon": CENTRE[1], "opens_on": "2027-01-01"})
    before = centre.get("/service-circle?date=2026-12-31").json
    assert before["coverage"]["elderly"]["elderly_care"] == pytest.approx(2 / 3)
    assert before["coverage"]["child"]["elderly_care"] == 0.0
    assert before["coverage"]["all"]["elderly_care"] == pytest.approx(3 / 5)
    gap = next(g for g in before["gaps"] if g["building_id"] == far and g["service_type"] == "elderly_care")
    # 600 m × 1.3 circuity at the slowest group's 0.65 m/s (both far residents live alone: special).
    assert gap["minutes"] == pytest.approx(600 * 1.3 / 0.65 / 60, abs=0.02)
    assert gap["target_minutes"] == 5.0
    assert gap["residents"] == {"elderly": 1, "child": 1, "special": 2, "all": 2}
    after = centre.get("/service-circle?date=2027-01-01").json
    assert after["coverage"]["elderly"]["elderly_care"] == 1.0
    assert not [g for g in after["gaps"] if g["service_type"] == "elderly_care"]


def test_group_counts_in_the_database_match_each_residents_groups_on_birthdays(centre):
    day = date(2026, 11, 23)
    births = [date(1966, 11, 23), date(1966, 11, 24), date(2012, 11, 23), date(2012, 11, 24), date(1980, 2, 29),
              date(2012, 2, 29), date(1966, 2, 28)]
    with centre.app.app_context():
        home = Building(name="楼", lat=30.29, lon=120.19)
        db.session.add(home)
        db.session.flush()
        people = [Resident(name="居民", birth_date=b, building_id=home.id, disability=i == 1)
                  for i, b in enumerate(births)]
        db.session.add_all(people)
        db.session.commit()
        (place,) = [p for p in circle_store.load_places(db.session, day) if p.id == home.id]
        for group in ("elderly", "child", "special"):
            assert place.count(group) == sum(group in p.groups_on(day) for p in people), group
        assert place.count("all") == len(people)
        leap = circle_store.load_places(db.session, date(2026, 2, 28))
        assert [p.count("child") for p in leap if p.id == home.id] == \
               [sum("child" in p.groups_on(date(2026, 2, 28)) for p in people if p.birth_date <= date(2026, 2, 28))]
    assert NOW.date() == day
