"""Sign-in safety and per-user settings: failed attempts, activation codes, display preferences."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import UTCDateTime, db, utcnow


class LoginFailure(db.Model):
    """One failed sign-in or activation attempt, counted per account and per IP.

    Kept in the database so every gunicorn worker sees the same count.
    """

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    # "account:<name>" or "ip:<address>"
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ActivationCode(db.Model):
    """A one-time code the desk hands to a resident to set their own password; stored hashed."""

    __tablename__ = "activation_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class UserSetting(db.Model):
    """Display choices that follow the user to any device."""

    __tablename__ = "user_setting"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(10))
    large_text: Mapped[bool] = mapped_column(Boolean, default=False)
