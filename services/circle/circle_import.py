"""Reading buildings, service points and a walking network from CSV or GeoJSON files.

Every row is checked before anything is written, and a mistake names its line (CSV) or feature
(GeoJSON). Coordinates are converted to WGS-84 here when the file is in GCJ-02.
"""
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import SERVICE_TYPES, Building, ServicePoint
from services.circle.geo import haversine_m, to_wgs84
from services.circle.walk_network import EdgeRow, NodeRow
from services.core.errors import N_, Invalid

Progress = Callable[[int], None]


@dataclass(frozen=True)
class BuildingRow:
    name: str
    lat: float
    lon: float
    households: int | None = None


@dataclass(frozen=True)
class PointRow:
    name: str
    types: list[str]
    lat: float
    lon: float
    opens_on: date | None = None


def _records(text: str, kind: str) -> Iterator[tuple[str, dict, tuple[float, float] | None]]:
    """(where, properties, (lat, lon) or None) for each CSV row or GeoJSON Point feature."""
    if kind == "geojson":
        try:
            features = json.loads(text).get("features", [])
        except (ValueError, AttributeError):
            raise Invalid("file", N_("不是有效的 GeoJSON")) from None
        for i, feature in enumerate(features):
            geometry = feature.get("geometry") or {}
            if geometry.get("type") != "Point":
                raise Invalid(f"feature {i + 1}", N_("只接受点要素"))
            lon, lat = geometry["coordinates"][:2]
            yield f"feature {i + 1}", feature.get("properties") or {}, (lat, lon)
        return
    for i, row in enumerate(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))), start=2):
        yield f"line {i}", {k.strip(): (v or "").strip() for k, v in row.items() if k}, None


