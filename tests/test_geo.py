"""Distances and China's coordinate offset, checked against published answers."""
import math

import pytest

from services.circle.geo import (
    LocalFrame,
    gcj02_to_wgs84,
    haversine_m,
    haversine_matrix,
    outside_china,
    to_wgs84,
    wgs84_to_gcj02,
)

# Reference pairs (WGS-84 → GCJ-02) published with the open "eviltransform" implementations.
GCJ_REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


def test_haversine_matches_the_published_nashville_to_los_angeles_example():
    # Rosetta Code's haversine task: BNA (36.12, -86.67) to LAX (33.94, -118.40), R = 6372.8 km → 2887.26 km.
    assert haversine_m(36.12, -86.67, 33.94, -118.40, radius=6_372_800) == pytest.approx(2_887_259.95, abs=0.01)


def test_one_degree_of_latitude_is_about_111_km_and_distance_is_symmetric():
    assert haversine_m(30.0, 120.0, 31.0, 120.0) == pytest.approx(111_195.08, abs=0.01)
    assert haversine_m(30.29, 120.19, 30.30, 120.21) == pytest.approx(haversine_m(30.30, 120.21, 30.29, 120.19))
    assert haversine_m(30.29, 120.19, 30.29, 120.19) == 0.0


def test_the_vectorised_matrix_agrees_with_the_scalar_formula():
    a = [(30.2905, 120.1952), (30.3, 120.2)]
    b = [(30.291, 120.196), (30.28, 120.18), (30.2905, 120.1952)]
    matrix = haversine_matrix([p[0] for p in a], [p[1] for p in a], [p[0] for p in b], [p[1] for p in b])
    for i, (lat1, lon1) in enumerate(a):
        for j, (lat2, lon2) in enumerate(b):
            assert matrix[i, j] == pytest.approx(haversine_m(lat1, lon1, lat2, lon2), abs=1e-6)  # a micrometre


@pytest.mark.parametrize(("wgs", "gcj"), GCJ_REFERENCE)
def test_wgs84_to_gcj02_matches_published_reference_points(wgs, gcj):
    lat, lon = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-9)
    assert lon == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), GCJ_REFERENCE)
def test_gcj02_to_wgs84_recovers_the_gps_position_to_a_centimetre(wgs, gcj):
    lat, lon = gcj02_to_wgs84(*gcj)
    assert haversine_m(lat, lon, *wgs) < 0.01


def test_the_offset_in_hangzhou_is_hundreds_of_metres_so_mixing_systems_would_misplace_buildings():
    gcj = wgs84_to_gcj02(30.2905, 120.1952)
    shift = haversine_m(30.2905, 120.1952, *gcj)
    assert 100 < shift < 1000
    assert haversine_m(*to_wgs84(*gcj, "gcj02"), 30.2905, 120.1952) < 0.01
    assert to_wgs84(30.2905, 120.1952, "wgs84") == (30.2905, 120.1952)


def test_coordinates_outside_china_are_not_shifted():
    assert outside_china(51.5074, -0.1278)
    assert wgs84_to_gcj02(51.5074, -0.1278) == (51.5074, -0.1278)
    assert gcj02_to_wgs84(35.6895, 139.6917) == (35.6895, 139.6917)


def test_the_local_frame_round_trips_and_measures_like_haversine_across_a_district():
    frame = LocalFrame(30.2905, 120.1952)
    x, y = frame.to_xy(30.2950, 120.2010)
    assert frame.to_latlon(x, y) == pytest.approx((30.2950, 120.2010), abs=1e-12)
    assert math.hypot(x, y) == pytest.approx(haversine_m(30.2905, 120.1952, 30.2950, 120.2010), rel=1e-3)
