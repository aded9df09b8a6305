"""What a closure does to the people who had the space: which bookings and held offers it hits, and, once
saved, cancelling them with its reason, freeing their seats and telling each resident (or guardian) with
the nearest times they could book instead, as one-tap links.

Each notice is queued inside the closure's own write transaction, so it exists exactly when the
cancellation does. The nearest free times are looked up only after that transaction has committed,
with no write lock held (they search a week of availability: seconds of BEGIN IMMEDIATE queueing for
every other booking on SQLite otherwise), and then written into the notices still waiting to be sent.

Names go to staff only: an operator sees how many, not who (the view decides what to show).
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from models import Booking, Closure, Resource, WaitlistEntry, utcnow
from services.booking import availability
from services.booking.rules import Context
from services.core import centre
from services.core.storage.transaction import read_only, write_transaction
from services.messaging import notices, outbox
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.closures")

# Builds the one-tap link for a resident to book (resource id, resident id, start) — the web layer knows URLs.
LinkFor = Callable[[int, int, datetime], str]
ALTERNATIVES_TOLD = 3


@dataclass
class Hit:
    bookings: list[Booking] = field(default_factory=list)
    offers: list[WaitlistEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Telling:
    """How to tell people: the messaging settings, the clock, and the web layer's link builder."""

    settings: Settings
    link_for: LinkFor
    now: datetime


def hit_by(session: Session, resource: Resource | None, start: datetime, end: datetime) -> Hit:
    """Confirmed bookings and held waitlist offers inside [start, end) of the space (None: every space)."""
    where = [Booking.status == "confirmed", Booking.starts_at < end, Booking.ends_at > start]
    offered = [WaitlistEntry.status.in_(("offered", "waiting")), WaitlistEntry.starts_at < end,
               WaitlistEntry.ends_at > start]
    if resource is not None:
        where.append(Booking.resource_id == resource.id)
        offered.append(WaitlistEntry.resource_id == resource.id)
    bookings = session.scalars(select(Booking).where(*where).options(
        selectinload(Booking.resident), selectinload(Booking.resource)).order_by(Booking.starts_at, Booking.id))
    return Hit(list(bookings), list(session.scalars(select(WaitlistEntry).where(*offered)
                                                    .order_by(WaitlistEntry.starts_at, WaitlistEntry.id))))


def apply(session: Session, closure: Closure, hit: Hit, telling: Telling | None) -> list[Booking]:
    """Cancel what the closure hits with its reason; the waitlist for those hours lapses; each resident's
    notice is queued (without the nearest times yet: see offer_alternatives)."""
    now = telling.now if telling else utcnow()
    reason = f"闭馆：{closure.reason}"
    for entry_id in (e.id for e in hit.offers):
        session.execute(update(WaitlistEntry).where(WaitlistEntry.id == entry_id,
                                                    WaitlistEntry.status.in_(("offered", "waiting")))
                        .values(status="lapsed", responded_at=now))
    for booking in hit.bookings:
        booking.status, booking.cancel_reason, booking.updated_at = "cancelled", reason, now
        booking.sequence += 1
    session.flush()
    if telling is not None:
        for booking in hit.bookings:
            notices.closure(session, booking, closure.reason, [], now, telling.settings)
    return hit.bookings


def offer_alternatives(session: Session, reason: str, booking_ids: list[int], telling: Telling) -> int:
    """After the closure has committed: look up each resident's nearest free times and write the notices'
    new text (a read, no lock held; the closure and the freed seats are visible now), then put the texts
    into the notices not yet sent (one short write: an UPDATE each).

    Returns how many notices got their times. A failure here leaves the notices as queued (they say to
    sign in or phone the desk), never a second notice, and never undoes the closure.
    """
    try:
        with read_only(session):
            ctx = centre.context(session, telling.now, telling.settings.tz, by_staff=False)  # the residents' rules
            texts = []
            for booking_id in booking_ids:
                booking = session.get(Booking, booking_id)
                found = _nearest(session, booking, ctx, telling)
                if found:
                    texts.append(notices.closure_offer_text(session, booking, reason, found, telling.now,
                                                            telling.settings))
        with write_transaction(session):
            return sum(outbox.rewrite_unsent(session, key, body) for key, body in texts)
    except Exception:  # the closure stands and each notice is queued: log it, do not answer 500
        session.rollback()
        log.exception("closure notices: looking up alternatives failed; notices go without them")
        return 0


def _nearest(session: Session, booking: Booking, ctx: Context, telling: Telling) -> list[str]:
    """The nearest times this resident could book themselves, as links (their own rules, not the desk's)."""
    found = availability.alternatives(session, booking.resource, booking.starts_at, booking.ends_at,
                                      booking.party_size, ctx, ALTERNATIVES_TOLD, booking.resident)
    words = []
    for start, end in found:
        local, until = start.astimezone(ctx.tz), end.astimezone(ctx.tz)
        when = f"{local.month}月{local.day}日 {local:%H:%M}–{until:%H:%M}"
        words.append(f"{when} {telling.link_for(booking.resource_id, booking.resident_id, start)}")
    return words
