"""The activity programme: activities, their sessions, enrolments and attendance.

A session reserves its space by holding a Booking row without a resident (Booking.resident_id is
NULL): the occupancy query, the rules, the day board, the availability and PostgreSQL's exclusion
constraint all count it as they count any booking, so a class and a room booking never share seats.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .bookings import Booking
from .people import Resident
from .spaces import Resource

MODES = ("session", "course")
SESSION_STATUSES = ("scheduled", "cancelled")
# enrolled and offered take seats (an offer holds its seat until accepted, declined or expired).
ENROLMENT_STATUSES = ("enrolled", "waitlisted", "offered", "cancelled", "declined", "expired")
TAKING_SEATS = ("enrolled", "offered")
LIVE_ENROLMENT = ("enrolled", "waitlisted", "offered")


class Activity(db.Model):
    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    operator: Mapped[str | None] = mapped_column(String(120), index=True)
    # Groups admitted ([] admits everyone) and an optional age range, judged on the session's date.
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10), default="session")
    # A child comes with a guardian; when the guardian's seat counts, a child's enrolment takes two.
    guardian_present: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_takes_seat: Mapped[bool] = mapped_column(Boolean, default=False)
    # Names on rosters partly hidden (a counselling group); left out of the public feed.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    # At most this many sessions of this kind per resident per week; None = no limit.
    weekly_limit: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rrule: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list["ActivitySession"]] = relationship(
        back_populates="activity", order_by="ActivitySession.starts_at", lazy="selectin")


class ActivitySession(db.Model):
    __tablename__ = "activity_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    # The booking row that holds the space for this session (no resident on it).
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # The self check-in QR code carries this random token, not the session id.
    checkin_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Bumped on every change of time, place or status: one message per change.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="sessions")
    resource: Mapped[Resource] = relationship()
    booking: Mapped[Booking | None] = relationship()


class Enrolment(db.Model):
    """One person's place: in one session (mode "session") or in every session of a course (session_id NULL).

    Statuses: enrolled; waitlisted → offered (seat held until `hold_until`) → enrolled, declined or
    expired; cancelled when the person leaves.
    """

    __tablename__ = "enrolment"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("activity_session.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20))
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()
    session: Mapped[ActivitySession | None] = relationship()
    resident: Mapped[Resident] = relationship()

    __table_args__ = (Index("ix_enrolment_activity_status", "activity_id", "status"),)


class Attendance(db.Model):
    """Present or absent at one session; absences are kept (the check-up and the no-show routine read them)."""

    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    present: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(10), default="desk")  # desk, operator, qr
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("session_id", "resident_id", name="uq_attendance_session_resident"),)
