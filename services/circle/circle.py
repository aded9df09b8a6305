"""The 15-minute service circle: who reaches which kind of service within a walk, by group, and the gaps.

Distances: the shortest walk over the imported network (buildings and points snapped to their
nearest node, plus the snap distance), else straight-line (haversine) × a circuity factor.
Time = distance ÷ the group's walking speed; covered when time ≤ the type's target (inclusive).
"""
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from models import SERVICE_TYPES
from services.circle.geo import LocalFrame, haversine_matrix
from services.circle.walk_network import Network

REPORT_GROUPS = ("elderly", "child", "special", "all")
# (elderly, child, special) membership of a resident; every resident falls in exactly one.
COMBOS = tuple((e, c, s) for e in (False, True) for c in (False, True) for s in (False, True))
DEFAULT_SPEEDS = {"general": 1.0, "elderly": 0.8, "special": 0.65, "child": 0.8}  # m/s; child = with carer
DEFAULT_TARGETS = {
    **dict.fromkeys(SERVICE_TYPES, 15.0),
    **dict.fromkeys(("elderly_care", "meal", "nursery", "kindergarten"), 5.0),
    **dict.fromkeys(("health", "primary_school", "supermarket"), 10.0),
}
DEFAULT_CIRCUITY = 1.3
EPSILON_M = 1e-6  # a building exactly at the target is covered despite float rounding


@dataclass(frozen=True)
class Settings:
    speeds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS))
    targets: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    circuity: float = DEFAULT_CIRCUITY

    def speed(self, group: str) -> float:
        """A report group's walking speed; `all` walks at the general speed."""
        return self.speeds["general" if group == "all" else group]

    def combo_speed(self, combo: tuple[bool, bool, bool]) -> float:
        """A resident's own speed: that of the slowest group they belong to."""
        mine = [self.speeds[g] for g, member in zip(("elderly", "child", "special"), combo, strict=True) if member]
        return min(mine) if mine else self.speeds["general"]

    def reach_m(self, service_type: str, speed: float) -> float:
        return self.targets[service_type] * 60 * speed


@dataclass
class Place:
    """A building with its residents by group combination, as of the day computed."""

    id: int
    name: str
    lat: float
    lon: float
    heads: dict[tuple[bool, bool, bool], int] = field(default_factory=dict)

    def count(self, group: str) -> int:
        if group == "all":
            return sum(self.heads.values())
        i = ("elderly", "child", "special").index(group)
        return sum(n for combo, n in self.heads.items() if combo[i])


@dataclass(frozen=True)
class Point:
    id: int
    name: str
    lat: float
    lon: float
    types: tuple[str, ...]
    opens_on: date | None = None

    def open_on(self, day: date) -> bool:
        return self.opens_on is None or self.opens_on <= day


@dataclass
class Circle:
    """The result for one day: distances (metres) per service type, coverage shares and ranked gaps."""

    day: date
    settings: Settings
    places: list[Place]
    points: list[Point]
    distances: dict[str, np.ndarray]
    used_network: bool
    coverage: dict[str, dict[str, float | None]] = field(default_factory=dict)
    gaps: list[dict] = field(default_factory=list)
    affected: int = 0
    network: Network | None = None

    def minutes(self, index: int, service_type: str, speed: float) -> float | None:
        metres = self.distances[service_type][index]
        return None if not np.isfinite(metres) else float(metres / speed / 60)

    def covered(self, index: int, service_type: str, group: str) -> bool:
        reach = self.settings.reach_m(service_type, self.settings.speed(group))
        return bool(self.distances[service_type][index] <= reach + EPSILON_M)


def nearest_distances(places: list[Place], points: list[Point], settings: Settings,
                      network: Network | None) -> dict[str, np.ndarray]:
    """Metres from each building to the nearest given point of each service type (inf: none reachable)."""
    n = len(places)
    result = {t: np.full(n, np.inf) for t in SERVICE_TYPES}
    if not n:
        return result
    if network is not None:
        origins = [network.snap(p.lat, p.lon) for p in places]
        snapped = {p.id: network.snap(p.lat, p.lon) for p in points}
    lat, lon = [p.lat for p in places], [p.lon for p in places]
    for service_type in SERVICE_TYPES:
        mine = [p for p in points if service_type in p.types]
        if not mine:
            continue
        if network is not None:
            result[service_type] = network.distances_to(origins, [snapped[p.id] for p in mine])
        else:
            result[service_type] = _straight_nearest(lat, lon, mine) * settings.circuity
    return result


def _straight_nearest(lat: list[float], lon: list[float], points: list[Point], rows: int = 4096) -> np.ndarray:
    p_lat, p_lon = [p.lat for p in points], [p.lon for p in points]
    parts = [haversine_matrix(lat[i:i + rows], lon[i:i + rows], p_lat, p_lon).min(axis=1)
             for i in range(0, len(lat), rows)]
    return np.concatenate(parts)


