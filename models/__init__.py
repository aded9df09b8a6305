"""Every model, imported once so the metadata is complete for create_all and Alembic."""
from .accounts import ROLES, ApiToken, AuditEntry, User
from .activities import (
    ENROLMENT_STATUSES,
    LIVE_ENROLMENT,
    MODES,
    TAKING_SEATS,
    Activity,
    ActivitySession,
    Attendance,
    Enrolment,
)
from .base import db, utcnow
from .bookings import ACTIVE_STATUSES, CHANNELS, STATUSES, Booking, Series, WaitlistEntry
from .checkup import (
    MEASURES,
    PROBLEM_STATUSES,
    RESPONSIBLE_UNITS,
    SEVERITIES,
    CheckupSnapshot,
    CheckupStandard,
    Problem,
    ProblemEvent,
    RefusedAttempt,
)
from .circle import SERVICE_TYPES, CircleParameter, CircleSnapshot, ServicePoint, WalkEdge, WalkNode
from .feeds import FEED_SCOPES, CalendarFeed, FeedChange, OccupancyChange, SettingsChange
from .messages import (
    CONTACT_METHODS,
    CONTACT_OUTCOMES,
    MESSAGE_STATUSES,
    AttentionFlag,
    ContactRecord,
    DeliveryAttempt,
    OutboxMessage,
    ResidentContact,
)
from .operations import BackupRun, Heartbeat
from .people import GROUPS, Building, Resident
from .security import ActivationCode, LoginFailure, UserSetting
from .spaces import SPACE_DEFAULTS, Centre, Closure, OpeningHours, Resource

__all__ = [
    "ACTIVE_STATUSES", "CHANNELS", "FEED_SCOPES", "CalendarFeed", "FeedChange", "OccupancyChange", "SettingsChange", "GROUPS", "ROLES", "SERVICE_TYPES", "STATUSES",
    "ApiToken", "AuditEntry", "Booking", "Building", "Centre", "CircleParameter", "CircleSnapshot", "Closure", "OpeningHours",
    "Resident", "Resource", "Series", "ServicePoint", "User", "WaitlistEntry", "WalkEdge", "WalkNode", "db", "utcnow",
    "ActivationCode", "LoginFailure", "UserSetting", "SPACE_DEFAULTS",
    "AttentionFlag", "CONTACT_METHODS", "CONTACT_OUTCOMES", "ContactRecord", "DeliveryAttempt", "MESSAGE_STATUSES",
    "OutboxMessage", "ResidentContact",
    "Activity", "ActivitySession", "Attendance", "Enrolment", "ENROLMENT_STATUSES", "LIVE_ENROLMENT", "MODES",
    "TAKING_SEATS",
    "BackupRun", "Heartbeat",
    "MEASURES", "PROBLEM_STATUSES", "RESPONSIBLE_UNITS", "SEVERITIES", "CheckupSnapshot", "CheckupStandard",
    "Problem", "ProblemEvent", "RefusedAttempt",
]
