"""What a closure does to the people who had the space: which bookings and held offers it hits, and, once
saved, cancelling them with its reason, freeing their seats and telling each resident (or guardian) with
the nearest times they could book instead, as one-tap links.

Names go to staff only: an operator sees how many, not who (the view decides what to show).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from models import Booking, Closure, Resource, WaitlistEntry, utcnow
from services.booking import availability
from services.booking.rules import Context
from services.core import centre
from services.messaging import notices
from services.routines.scheduler_settings import Settings

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
    """Cancel what the closure hits with its reason; the waitlist for those hours lapses; each resident is told."""
    now = telling.now if telling else utcnow()
    reason = f"闭馆：{closure.reason}"
    for entry_id in (e.id for e in hit.offers):
        session.execute(update(WaitlistEntry).where(WaitlistEntry.id == entry_id,
                                                    WaitlistEntry.status.in_(("offered", "waiting")))
                        .values(status="lapsed", responded_at=now))
    for booking in hit.bookings:
        booking.status, booking.cancel_reason, booking.updated_at = "cancelled", reason, now
        booking.sequence += 1
    session.flush()  # the closure and the freed seats are visible to the alternatives below
    if telling is not None:
        ctx = centre.context(session, now, telling.settings.tz, by_staff=False)  # the residents' own rules
        for booking in hit.bookings:
            notices.closure(session, booking, closure.reason, _nearest(session, booking, ctx, telling), now,
                            telling.settings)
    return hit.bookings


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
