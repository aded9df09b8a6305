"""The waitlist's use-cases: join a full slot, accept or decline an offer (API and residents' pages).

Each takes the space's lock and ends in one write_transaction; the machinery they share with the
scheduler's offer job (offers, holds, conditional state changes) lives in services.routines.waitlist.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models import Booking, WaitlistEntry
from services.booking import booking
from services.booking.rules import Request
from services.booking.use_cases import BookingInput
from services.core import audit, centre
from services.core.access import Actor, require_booking_for
from services.core.storage.transaction import write_transaction
from services.routines import waitlist
from services.routines.scheduler_settings import Settings


def join_waitlist(session: Session, actor: Actor, wanted: BookingInput, now: datetime, tz: ZoneInfo,
                  settings: Settings) -> WaitlistEntry:
    """Queue for a full slot; seats already free (or freed while the form was open) are offered at once."""
    require_booking_for(actor, wanted.resident_id)
    with write_transaction(session):
        resource = booking.lock_space(session, wanted.resource_id)
        req = Request(resource, booking.find_resident(session, wanted.resident_id), wanted.start, wanted.end,
                      wanted.party_size)
        entry = waitlist.join(session, req, actor, centre.context(session, now, tz, by_staff=actor.is_staff))
        waitlist.offer_free_seats(session, resource, now, settings)
    return entry


def accept_offer(session: Session, actor: Actor, entry_id: int, now: datetime, settings: Settings) -> Booking:
    """Turn a live offer into a booking, audited like any other booking."""
    with write_transaction(session):
        made = waitlist.accept(session, entry_id, actor, now, settings)
        audit.booking_touched(session, actor.user_id, made, audit.CREATE, now)
    return made


def decline_offer(session: Session, actor: Actor, entry_id: int, now: datetime, settings: Settings) -> WaitlistEntry:
    """Leave the line or turn an offer down; the seats go to the next person at once."""
    with write_transaction(session):
        return waitlist.decline(session, entry_id, actor, now, settings)