def compute(day: date, places: list[Place], points: list[Point], settings: Settings,
            network: Network | None = None) -> Circle:
    """The circle on `day`: only points open by then count."""
    open_points = [p for p in points if p.open_on(day)]
    distances = nearest_distances(places, open_points, settings, network)
    circle = Circle(day, settings, places, open_points, distances, network is not None, network=network)
    heads = {combo: np.array([p.heads.get(combo, 0) for p in places], dtype=float) for combo in COMBOS}
    circle.coverage = _coverage(circle, heads)
    circle.gaps = _gaps(circle, heads)
    circle.affected = _affected(circle, heads)
    return circle


def _group_counts(heads: dict, group: str) -> np.ndarray:
    if group == "all":
        return sum(heads.values())
    i = ("elderly", "child", "special").index(group)
    return sum(counts for combo, counts in heads.items() if combo[i])


def _coverage(circle: Circle, heads: dict) -> dict[str, dict[str, float | None]]:
    """Share of each group living in covered buildings; empty buildings weigh nothing, no members → None."""
    coverage = {}
    for group in REPORT_GROUPS:
        counts = _group_counts(heads, group)
        total = float(counts.sum())
        speed = circle.settings.speed(group)
        coverage[group] = {
            t: None if total == 0 else float(
                counts[circle.distances[t] <= circle.settings.reach_m(t, speed) + EPSILON_M].sum() / total)
            for t in SERVICE_TYPES}
    return coverage


def _missing(circle: Circle, service_type: str, speed: float) -> np.ndarray:
    return circle.distances[service_type] > circle.settings.reach_m(service_type, speed) + EPSILON_M


def _gaps(circle: Circle, heads: dict) -> list[dict]:
    """Building × type pairs someone misses, most elderly/child/special residents affected first."""
    settings, rows = circle.settings, []
    present = {combo: counts > 0 for combo, counts in heads.items()}
    combo_speed = {combo: settings.combo_speed(combo) for combo in COMBOS}
    slowest = np.full(len(circle.places), np.inf)
    for combo, here in present.items():
        slowest = np.where(here, np.minimum(slowest, combo_speed[combo]), slowest)
    for t in SERVICE_TYPES:
        missed = {combo: heads[combo] * _missing(circle, t, combo_speed[combo]) for combo in COMBOS}
        everyone = sum(missed.values())
        rows += _gap_rows(circle, t, np.nonzero(everyone > 0)[0], {
            **{g: _group_counts(heads, g) * _missing(circle, t, settings.speed(g)) for g in REPORT_GROUPS[:3]},
            "all": everyone, "priority": everyone - missed[(False, False, False)],
            "minutes": _minutes_at(circle.distances[t], slowest)})
    rows.sort(key=_gap_rank)
    return rows


def _minutes_at(metres: np.ndarray, speed: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):  # empty buildings: inf / inf, never reported
        return metres / speed / 60


def _gap_rank(row: dict) -> tuple:
    """Most elderly/child/special affected first, then the longest shortfall (unreachable: longest)."""
    shortfall = row["shortfall_minutes"]
    return (-row["priority_residents"], -(np.inf if shortfall is None else shortfall), row["building_id"],
            SERVICE_TYPES.index(row["service_type"]))


def _gap_rows(circle: Circle, t: str, where: np.ndarray, columns: dict[str, np.ndarray]) -> list[dict]:
    """One JSON-ready row per building index in `where`; columns are picked as plain lists in one go."""
    target = circle.settings.targets[t]
    picked = {name: values[where].tolist() for name, values in columns.items()}
    rows = []
    for k, i in enumerate(where.tolist()):
        place, minutes = circle.places[i], picked["minutes"][k]
        known = minutes != float("inf")
        rows.append({
            "building_id": place.id, "building_name": place.name, "service_type": t,
            "minutes": round(minutes, 2) if known else None, "target_minutes": target,
            "shortfall_minutes": round(minutes - target, 2) if known else None,
            "residents": {g: int(picked[g][k]) for g in REPORT_GROUPS},
            "priority_residents": int(picked["priority"][k])})
    return rows


def _affected(circle: Circle, heads: dict) -> int:
    """Elderly, child and special residents who miss at least one target, each counted once."""
    total = 0.0
    for combo, counts in heads.items():
        if not any(combo):
            continue
        speed = circle.settings.combo_speed(combo)
        missing_any = np.zeros(len(circle.places), dtype=bool)
        for t in SERVICE_TYPES:
            missing_any |= _missing(circle, t, speed)
        total += float(counts[missing_any].sum())
    return int(total)


def frame_for(places: list[Place], points: list[Point]) -> LocalFrame:
    """A local metric frame centred on the data, for snapping and drawing."""
    lats = [p.lat for p in places] + [p.lat for p in points]
    lons = [p.lon for p in places] + [p.lon for p in points]
    if not lats:
        return LocalFrame(30.2905, 120.1952)
    return LocalFrame((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
