"""The community map as SVG shapes drawn from the coordinates: no tile server, so it works offline."""
from dataclasses import dataclass

from flask_babel import gettext as _

from services.circle.circle import Circle, frame_for

WIDTH, HEIGHT, PAD = 900, 640, 40
MAX_DRAWN_EDGES = 5000  # beyond this the paths would bury the buildings
RING_MINUTES = (5, 10, 15)


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    status: str = ""  # covered / gap / empty for buildings; chosen / other for points
    name: str = ""  # written beside the mark on the map, so nobody has to hover to know which building it is


def _scaler(circle: Circle):
    frame = frame_for(circle.places, circle.points)
    xy = [frame.to_xy(p.lat, p.lon) for p in (*circle.places, *circle.points)] or [(0.0, 0.0)]
    min_x, max_x = min(x for x, _ in xy), max(x for x, _ in xy)
    min_y, max_y = min(y for _, y in xy), max(y for _, y in xy)
    scale = min((WIDTH - 2 * PAD) / max(max_x - min_x, 1.0), (HEIGHT - 2 * PAD) / max(max_y - min_y, 1.0))

    def to_svg(lat: float, lon: float) -> tuple[float, float]:
        x, y = frame.to_xy(lat, lon)
        return round(PAD + (x - min_x) * scale, 1), round(HEIGHT - PAD - (y - min_y) * scale, 1)

    return to_svg, scale


def _building_marks(circle: Circle, group: str, service_type: str, to_svg) -> list[Mark]:
    speed, target = circle.settings.speed(group), circle.settings.targets[service_type]
    marks = []
    for i, place in enumerate(circle.places):
        minutes = circle.minutes(i, service_type, speed)
        members = place.count(group)
        status = "empty" if not members else "covered" if circle.covered(i, service_type, group) else "gap"
        walk = _("无法到达") if minutes is None else _("%(minutes).1f 分钟", minutes=minutes)
        marks.append(Mark(*to_svg(place.lat, place.lon),
                          _("%(name)s：%(walk)s（目标 %(target)s 分钟）· %(count)d 人", name=place.name, walk=walk,
                            target=format(target, "g"), count=members), status, place.name))
    return marks


def centre_point(circle: Circle):
    """The neighbourhood centre itself: the point offering community services and elderly care."""
    both = [p for p in circle.points if {"community_service", "elderly_care"} <= set(p.types)]
    return (both or [p for p in circle.points if "community_service" in p.types] or [None])[0]


def map_figure(circle: Circle, group: str, service_type: str) -> dict:
    """Everything the template draws: buildings, points, rings around the centre, paths, a scale bar."""
    to_svg, scale = _scaler(circle)
    points = [Mark(*to_svg(p.lat, p.lon), p.name, "chosen" if service_type in p.types else "other")
              for p in circle.points]
    centre = centre_point(circle)
    # Straight-line rings: the distance walked in 5/10/15 min at the group's speed, ÷ circuity.
    metres = [(m, m * 60 * circle.settings.speed(group) / circle.settings.circuity) for m in RING_MINUTES]
    rings = [] if centre is None else [
        {"x": to_svg(centre.lat, centre.lon)[0], "y": to_svg(centre.lat, centre.lon)[1], "r": round(r * scale, 1),
         "minutes": m} for m, r in metres]
    return {"width": WIDTH, "height": HEIGHT, "buildings": _building_marks(circle, group, service_type, to_svg),
            "points": points, "rings": rings, "paths": _paths(circle, to_svg), "gates": _gates(circle, to_svg),
            "scale_px": round(200 * scale, 1)}


def _paths(circle: Circle, to_svg) -> list[tuple[float, float, float, float]]:
    network = circle.network
    if network is None or network.graph.number_of_edges() > MAX_DRAWN_EDGES:
        return []
    where = [to_svg(*network.frame.to_latlon(x, y)) for x, y in zip(network.index.xs, network.index.ys, strict=True)]
    return [(*where[a], *where[b]) for a, b in network.graph.edges() if a >= 0 and b >= 0]


def _gates(circle: Circle, to_svg) -> list[Mark]:
    if circle.network is None:
        return []
    return [Mark(*to_svg(lat, lon), name or _("门")) for lat, lon, name in circle.network.gates]
