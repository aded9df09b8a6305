"""Logins, API tokens and the audit trail."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import UTCDateTime, db, utcnow
from .people import Resident

ROLES = ("admin", "staff", "operator", "resident")


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    organisation: Mapped[str | None] = mapped_column(String(120))
    # Part of the login cookie's identity: bumping it signs out every copy of the cookie.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resident: Mapped[Resident | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "staff")


class ApiToken(db.Model):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optional: a token for a short job (a dashboard import) can die on its own.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuditEntry(db.Model):
    """Who read or changed a sensitive record (PIPL art. 51)."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
