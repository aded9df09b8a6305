"""The community map as SVG shapes drawn from the coordinates: no tile server, so it works offline."""
import re
from dataclasses import dataclass, replace

from flask_babel import gettext as _

from services.circle.circle import Circle, frame_for

WIDTH, HEIGHT, PAD = 900, 640, 40
MAX_DRAWN_EDGES = 5000  # beyond this the paths would bury the buildings
RING_MINUTES = (5, 10, 15)
LABEL_PX = 12  # building names' font size, in map units (static/circle.css)
POINT_LABEL_PX = 14
HOUSE_NUMBER = re.compile(r"\d+[幢栋号楼座]$")


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    status: str = ""  # covered / gap / empty for buildings; chosen / other for points
    name: str = ""  # written beside the mark on the map, so nobody has to hover to know which building it is
    text_x: float = 0.0
    text_y: float = 0.0
    anchor: str = "middle"


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
    furniture = [(20, HEIGHT - 38, 20 + max(200 * scale, 60), HEIGHT - 12)]  # the scale bar and its "200 米"
    furniture += [_text_box(r["x"] + 4, r["y"] - r["r"] - 4, "start", "15 分钟", 15) for r in rings]
    buildings = _labelled(_building_marks(circle, group, service_type, to_svg), points, furniture)
    return {"width": WIDTH, "height": HEIGHT, "buildings": buildings,
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


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(c) > 0x2E80 else size * 0.6 for c in text)


def _text_box(x: float, y: float, anchor: str, text: str, size: float) -> Box:
    width = _text_width(text, size)
    left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
    return left, y - size * 1.15, left + width, y + size * 0.4  # the glyphs' ascent and descent around the baseline


def _overlaps(box: Box, taken: list[Box]) -> bool:
    return any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken)


def _labelled(buildings: list[Mark], points: list[Mark], furniture: list[Box]) -> list[Mark]:
    """Each building's name beside its square where it hides no other name or mark: above, below, right or
    left, or at a corner; where the buildings crowd, the house number alone ("18幢"), the full name staying in
    the hover text. Names also keep clear of the rings' minutes and the scale bar."""
    taken: list[Box] = [(b.x - 8, b.y - 8, b.x + 8, b.y + 8) for b in buildings] + furniture
    taken += [(p.x - 9, p.y - 9, p.x + 9, p.y + 9) for p in points]
    taken += [_text_box(p.x + 12, p.y + 5, "start", p.label, POINT_LABEL_PX) for p in points if p.status == "chosen"]
    placed = []
    for b in buildings:
        short = HOUSE_NUMBER.search(b.name)
        texts = [b.name] + ([short.group(0)] if short else [])
        spots = [(b.x, b.y - 12, "middle"), (b.x, b.y + 10 + LABEL_PX, "middle"), (b.x + 11, b.y + 4, "start"),
                 (b.x - 11, b.y + 4, "end"), (b.x + 9, b.y - 10, "start"), (b.x + 9, b.y + 8 + LABEL_PX, "start"),
                 (b.x - 9, b.y - 10, "end"), (b.x - 9, b.y + 8 + LABEL_PX, "end")]
        choice = next(((text, spot) for text in texts for spot in spots
                       if not _overlaps(_text_box(*spot, text, LABEL_PX), taken)), (texts[-1], spots[0]))
        text, (x, y, anchor) = choice
        taken.append(_text_box(x, y, anchor, text, LABEL_PX))
        placed.append(replace(b, name=text, text_x=x, text_y=y, anchor=anchor))
    return placed
