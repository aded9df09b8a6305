"""The centre, its spaces ("resources") and the rules that are data: hours and closures."""
from datetime import datetime, time

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db

# The one set of defaults a new space starts with: the model's columns, the admin's "new space" form,
# the demo and the tests' world builder all take these.
SPACE_DEFAULTS = {"capacity": 1, "exclusive": False, "sensitive": False, "buffer_minutes": 0, "slot_minutes": 60,
                  "min_duration_minutes": 15, "max_duration_minutes": 240, "min_notice_minutes": 60,
                  "window_days": 14, "active": True}


class Centre(db.Model):
    """Centre-wide settings; one row per deployment."""

    __tablename__ = "centre"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    close_on_public_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    # Days ahead that desk staff may book for any resident (a course of weekly rehab).
    staff_window_days: Mapped[int] = mapped_column(Integer, default=90)


class Resource(db.Model):
    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    floor: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["capacity"])
    exclusive: Mapped[bool] = mapped_column(Boolean, default=SPACE_DEFAULTS["exclusive"])
    # Groups admitted; [] admits every resident.
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=SPACE_DEFAULTS["sensitive"])
    operator: Mapped[str | None] = mapped_column(String(120), index=True)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["buffer_minutes"])
    slot_minutes: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["slot_minutes"])
    min_duration_minutes: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["min_duration_minutes"])
    max_duration_minutes: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["max_duration_minutes"])
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["min_notice_minutes"])
    window_days: Mapped[int] = mapped_column(Integer, default=SPACE_DEFAULTS["window_days"])
    # Longer windows for some groups, e.g. {"special": 28}: 一特 may book earlier.
    group_window_days: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # At most this many active bookings per resident per space kind per week; None = no limit.
    weekly_quota: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=SPACE_DEFAULTS["active"])
    # Floor area, for the check-up's facility standards; None when unknown.
    area_m2: Mapped[float | None] = mapped_column(Float)

    # Loaded with the space: every rule check and availability answer needs them.
    hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="OpeningHours.weekday", lazy="selectin"
    )


class OpeningHours(db.Model):
    """One opening period on one weekday (0 = Monday); several per day allow a lunch break."""

    __tablename__ = "opening_hours"
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    resource: Mapped[Resource] = relationship(back_populates="hours")


class Closure(db.Model):
    """A closed period for one space, or the whole centre when resource_id is null."""

    __tablename__ = "closure"
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
