"""Every model, imported once so the metadata is complete for create_all and Alembic."""
from .accounts import ROLES, ApiToken, AuditEntry, User
from .base import db, utcnow
from .bookings import ACTIVE_STATUSES, CHANNELS, STATUSES, Booking, Series, WaitlistEntry
from .circle import SERVICE_TYPES, ServicePoint
from .feeds import FEED_SCOPES, CalendarFeed
from .people import GROUPS, Building, Resident
from .spaces import Centre, Closure, OpeningHours, Resource

__all__ = [
    "ACTIVE_STATUSES", "CHANNELS", "FEED_SCOPES", "CalendarFeed", "GROUPS", "ROLES", "SERVICE_TYPES", "STATUSES",
    "ApiToken", "AuditEntry", "Booking", "Building", "Centre", "Closure", "OpeningHours",
    "Resident", "Resource", "Series", "ServicePoint", "User", "WaitlistEntry", "db", "utcnow",
]
