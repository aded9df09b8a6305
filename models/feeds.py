"""Private calendar feeds: a random token (stored only as its SHA-256), a scope, an owner."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import UTCDateTime, db, utcnow

FEED_SCOPES = ("resource", "operator", "resident", "public")


class CalendarFeed(db.Model):
    """One subscription URL. The token itself is shown once and never stored."""

    __tablename__ = "calendar_feed"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Whose view the feed shows: it never shows more than this user may see today.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    organisation: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class FeedChange(db.Model):
    """One row: a counter bumped in the same transaction as every change a feed could show.

    A feed's ETag is made of it (with the feed and the day), read in the same query as the token,
    so a 304 is only ever sent when the bytes would be the same (services/feeds/changes.py).
    """

    __tablename__ = "feed_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SettingsChange(db.Model):
    """One row: a counter bumped in the same transaction as every change of the centre's settings (its spaces,
    their hours and rules, the centre itself). What a worker derives from them is reused while it is unchanged
    (services/core/storage/change_counters.py)."""

    __tablename__ = "settings_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OccupancyChange(db.Model):
    """One row: a counter bumped in the same transaction as every change of what fills or frees a slot (bookings,
    waitlist holds, closures, and the residents whose groups and quotas decide who may book). Availability a worker
    worked out is reused while it is unchanged (services/booking/answers.py)."""

    __tablename__ = "occupancy_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
