"""The circle's arithmetic, without a database: distances, coverage shares, gaps and their order."""
import random
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from services.circle import circle_store
from services.circle.circle import Place, Point, Settings, compute
from services.circle.geo import LocalFrame, haversine_m
from services.circle.walk_network import GridIndex, build_network
from services.demo import demo
from services.demo.demo_data import CENTRE_LAT, CENTRE_LON
from tests.world import NOW

FRAME = LocalFrame(30.2905, 120.1952)
DAY = date(2026, 11, 23)
ELDERLY, CHILD, SPECIAL, ADULT = (True, False, False), (False, True, False), (False, False, True), (False, False, False)


def at(x: float, y: float) -> tuple[float, float]:
    return FRAME.to_latlon(x, y)


def place(pid: int, x: float, y: float, **heads: int) -> Place:
    combos = {"elderly": ELDERLY, "child": CHILD, "special": SPECIAL, "adult": ADULT,
              "elderly_special": (True, False, True)}
    return Place(pid, f"{pid}幢", *at(x, y), {combos[k]: n for k, n in heads.items()})


def point(pid: int, x: float, y: float, *types: str, opens_on: date | None = None) -> Point:
    return Point(pid, f"点{pid}", *at(x, y), tuple(types), opens_on)


def hand_network():
    """A (0,0) —100— B (100,0) —250 (a winding path)— C (200,0); A —120— D (60,-100) —150— C."""
    nodes = [at(0, 0), at(100, 0), at(200, 0), at(60, -100)]
    edges = [(0, 1, 100.0), (1, 2, 250.0), (0, 3, 120.0), (3, 2, 150.0)]
    return build_network(nodes, edges, FRAME)


def test_dijkstra_takes_the_shorter_way_round_plus_both_snap_distances():
    # Building 10 m west of A, point 5 m east of C: via B 100 + 250 = 350 m, via D 120 + 150 = 270 m.
    result = compute(DAY, [place(1, -10, 0, elderly=1)], [point(1, 205, 0, "health")], Settings(), hand_network())
    assert result.distances["health"][0] == pytest.approx(10 + 270 + 5, abs=0.01)
    assert result.used_network


def test_one_search_per_type_finds_each_buildings_nearest_point_of_that_type():
    # Two health points: at C (far from A) and at B. The building at A reaches B in 100 m; one at C is at C.
    points = [point(1, 200, 0, "health"), point(2, 100, 0, "health", "pharmacy")]
    result = compute(DAY, [place(1, 0, 0, adult=1), place(2, 200, 0, adult=1)], points, Settings(), hand_network())
    assert list(result.distances["health"]) == pytest.approx([100.0, 0.0], abs=0.01)
    assert list(result.distances["pharmacy"]) == pytest.approx([100.0, 250.0], abs=0.01)
    assert result.distances["meal"][0] == float("inf")


def test_a_building_cut_off_from_the_network_is_unreachable_not_near():
    nodes = [at(0, 0), at(100, 0), at(1000, 0), at(1100, 0)]
    network = build_network(nodes, [(0, 1, 100.0), (2, 3, 100.0)], FRAME)
    result = compute(DAY, [place(1, 1100, 0, elderly=2)], [point(1, 0, 0, "elderly_care")], Settings(), network)
    assert result.distances["elderly_care"][0] == float("inf")
    gap = next(g for g in result.gaps if g["service_type"] == "elderly_care")
    assert gap["minutes"] is None and gap["residents"]["elderly"] == 2


def test_a_building_exactly_at_the_target_counts_as_covered_on_the_network():
    # 240 m at the elderly 0.8 m/s is exactly the 5-minute elderly-care target.
    network = build_network([at(0, 0), at(240, 0), at(241, 0)], [(0, 1, 240.0), (1, 2, 1.0)], FRAME)
    places = [place(1, 0, 0, elderly=3), place(2, 241, 0, elderly=1)]
    result = compute(DAY, places, [point(1, 240, 0, "elderly_care")], Settings(), network)
    assert result.minutes(0, "elderly_care", 0.8) == pytest.approx(5.0)
    assert result.covered(0, "elderly_care", "elderly")
    assert result.coverage["elderly"]["elderly_care"] == 1.0


