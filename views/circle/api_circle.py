"""API of the 15-minute service circle: buildings, service points and the circle itself.

Writes and reads are for staff and admins. Operators and residents get 403: the answer holds
per-building counts of disabled and lone elderly residents, which in a small building point at
people (PIPL art. 28, 51); the elderly-care operator gets the figures from staff as a report.
"""
import math

from flask import Blueprint, jsonify, request
from sqlalchemy import select

from models import SERVICE_TYPES, ServicePoint, db
from services.circle import circle_store, circle_use_cases
from services.circle.geo import CRS_NAMES
from services.core import access
from services.core.clock import parse_day
from services.core.errors import N_, Invalid
from views.api.fields import centre_tz, day_field, int_field, json_body, text_field
from views.api.output import current_actor, now

bp = Blueprint("api_circle", __name__, url_prefix="/api/v1")


def number_field(data: dict, name: str, low: float, high: float) -> float:
    value = data.get(name)
    if value is None:
        raise Invalid(name, N_("缺少 %(field)s"))
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(name, N_("%(field)s 必须是数字"))
    if not low <= value <= high:
        raise Invalid(name, N_("%(field)s 必须在 %(low)s 到 %(high)s 之间"), low=low, high=high)
    return float(value)


def crs_field(data: dict) -> str:
    crs = data.get("crs", "wgs84")
    if crs not in CRS_NAMES:
        raise Invalid("crs", N_("crs 只能是 wgs84 或 gcj02"))
    return crs


def types_field(data: dict) -> list[str]:
    types = data.get("service_types")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise Invalid("service_types", N_("service_types 必须是服务类型列表"))
    unknown = [t for t in types if t not in SERVICE_TYPES]
    if unknown:
        raise Invalid("service_types", N_("未知服务类型 %(unknown)s；可用：%(known)s"), unknown=unknown[0],
                      known=", ".join(SERVICE_TYPES))
    return list(dict.fromkeys(types))


def point_json(p: ServicePoint) -> dict:
    return {"id": p.id, "name": p.name, "service_types": list(p.service_types), "lat": p.lat, "lon": p.lon,
            "opens_on": p.opens_on.isoformat() if p.opens_on else None, "area_m2": p.area_m2}


def area_field(data: dict) -> float | None:
    """Floor area in m² (the check-up's facility standards); optional."""
    return None if data.get("area_m2") is None else number_field(data, "area_m2", 0, 1_000_000)


@bp.post("/buildings")
def create_building():
    actor = current_actor()
    access.require_staff(actor)
    data = json_body()
    building = circle_use_cases.register_building(
        db.session, actor, text_field(data, "name", required=True, max_length=120),
        number_field(data, "lat", -90, 90), number_field(data, "lon", -180, 180),
        int_field(data, "households", required=False, low=0, high=100_000), crs_field(data))
    return jsonify({"id": building.id, "name": building.name, "lat": building.lat, "lon": building.lon,
                    "households": building.households}), 201


@bp.post("/service-points")
def create_service_point():
    actor = current_actor()
    access.require_staff(actor)
    data = json_body()
    point = circle_use_cases.register_service_point(
        db.session, actor, text_field(data, "name", required=True, max_length=120), types_field(data),
        number_field(data, "lat", -90, 90), number_field(data, "lon", -180, 180),
        day_field(data, "opens_on", required=False), crs_field(data), area_field(data))
    return jsonify(point_json(point)), 201


@bp.get("/service-points")
def list_service_points():
    access.require_staff(current_actor())
    return jsonify([point_json(p) for p in db.session.scalars(select(ServicePoint).order_by(ServicePoint.id))])


@bp.get("/service-circle")
def service_circle():
    access.require_staff(current_actor())
    raw = request.args.get("date")
    day = parse_day(raw, "date") if raw else now().astimezone(centre_tz()).date()
    result = circle_store.circle_on(db.session, day)
    settings = result.settings
    return jsonify({
        "date": day.isoformat(), "coverage": result.coverage, "gaps": result.gaps,
        "distance": "network" if result.used_network else "straight_line",
        "settings": {"speeds": settings.speeds, "target_minutes": settings.targets, "circuity": settings.circuity},
    })
