"""人口画像: the register as of the period's last day — residents, households, groups, buildings."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Building, Resident
from models.people import CHILD_AGE, ELDERLY_AGE

# The groups a check-up reports, each a test on one resident; a resident may be in several.
GROUP_TESTS = {
    "elderly": lambda p: p.age >= ELDERLY_AGE,
    "aged_80": lambda p: p.age >= 80,
    "child": lambda p: p.age < CHILD_AGE,
    "child_0_3": lambda p: p.age < 3,
    "child_3_6": lambda p: 3 <= p.age < 6,
    "child_6_14": lambda p: 6 <= p.age < CHILD_AGE,
    "special": lambda p: p.disability or p.lives_alone or p.other_need,
    "disability": lambda p: p.disability,
    "lives_alone": lambda p: p.lives_alone,
}
GROUPS = tuple(GROUP_TESTS)
BUILDING_GROUPS = ("elderly", "aged_80", "child", "special")


@dataclass(frozen=True)
class Person:
    """A resident reduced to what the check-up counts: no name, no phone."""

    id: int
    age: int
    building_id: int | None
    disability: bool
    lives_alone: bool
    other_need: bool
    groups: frozenset[str]


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def register(session: Session, day: date) -> list[Person]:
    """Everyone on the register who was born by `day`, with their groups on that day."""
    rows = session.execute(select(Resident.id, Resident.birth_date, Resident.building_id, Resident.disability,
                                  Resident.lives_alone, Resident.other_need).where(Resident.birth_date <= day))
    people = []
    for rid, born, building_id, disability, alone, other in rows:
        base = Person(rid, _age(born, day), building_id, bool(disability), bool(alone), bool(other), frozenset())
        groups = frozenset(g for g, test in GROUP_TESTS.items() if test(base))
        people.append(Person(rid, base.age, building_id, base.disability, base.lives_alone, base.other_need, groups))
    return people


def group_counts(people: list[Person]) -> dict[str, int]:
    return {g: sum(1 for p in people if g in p.groups) for g in GROUPS}


def population(session: Session, people: list[Person]) -> dict:
    buildings = list(session.scalars(select(Building).order_by(Building.id)))
    total = len(people)
    counts = group_counts(people)
    known = [b.households for b in buildings if b.households]
    return {
        "residents": total,
        "households": sum(known) if known else None,
        "groups": counts,
        "shares": {g: (n / total if total else None) for g, n in counts.items()},
        "buildings": [_building_line(b, [p for p in people if p.building_id == b.id]) for b in buildings],
        "without_building": sum(1 for p in people if p.building_id is None),
    }


def _building_line(building: Building, people: list[Person]) -> dict:
    return {"building_id": building.id, "name": building.name, "households": building.households,
            "residents": len(people),
            **{g: sum(1 for p in people if g in p.groups) for g in BUILDING_GROUPS}}
