"""设施达标: each facility (the centre's spaces, the service points) and each standard's line.

A line: exists (any facility of the kinds it names), amount (its measure), standard, meets.
Service points count once open by the period's last day; a space counts while active.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckupStandard, Resource, ServicePoint

# What a space kind or service type contributes to an embedded complex (嵌入式服务综合体).
FUNCTION_OF = {"elderly_care": "elderly_care", "rehab": "elderly_care", "nursery": "childcare",
               "early_education": "childcare", "play_area": "childcare", "after_school": "after_school",
               "picture_book_library": "reading", "shared_kitchen": "meal", "meal": "meal",
               "counselling": "counselling", "health": "health"}
CORE_FUNCTIONS = ("elderly_care", "childcare", "after_school", "meal")
MIN_FUNCTIONS, MIN_CORE = 3, 2


@dataclass(frozen=True)
class Facility:
    source: str  # "space" or "service_point"
    id: int
    name: str
    kinds: tuple[str, ...]
    area_m2: float | None
    places: int = 0  # seats of a space: childcare places for the infant-care standard
    name_en: str | None = None


def inventory(session: Session, day: date) -> list[Facility]:
    spaces = session.scalars(select(Resource).where(Resource.active).order_by(Resource.id))
    points = session.scalars(select(ServicePoint).order_by(ServicePoint.id))
    return ([Facility("space", r.id, r.name, (r.kind,), r.area_m2, r.capacity, r.name_en) for r in spaces]
            + [Facility("service_point", p.id, p.name, tuple(p.service_types), p.area_m2)
               for p in points if p.opens_on is None or p.opens_on <= day])


def _counted(standard: CheckupStandard, facilities: list[Facility]) -> list[Facility]:
    """"*" takes every space of the centre; other kinds match a space's kind or a point's types."""
    kinds = set(standard.kinds)
    return [f for f in facilities if (f.source == "space" and "*" in kinds) or kinds & set(f.kinds)]


def _area(facilities: list[Facility]) -> float:
    return float(sum(f.area_m2 or 0 for f in facilities))


def _amount(standard: CheckupStandard, counted: list[Facility], households: int | None, residents: int):
    """(amount, meets, extra) for one standard; None amounts when the register lacks the base."""
    measure, value = standard.measure, standard.value
    if measure == "area_per_100_households":
        if not households:
            return None, None, {}
        amount = _area(counted) / households * 100
        return amount, amount >= value, {}
    if measure == "largest_area":
        amount = max((f.area_m2 or 0 for f in counted), default=0.0)
        return amount, amount >= value, {}
    if measure == "places_per_1000_residents":
        if not residents:
            return None, None, {}
        amount = sum(f.places for f in counted if f.source == "space") / residents * 1000
        return amount, amount >= value, {}
    functions = sorted({FUNCTION_OF[k] for f in counted for k in f.kinds if k in FUNCTION_OF})
    core = [f for f in functions if f in CORE_FUNCTIONS]
    amount = _area([f for f in counted if f.source == "space"])
    meets = amount >= value and len(functions) >= MIN_FUNCTIONS and len(core) >= MIN_CORE
    return amount, meets, {"functions": functions, "core_functions": core}


def lines(standards: list[CheckupStandard], facilities: list[Facility], households: int | None,
          residents: int) -> list[dict]:
    result = []
    for standard in standards:
        if not standard.active:
            continue
        counted = _counted(standard, facilities)
        amount, meets, extra = _amount(standard, counted, households, residents)
        result.append({
            "type": standard.code, "name": standard.name, "name_en": standard.name_en,
            "measure": standard.measure, "exists": bool(counted), "area_m2": round(_area(counted), 1),
            "amount": None if amount is None else round(amount, 2), "standard": standard.value,
            "unit": standard.unit, "meets": bool(counted) and meets if meets is not None else None,
            "source": standard.source, "severity": standard.severity,
            "facilities": [f.name for f in counted], "facilities_en": [f.name_en or f.name for f in counted],
            **extra})
    return result


def inventory_json(facilities: list[Facility]) -> list[dict]:
    return [{"source": f.source, "id": f.id, "name": f.name, "name_en": f.name_en or f.name, "type": ",".join(f.kinds),
             "area_m2": f.area_m2}
            for f in facilities]
