"""Reading the circle's inputs from the database, the configured numbers, new places, and dated snapshots."""
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from models import SERVICE_TYPES, Building, CircleParameter, CircleSnapshot, Resident, ServicePoint
from services.circle import circle
from services.circle.circle import Circle, Place, Point, Settings
from services.circle.geo import to_wgs84
from services.circle.walk_network import load_network
from services.core.errors import N_, Invalid

SPEED_GROUPS = ("general", "elderly", "child", "special")


def born_by(day: date, years: int) -> date:
    """The latest birth date of someone at least `years` old on `day` (29 February → 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def load_settings(session: Session) -> Settings:
    """Defaults overridden by whatever staff configured (circle_parameter rows)."""
    settings = Settings()
    for row in session.scalars(select(CircleParameter)):
        kind, _, key = row.name.partition(".")
        if kind == "speed" and key in settings.speeds:
            settings.speeds[key] = row.value
        elif kind == "target" and key in settings.targets:
            settings.targets[key] = row.value
        elif row.name == "circuity":
            settings = Settings(settings.speeds, settings.targets, row.value)
    return settings


def set_parameter(session: Session, name: str, value: float) -> None:
    """Configure one number: speed.<group> (m/s), target.<service_type> (minutes) or circuity."""
    kind, _, key = name.partition(".")
    limits = {"speed": (0.1, 3.0), "target": (1.0, 60.0), "circuity": (1.0, 3.0)}
    known = (kind == "speed" and key in SPEED_GROUPS) or (kind == "target" and key in SERVICE_TYPES) \
        or name == "circuity"
    if not known:
        raise Invalid("name", N_("未知参数 %(name)s：可用 speed.<group>、target.<type> 或 circuity"), name=name)
    low, high = limits[kind]
    if not low <= value <= high:
        raise Invalid("value", N_("%(name)s 须在 %(low)s 到 %(high)s 之间"), name=name, low=low, high=high)
    row = session.get(CircleParameter, name) or CircleParameter(name=name)
    row.value = value
    session.add(row)


def load_places(session: Session, day: date) -> list[Place]:
    """Every building with its registered residents counted by (elderly, child, special) as of `day`."""
    elderly = case((Resident.birth_date <= born_by(day, 60), 1), else_=0)
    child = case((Resident.birth_date > born_by(day, 14), 1), else_=0)
    special = case((or_(Resident.disability, Resident.lives_alone, Resident.other_need), 1), else_=0)
    stmt = (select(Resident.building_id, elderly, child, special, func.count())
            .where(Resident.building_id.is_not(None), Resident.birth_date <= day)
            .group_by(Resident.building_id, elderly, child, special))
    heads: dict[int, dict] = {}
    for building_id, e, c, s, n in session.execute(stmt):
        heads.setdefault(building_id, {})[(bool(e), bool(c), bool(s))] = n
    rows = session.execute(select(Building.id, Building.name, Building.lat, Building.lon).order_by(Building.id))
    return [Place(b.id, b.name, b.lat, b.lon, heads.get(b.id, {})) for b in rows]


def load_points(session: Session) -> list[Point]:
    return [Point(p.id, p.name, p.lat, p.lon, tuple(p.service_types), p.opens_on)
            for p in session.scalars(select(ServicePoint).order_by(ServicePoint.id))]


def circle_on(session: Session, day: date) -> Circle:
    places, points = load_places(session, day), load_points(session)
    network = load_network(session, circle.frame_for(places, points))
    return circle.compute(day, places, points, load_settings(session), network)


def add_building(session: Session, name: str, lat: float, lon: float, households: int | None = None,
                 crs: str = "wgs84") -> Building:
    lat, lon = to_wgs84(lat, lon, crs)
    building = Building(name=name, lat=lat, lon=lon, households=households)
    session.add(building)
    session.flush()
    return building


def add_service_point(session: Session, name: str, types: list[str], lat: float, lon: float,
                      opens_on: date | None = None, crs: str = "wgs84", area_m2: float | None = None) -> ServicePoint:
    lat, lon = to_wgs84(lat, lon, crs)
    point = ServicePoint(name=name, service_types=types, lat=lat, lon=lon, opens_on=opens_on, area_m2=area_m2)
    session.add(point)
    session.flush()
    return point


def save_snapshot(session: Session, result: Circle, now: datetime) -> CircleSnapshot:
    """Keep the day's figures; computing the same day again replaces them."""
    snap = session.scalar(select(CircleSnapshot).where(CircleSnapshot.day == result.day)) \
        or CircleSnapshot(day=result.day)
    snap.computed_at, snap.coverage, snap.gap_count = now, result.coverage, len(result.gaps)
    snap.affected, snap.open_points, snap.used_network = result.affected, len(result.points), result.used_network
    session.add(snap)
    session.flush()
    return snap


def snapshots(session: Session) -> list[CircleSnapshot]:
    return list(session.scalars(select(CircleSnapshot).order_by(CircleSnapshot.day)))
