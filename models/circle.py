"""Service points of the 15-minute service circle."""
from datetime import date

from sqlalchemy import JSON, Date, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

SERVICE_TYPES = (
    "elderly_care", "meal", "health", "nursery", "kindergarten", "primary_school",
    "supermarket", "pharmacy", "park", "community_service", "bus_stop",
)


class ServicePoint(db.Model):
    __tablename__ = "service_point"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    service_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float] = mapped_column(Float)  # WGS-84
    lon: Mapped[float] = mapped_column(Float)
    opens_on: Mapped[date | None] = mapped_column(Date)
