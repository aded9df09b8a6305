"""The 15-minute circle's use-cases: staff add buildings and service points and keep a day's figures.

Each checks access and ends in one write_transaction; computing the circle (the slow part) happens
before the write lock is taken.
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from models import Building, CircleSnapshot, ServicePoint
from services.circle import circle_store
from services.core.access import Actor, require_staff
from services.core.storage.transaction import write_transaction


def register_building(session: Session, actor: Actor, name: str, lat: float, lon: float,
                      households: int | None = None, crs: str = "wgs84") -> Building:
    require_staff(actor)
    with write_transaction(session):
        return circle_store.add_building(session, name, lat, lon, households, crs)


def register_service_point(session: Session, actor: Actor, name: str, types: list[str], lat: float, lon: float,
                           opens_on: date | None = None, crs: str = "wgs84",
                           area_m2: float | None = None) -> ServicePoint:
    require_staff(actor)
    with write_transaction(session):
        return circle_store.add_service_point(session, name, types, lat, lon, opens_on, crs, area_m2)


def keep_snapshot(session: Session, actor: Actor, day: date, now: datetime) -> CircleSnapshot:
    """Compute the day's circle, then keep its figures (computing the same day again replaces them)."""
    require_staff(actor)
    result = circle_store.circle_on(session, day)
    with write_transaction(session):
        return circle_store.save_snapshot(session, result, now)
