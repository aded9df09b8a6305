"""The circle from use, not only from the map: do the elderly of each building actually come?

"Used the centre" = at least one checked-in booking in the 30 days before `now`. A building is
"inside the circle" when its elderly reach an elderly-care point within the target at the elderly
walking speed. Buildings inside whose elderly never come are the outreach list; buildings outside
are shown next to them, because there distance, not awareness, may be the reason.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from models import Booking, Resident
from services.circle.circle import Circle
from services.circle.circle_store import born_by

WINDOW_DAYS = 30


@dataclass(frozen=True)
class BuildingUse:
    building_id: int
    name: str
    elderly: int
    elderly_users: int
    inside: bool
    minutes: float | None  # to the nearest elderly-care point at the elderly speed

    @property
    def share(self) -> float | None:
        return self.elderly_users / self.elderly if self.elderly else None


def elderly_users_by_building(session: Session, circle: Circle, now: datetime) -> dict[int, int]:
    """How many elderly residents of each building checked in to any booking in the window."""
    stmt = (select(Resident.building_id, func.count(distinct(Resident.id)))
            .join(Booking, Booking.resident_id == Resident.id)
            .where(Booking.status == "checked_in", Booking.starts_at >= now - timedelta(days=WINDOW_DAYS),
                   Booking.starts_at < now, Resident.birth_date <= born_by(circle.day, 60),
                   Resident.building_id.is_not(None))
            .group_by(Resident.building_id))
    return {building_id: count for building_id, count in session.execute(stmt)}


def building_use(session: Session, circle: Circle, now: datetime) -> list[BuildingUse]:
    """One row per building with elderly residents, fewest users first."""
    users = elderly_users_by_building(session, circle, now)
    speed, rows = circle.settings.speed("elderly"), []
    for i, place in enumerate(circle.places):
        elderly = place.count("elderly")
        if not elderly:
            continue
        rows.append(BuildingUse(place.id, place.name, elderly, users.get(place.id, 0),
                                circle.covered(i, "elderly_care", "elderly"),
                                circle.minutes(i, "elderly_care", speed)))
    rows.sort(key=lambda r: (r.share, -r.elderly, r.building_id))
    return rows


def outreach_lists(rows: list[BuildingUse]) -> tuple[list[BuildingUse], list[BuildingUse]]:
    """(inside the circle but nobody came, outside the circle) — both most elderly first."""
    never = sorted((r for r in rows if r.inside and r.elderly_users == 0), key=lambda r: (-r.elderly, r.building_id))
    outside = sorted((r for r in rows if not r.inside), key=lambda r: (-r.elderly, r.building_id))
    return never, outside