def test_a_building_exactly_at_the_target_counts_as_covered_in_straight_line_mode():
    building, care = place(1, 0, 0, elderly=1), point(1, 150, 80, "elderly_care")
    metres = haversine_m(building.lat, building.lon, care.lat, care.lon) * 1.3
    settings = Settings()
    settings.targets["elderly_care"] = metres / 0.8 / 60
    assert compute(DAY, [building], [care], settings).coverage["elderly"]["elderly_care"] == 1.0
    settings.targets["elderly_care"] = metres / 0.8 / 60 - 0.001  # a tenth of a second short
    assert compute(DAY, [building], [care], settings).coverage["elderly"]["elderly_care"] == 0.0


def test_straight_line_distance_is_multiplied_by_the_circuity_factor():
    building, shop = place(1, 0, 0, adult=1), point(1, 300, 400, "supermarket")
    straight = haversine_m(building.lat, building.lon, shop.lat, shop.lon)
    assert compute(DAY, [building], [shop], Settings()).distances["supermarket"][0] == pytest.approx(straight * 1.3)
    assert compute(DAY, [building], [shop], Settings(circuity=1.0)).distances["supermarket"][0] == \
        pytest.approx(straight)


def test_a_point_not_yet_opened_is_not_counted():
    nursery = point(1, 50, 0, "nursery", opens_on=date(2027, 3, 1))
    places = [place(1, 0, 0, child=4)]
    before = compute(date(2027, 2, 28), places, [nursery], Settings())
    after = compute(date(2027, 3, 1), places, [nursery], Settings())
    assert before.coverage["child"]["nursery"] == 0.0 and not before.points
    assert after.coverage["child"]["nursery"] == 1.0


def test_coverage_is_the_share_of_a_groups_residents_living_in_covered_buildings():
    near, far = place(1, 100, 0, elderly=3, child=1), place(2, 900, 0, elderly=1, child=3)
    result = compute(DAY, [near, far], [point(1, 0, 0, "elderly_care", "park")], Settings())
    assert result.coverage["elderly"]["elderly_care"] == 0.75
    assert result.coverage["child"]["elderly_care"] == 0.25
    assert result.coverage["all"]["park"] == 0.5  # the far building walks 900 × 1.3 m: 19.5 min > 15


def test_buildings_without_residents_do_not_distort_shares_or_appear_as_gaps():
    residents = [place(1, 100, 0, elderly=3), place(2, 900, 0, elderly=1)]
    empty = [place(3, 2000, 0), place(4, 50, 0)]
    care = [point(1, 0, 0, "elderly_care")]
    with_empty = compute(DAY, residents + empty, care, Settings())
    assert with_empty.coverage == compute(DAY, residents, care, Settings()).coverage
    assert {g["building_id"] for g in with_empty.gaps if g["service_type"] == "elderly_care"} == {2}
    assert not {3, 4} & {g["building_id"] for g in with_empty.gaps}


def test_a_group_with_no_members_has_no_share_rather_than_zero():
    result = compute(DAY, [place(1, 0, 0, elderly=2)], [point(1, 0, 0, "park")], Settings())
    assert result.coverage["child"]["park"] is None
    assert result.coverage["elderly"]["park"] == 1.0


def test_each_group_is_timed_at_its_own_speed():
    # 200 m straight × 1.3 = 260 m: 4.3 min at 1.0 m/s, 5.4 at 0.8, 6.7 at 0.65; meal target 5 minutes.
    result = compute(DAY, [place(1, 200, 0, adult=1, elderly=1, special=1)], [point(1, 0, 0, "meal")], Settings())
    assert result.coverage["all"]["meal"] == 1.0
    assert result.coverage["elderly"]["meal"] == 0.0
    assert result.coverage["special"]["meal"] == 0.0