def _number(where: str, value, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(where, N_("%(field)s：%(name)s 不是数字"), name=name) from None
    if not low <= number <= high:
        raise Invalid(where, N_("%(field)s：%(name)s 超出范围"), name=name)
    return number


def _position(where: str, props: dict, point, crs: str) -> tuple[float, float]:
    lat, lon = point if point else (props.get("lat"), props.get("lon"))
    return to_wgs84(_number(where, lat, "lat", -90, 90), _number(where, lon, "lon", -180, 180), crs)


def _name(where: str, props: dict) -> str:
    name = str(props.get("name") or "").strip()
    if not name or len(name) > 120:
        raise Invalid(where, N_("%(field)s：缺少名称或名称过长"))
    return name


def parse_buildings(text: str, kind: str, crs: str = "wgs84") -> list[BuildingRow]:
    rows = []
    for where, props, point in _records(text, kind):
        households = props.get("households")
        count = None if households in (None, "") else int(_number(where, households, "households", 0, 100_000))
        rows.append(BuildingRow(_name(where, props), *_position(where, props, point, crs), count))
    return rows


def _types(where: str, raw) -> list[str]:
    types = raw if isinstance(raw, list) else str(raw or "").replace("|", ";").replace(",", ";").split(";")
    types = [str(t).strip() for t in types if str(t).strip()]
    unknown = [t for t in types if t not in SERVICE_TYPES]
    if not types or unknown:
        raise Invalid(where, N_("%(field)s：服务类型无效 %(unknown)s；可用：%(known)s"),
                      unknown=unknown or "-", known=", ".join(SERVICE_TYPES))
    return list(dict.fromkeys(types))


def _day(where: str, raw) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid(where, N_("%(field)s：opens_on 需要 YYYY-MM-DD")) from None


def parse_points(text: str, kind: str, crs: str = "wgs84") -> list[PointRow]:
    return [PointRow(_name(where, props), _types(where, props.get("service_types")),
                     *_position(where, props, point, crs), _day(where, props.get("opens_on")))
            for where, props, point in _records(text, kind)]


def upsert_buildings(session: Session, rows: list[BuildingRow], progress: Progress) -> tuple[int, int]:
    """Add new buildings and move existing ones (matched by name); returns (added, updated)."""
    existing = {b.name: b for b in session.scalars(select(Building))}
    added = 0
    for row in rows:
        building = existing.get(row.name)
        if building is None:
            building = existing[row.name] = Building(name=row.name)
            session.add(building)
            added += 1
        building.lat, building.lon = row.lat, row.lon
        if row.households is not None:
            building.households = row.households
        progress(1)
    return added, len(rows) - added


def upsert_points(session: Session, rows: list[PointRow], progress: Progress) -> tuple[int, int]:
    existing = {p.name: p for p in session.scalars(select(ServicePoint))}
    added = 0
    for row in rows:
        point = existing.get(row.name)
        if point is None:
            point = existing[row.name] = ServicePoint(name=row.name)
            session.add(point)
            added += 1
        point.service_types, point.lat, point.lon, point.opens_on = row.types, row.lat, row.lon, row.opens_on
        progress(1)
    return added, len(rows) - added


def _flag(raw) -> bool:
    return raw is True or str(raw).strip().lower() in ("1", "true", "yes", "y", "gate", "是")


def parse_network_csv(nodes_text: str, edges_text: str, crs: str = "wgs84") -> tuple[list[NodeRow], list[EdgeRow]]:
    """nodes: id,lat,lon[,gate][,name]; edges: from,to[,length_m] (metres; straight line when empty)."""
    nodes = []
    for where, props, _ in _records(nodes_text, "csv"):
        if not props.get("id"):
            raise Invalid(where, N_("%(field)s：缺少节点 id"))
        lat, lon = _position(where, props, None, crs)
        nodes.append(NodeRow(props["id"], lat, lon, _flag(props.get("gate")), props.get("name") or None))
    edges = []
    for where, props, _ in _records(edges_text, "csv"):
        length = props.get("length_m")
        edges.append(EdgeRow(props.get("from", ""), props.get("to", ""),
                             None if not length else _number(where, length, "length_m", 0.01, 50_000)))
    return nodes, edges


def parse_network_geojson(text: str, crs: str = "wgs84") -> tuple[list[NodeRow], list[EdgeRow]]:
    """LineStrings are paths (vertices with the same coordinates join); Points with gate=true mark gates."""
    try:
        features = json.loads(text).get("features", [])
    except (ValueError, AttributeError):
        raise Invalid("file", N_("不是有效的 GeoJSON")) from None
    nodes: dict[str, NodeRow] = {}
    edges: list[EdgeRow] = []
    gates = []
    for i, feature in enumerate(features):
        geometry, props = feature.get("geometry") or {}, feature.get("properties") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates") or []
        lines = [coords] if kind == "LineString" else coords if kind == "MultiLineString" else []
        for line in lines:
            edges += _line_edges(f"feature {i + 1}", line, props.get("length_m"), nodes, crs)
        if kind == "Point" and _flag(props.get("gate")):
            gates.append((f"feature {i + 1}", _key(*coords[:2]), props.get("name")))
    for where, key, name in gates:
        if key not in nodes:
            raise Invalid(where, N_("%(field)s：门不在任何路径上"))
        nodes[key] = NodeRow(key, nodes[key].lat, nodes[key].lon, True, name)
    return list(nodes.values()), edges


def _key(lon: float, lat: float) -> str:
    return f"{float(lon):.7f},{float(lat):.7f}"  # ~1 cm: vertices this close are one junction


def _line_edges(where: str, line: list, length_m, nodes: dict[str, NodeRow], crs: str) -> list[EdgeRow]:
    keys = []
    for lon, lat, *_ in line:
        key = _key(lon, lat)
        if key not in nodes:
            nodes[key] = NodeRow(key, *_position(where, {}, (lat, lon), crs))
        keys.append(key)
    pairs = list(zip(keys, keys[1:], strict=False))
    pieces = [haversine_m(nodes[a].lat, nodes[a].lon, nodes[b].lat, nodes[b].lon) for a, b in pairs]
    scale = 1.0
    if length_m not in (None, "") and sum(pieces) > 0:  # measured along the path: spread over its segments
        scale = _number(where, length_m, "length_m", 0.01, 50_000) / sum(pieces)
    return [EdgeRow(a, b, piece * scale) for (a, b), piece in zip(pairs, pieces, strict=True) if a != b]
