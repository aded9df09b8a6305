"""Refused booking attempts, kept for the check-up's unmet demand — without personal data.

The booking use-cases (services/booking/use_cases.py) are the one place every booking write of the
API, the desk and the portal passes: when a rule refuses one, its write transaction has rolled back,
and the refusal's facts (space, rule code, the slot asked for, channel, the groups of the person it
was for) are read off the RuleViolation and written in a small transaction of their own. A series
booked with skip_conflicts records each occurrence it skipped the same way.
"""
import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models import RefusedAttempt
from services.core.errors import DomainError, RuleViolation
from services.core.storage.transaction import write_transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    resource_id: int
    code: str
    slot_start: datetime
    channel: str
    groups: tuple[str, ...]


def refusal_of(err: DomainError, tz: ZoneInfo, channel: str | None = None) -> Refusal | None:
    """The facts of a refused booking request, or None when `err` refused no booking request."""
    req = getattr(err, "request", None)
    if not isinstance(err, RuleViolation) or req is None:
        return None
    groups = tuple(req.resident.groups_on(req.start.astimezone(tz).date()))
    return Refusal(req.resource.id, err.code, req.start, channel or getattr(err, "channel", None) or "api", groups)


def skipped_occurrences(resource_id: int, groups: list[str], channel: str, skipped: list[dict]) -> list[Refusal]:
    """The occurrences a series booked with skip_conflicts left out, each a refusal by its rule."""
    return [Refusal(resource_id, s["code"], s["start"], channel, tuple(groups)) for s in skipped]


def record(session: Session, refusals: list[Refusal], now: datetime) -> None:
    """Write the refusals; a failure here is logged, never allowed to replace the refusal's answer.

    What the caller has loaded stays loaded: the refusal's page is rendered from it afterwards.
    """
    if not refusals:
        return
    try:
        with write_transaction(session, keep_loaded=True):
            session.add_all([RefusedAttempt(resource_id=r.resource_id, code=r.code, at=now, slot_start=r.slot_start,
                                            channel=r.channel, groups=list(r.groups)) for r in refusals])
    except Exception:  # the resident's answer matters more than our statistics
        log.exception("could not record a refused booking attempt")
