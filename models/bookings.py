"""Bookings, recurring series and waitlist entries."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .people import Resident
from .spaces import Resource

ACTIVE_STATUSES = ("confirmed", "checked_in")
STATUSES = ("confirmed", "cancelled", "checked_in", "no_show")
CHANNELS = ("desk", "online", "phone", "api")


class Series(db.Model):
    """A recurring booking: the RRULE it came from; each occurrence is its own Booking row."""

    __tablename__ = "series"
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    rrule: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Booking(db.Model):
    __tablename__ = "booking"
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    # NULL on the row that holds a space for an activity session (models/activities.py).
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    # Copied from the space when booked so the database itself can refuse overlaps.
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(20), default="api")
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every change of time, place or status (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    resource: Mapped[Resource] = relationship()
    resident: Mapped[Resident | None] = relationship()

    __table_args__ = (
        Index("ix_booking_resource_start", "resource_id", "starts_at"),
        # Windows across every space by start alone: reminders, no-shows, housekeeping.
        Index("ix_booking_starts_at", "starts_at"),
        # Second line of defence on PostgreSQL: no two active bookings overlap in an exclusive space.
        ExcludeConstraint(
            ("resource_id", "="),
            (func.tstzrange(text("starts_at"), text("ends_at"), text("'[)'")), "&&"),
            name="booking_no_overlap",
            using="gist",
            where=text("exclusive AND status IN ('confirmed', 'checked_in')"),
        ).ddl_if(dialect="postgresql"),
    )

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class WaitlistEntry(db.Model):
    """A place in line for a full slot; an offer holds seats for the first eligible person in line.

    Statuses: waiting → offered (seats held until `hold_until`) → booked, declined or expired;
    a waiting entry whose slot has passed lapses. Offered entries count as uses of the space.
    """

    __tablename__ = "waitlist_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"))

    __table_args__ = (Index("ix_waitlist_entry_status_start", "status", "starts_at"),)
