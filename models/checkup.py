"""The community check-up (社区体检): standards as data, refused attempts, problems and saved check-ups."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow

# How a standard is measured against the facilities it names.
MEASURES = ("area_per_100_households", "largest_area", "places_per_1000_residents", "complex")
SEVERITIES = (0, 1, 4, 7, 10)  # the published problem records' scale
# open → in_progress → done → verified (复核销号); a resident's proposal waits for staff as `proposed`
# and ends `open` (accepted), `merged` into another problem or `answered` without a rectification.
PROBLEM_STATUSES = ("proposed", "open", "in_progress", "done", "verified", "merged", "answered")
RESPONSIBLE_UNITS = ("物业", "社区", "街道", "区级部门", "市级部门")
PROBLEM_SOURCES = ("generated", "staff", "resident")


class CheckupStandard(db.Model):
    """One published standard, e.g. elderly-care space ≥ 15 m² per 100 households in old areas.

    `kinds` names the space kinds and service-point types that count towards it; standards differ
    by province, so each carries its source and can be switched off or changed by an admin.
    """

    __tablename__ = "checkup_standard"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    measure: Mapped[str] = mapped_column(String(40))
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    severity: Mapped[int] = mapped_column(Integer, default=7)  # of the problem raised when it is not met


class RefusedAttempt(db.Model):
    """A booking attempt a rule refused: which space, which rule, when, how. Never who (PIPL art. 51)."""

    __tablename__ = "refused_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    code: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(20))
    # The service groups of the person it was for (elderly, child, special), never their id.
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)

    __table_args__ = (Index("ix_refused_attempt_at", "at", "resource_id"),)


class Problem(db.Model):
    """A line of the problem ledger (问题台账) and its rectification (整改)."""

    __tablename__ = "problem"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Generated problems carry a key (indicator + place) so a second check-up does not repeat them.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    indicator: Mapped[str | None] = mapped_column(String(60))
    evidence: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(120))
    severity: Mapped[int] = mapped_column(Integer, default=4)
    source: Mapped[str] = mapped_column(String(20), default="staff")
    status: Mapped[str] = mapped_column(String(20), default="open")
    measure: Mapped[str | None] = mapped_column(String(500))
    responsible: Mapped[str | None] = mapped_column(String(40))
    due_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(String(500))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("problem.id"))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    history: Mapped[list["ProblemEvent"]] = relationship(
        back_populates="problem", order_by="ProblemEvent.id", cascade="all, delete-orphan")


class ProblemEvent(db.Model):
    """Who changed a problem, when, and what: the rectification's trail."""

    __tablename__ = "problem_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    problem: Mapped[Problem] = relationship(back_populates="history")


class CheckupSnapshot(db.Model):
    """A saved check-up: every indicator's value, so the next one can show the change."""

    __tablename__ = "checkup_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    indicators: Mapped[dict] = mapped_column(JSON)  # {indicator code: number}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (UniqueConstraint("period_from", "period_to", name="uq_checkup_snapshot_period"),)