def test_a_gap_is_timed_at_the_slowest_group_in_the_building_and_counts_who_misses_it():
    result = compute(DAY, [place(1, 200, 0, adult=2, elderly=3, elderly_special=1)], [point(1, 0, 0, "meal")],
                     Settings())
    (gap,) = [g for g in result.gaps if g["service_type"] == "meal"]
    metres = result.distances["meal"][0]
    assert gap["minutes"] == pytest.approx(metres / 0.65 / 60, abs=0.01)
    assert gap["target_minutes"] == 5.0
    assert gap["residents"] == {"elderly": 4, "child": 0, "special": 1, "all": 4}  # the adults make it in time


def test_gaps_are_ranked_by_elderly_child_and_special_residents_affected():
    places = [place(1, 600, 0, adult=9, elderly=1), place(2, -600, 0, elderly=5), place(3, 0, 700, child=2)]
    result = compute(DAY, places, [point(1, 0, 0, "elderly_care", "nursery")], Settings())
    order = [(g["building_id"], g["service_type"]) for g in result.gaps][:3]
    assert order[0][0] == 2
    assert result.gaps[0]["residents"]["elderly"] == 5
    priorities = [g["priority_residents"] for g in result.gaps]
    assert priorities == sorted(priorities, reverse=True)


def test_a_type_with_no_point_at_all_is_a_gap_for_everyone_with_unknown_minutes():
    result = compute(DAY, [place(1, 0, 0, elderly=2)], [], Settings())
    assert result.coverage["elderly"]["bus_stop"] == 0.0
    assert all(g["minutes"] is None for g in result.gaps) and len(result.gaps) == 11
    assert result.affected == 2


def test_configured_speeds_targets_and_circuity_change_the_answer():
    places, meal = [place(1, 200, 0, elderly=1)], [point(1, 0, 0, "meal")]
    assert compute(DAY, places, meal, Settings()).coverage["elderly"]["meal"] == 0.0
    faster = Settings()
    faster.speeds["elderly"] = 1.0
    assert compute(DAY, places, meal, faster).coverage["elderly"]["meal"] == 1.0
    longer = Settings()
    longer.targets["meal"] = 10.0
    assert compute(DAY, places, meal, longer).coverage["elderly"]["meal"] == 1.0


def test_the_grid_index_finds_the_same_nearest_point_as_a_full_scan():
    rng = random.Random(7)
    xs = [rng.uniform(-2000, 2000) for _ in range(500)]
    ys = [rng.uniform(-1500, 1500) for _ in range(500)]
    index = GridIndex(xs, ys)
    for _ in range(300):
        x, y = rng.uniform(-3000, 3000), rng.uniform(-3000, 3000)
        best = min(((xs[i] - x) ** 2 + (ys[i] - y) ** 2) ** 0.5 for i in range(500))
        assert index.nearest(x, y)[1] == pytest.approx(best)
    far = index.nearest(50_000, 40_000)
    assert far[1] == pytest.approx(min(((xs[i] - 50_000) ** 2 + (ys[i] - 40_000) ** 2) ** 0.5 for i in range(500)))


def test_the_demo_centre_sits_at_building_20_and_its_circle_has_real_gaps(session):

    demo.seed(session, NOW, ZoneInfo("Asia/Shanghai"))
    result = circle_store.circle_on(session, DAY)
    centre = next(p for p in result.points if {"community_service", "elderly_care"} <= set(p.types))
    home = next(p for p in result.places if p.name == "三里亭苑三区20幢")
    assert haversine_m(centre.lat, centre.lon, CENTRE_LAT, CENTRE_LON) < 0.01
    assert haversine_m(home.lat, home.lon, CENTRE_LAT, CENTRE_LON) < 0.01
    elderly = result.coverage["elderly"]
    assert 0 < elderly["elderly_care"] < 1  # 三区 is inside, 一区/二区/新村 are not
    assert elderly["nursery"] == 0.0  # the nursery opens in 2027
    later = circle_store.circle_on(session, date(2027, 3, 1)).coverage["elderly"]
    assert later["elderly_care"] > elderly["elderly_care"] and later["nursery"] > 0
    assert any(g["service_type"] == "elderly_care" and g["residents"]["elderly"] for g in result.gaps)
