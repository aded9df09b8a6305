"""The gap list grouped the way staff work through it: building by building (a door-to-door round), or
service by service (which kind of point is missing where). Groups keep the list's ranking: the group
holding the most urgent gap comes first, and rows keep their order inside it."""
from dataclasses import dataclass, field

BY = ("building", "type")


@dataclass
class GapGroup:
    building_id: int | None  # set when grouped by building
    building_name: str | None
    service_type: str | None  # set when grouped by type
    rows: list[dict] = field(default_factory=list)

    @property
    def residents(self) -> int:
        """By type, the residents who miss it (each building's own count, summed); by building, the most
        any one service leaves out (a person missing several is one person)."""
        counts = [row["residents"]["all"] for row in self.rows]
        return sum(counts) if self.service_type else max(counts, default=0)


def grouped(gaps: list[dict], by: str) -> list[GapGroup]:
    """`gaps` as ranked by the circle (services/circle/circle.py), grouped by building or by service type."""
    if by not in BY:
        raise ValueError(by)
    groups: dict[object, GapGroup] = {}
    for row in gaps:
        key = row["building_id"] if by == "building" else row["service_type"]
        if key not in groups:
            groups[key] = (GapGroup(row["building_id"], row["building_name"], None) if by == "building"
                           else GapGroup(None, None, row["service_type"]))
        groups[key].rows.append(row)
    return list(groups.values())
