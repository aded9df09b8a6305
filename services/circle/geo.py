"""Coordinates: great-circle distance, a local metric frame, and China's GCJ-02 offset.

Everything is stored in WGS-84 (GPS). Chinese map apps (高德/Amap, 腾讯/Tencent, Apple Maps in
mainland China) show GCJ-02, shifted by up to a few hundred metres; input in GCJ-02 is converted
here once, at the edge, so distances never mix the two.
"""
import math
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
CRS_NAMES = ("wgs84", "gcj02")

# GCJ-02 is defined on the Krasovsky 1940 ellipsoid.
_KRASOVSKY_A = 6_378_245.0
_KRASOVSKY_EE = 0.00669342162296594323


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float, radius: float = EARTH_RADIUS_M) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(h)))


def haversine_matrix(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Distances in metres from every point of the first set (rows) to every point of the second."""
    p1 = np.radians(np.asarray(lat1, dtype=float))[:, None]
    p2 = np.radians(np.asarray(lat2, dtype=float))[None, :]
    dl = np.radians(np.asarray(lon2, dtype=float))[None, :] - np.radians(np.asarray(lon1, dtype=float))[:, None]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


@dataclass(frozen=True)
class LocalFrame:
    """Metres east and north of a reference point: exact enough (< 0.1 %) across a district, and cheap."""

    lat0: float
    lon0: float

    @property
    def _m_per_deg_lon(self) -> float:
        return math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        return ((lon - self.lon0) * self._m_per_deg_lon, (lat - self.lat0) * math.radians(1) * EARTH_RADIUS_M)

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 + y / (math.radians(1) * EARTH_RADIUS_M), self.lon0 + x / self._m_per_deg_lon


def outside_china(lat: float, lon: float) -> bool:
    """GCJ-02 applies only inside mainland China's bounding box; elsewhere it equals WGS-84."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift(lat: float, lon: float) -> tuple[float, float]:
    """The GCJ-02 offset (degrees) at a WGS-84 point."""
    x, y = lon - 105.0, lat - 35.0
    waves = (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    d_lat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + waves
    d_lat += (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
    d_lat += (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y * math.pi / 30)) * 2 / 3
    d_lon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + waves
    d_lon += (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
    d_lon += (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3
    rad = math.radians(lat)
    magic = 1 - _KRASOVSKY_EE * math.sin(rad) ** 2
    d_lat = d_lat * 180 / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * math.sqrt(magic)) * math.pi)
    d_lon = d_lon * 180 / (_KRASOVSKY_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if outside_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _shift(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """The inverse, by fixed-point iteration: exact to about 1 mm (the published formula has no closed inverse)."""
    if outside_china(lat, lon):
        return lat, lon
    w_lat, w_lon = lat, lon
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        err_lat, err_lon = g_lat - lat, g_lon - lon
        w_lat, w_lon = w_lat - err_lat, w_lon - err_lon
        if abs(err_lat) < 1e-10 and abs(err_lon) < 1e-10:
            break
    return w_lat, w_lon


def to_wgs84(lat: float, lon: float, crs: str) -> tuple[float, float]:
    """Input coordinates in `crs` ("wgs84" or "gcj02") as WGS-84."""
    return gcj02_to_wgs84(lat, lon) if crs == "gcj02" else (lat, lon)
