"""The 15-minute service circle: service points, the walking network, settings and dated snapshots."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, utcnow

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
    area_m2: Mapped[float | None] = mapped_column(Float)  # floor area, for the check-up; None when unknown


class WalkNode(db.Model):
    """A junction of the walking network; `gate` marks an entrance of a gated compound."""

    __tablename__ = "walk_node"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The id the node had in the imported file, so edges can refer to it.
    ref: Mapped[str] = mapped_column(String(80), unique=True)
    lat: Mapped[float] = mapped_column(Float)  # WGS-84
    lon: Mapped[float] = mapped_column(Float)
    gate: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(120))


class WalkEdge(db.Model):
    """A walkable link between two nodes, both ways."""

    __tablename__ = "walk_edge"
    id: Mapped[int] = mapped_column(primary_key=True)
    from_node_id: Mapped[int] = mapped_column(ForeignKey("walk_node.id"), index=True)
    to_node_id: Mapped[int] = mapped_column(ForeignKey("walk_node.id"), index=True)
    length_m: Mapped[float] = mapped_column(Float)


class CircleParameter(db.Model):
    """One configured number: `speed.<group>` (m/s), `target.<service_type>` (minutes) or `circuity`."""

    __tablename__ = "circle_parameter"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class CircleSnapshot(db.Model):
    """The circle as computed for one date, kept so the trend shows when a new point opened."""

    __tablename__ = "circle_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    coverage: Mapped[dict] = mapped_column(JSON)  # {group: {service_type: share or null}}
    gap_count: Mapped[int] = mapped_column(Integer)
    # Residents in elderly/child/special who miss at least one target, counted once each.
    affected: Mapped[int] = mapped_column(Integer)
    open_points: Mapped[int] = mapped_column(Integer)
    used_network: Mapped[bool] = mapped_column(Boolean, default=False)
