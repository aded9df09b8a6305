"""Telling people what happened to their bookings: a desk (or operator) cancellation, a closure, or the
resident's own cancellation, each exactly once per booking and change.

The outbox key is kind + booking id + the booking's sequence (bumped on every change), so a retried
request queues nothing twice and a later change of the same booking is told again. Queuing is one
INSERT in the caller's transaction; sending happens later, outside it (and outside quiet hours).
"""
from datetime import datetime

from sqlalchemy.orm import Session

from models import Booking
from services.core.access import Actor
from services.messaging import outbox
from services.routines.scheduler_settings import Settings

CANCELLED = "booking_cancelled"  # the desk, an operator or a closure cancelled it
CONFIRMED_CANCEL = "cancellation_confirmed"  # the resident (or guardian) cancelled it themselves
CLOSURE = "closure_notice"


def _who(booking: Booking, address: outbox.Address) -> str:
    return f"您为{booking.resident.name}预约的" if address.via_guardian else "您预约的"


def notice_key(kind: str, booking: Booking) -> str:
    return f"{kind}:{booking.id}:{booking.sequence}"


def _queue(session: Session, kind: str, booking: Booking, subject: str, body: str, address: outbox.Address,
           now: datetime) -> bool:
    return outbox.queue(session, notice_key(kind, booking), kind, address, subject, body, now,
                        booking.resident_id, booking.id)


def cancellation(session: Session, booking: Booking, actor: Actor, now: datetime, settings: Settings) -> bool:
    """After a cancellation: the resident's own gets a confirmation, anyone else's a notice with the reason."""
    address = outbox.address_for(session, booking.resident, now.astimezone(settings.tz).date(), settings)
    zh, en = outbox.slot_text(booking.resource, booking.starts_at, booking.ends_at, settings)
    sign = outbox.signature(session)
    if booking.resident_id in actor.resident_ids:
        body = (f"{sign}已取消：{_who(booking, address)} {zh}。需要时可以再预约。"
                f" / Cancelled as you asked: {en}.")
        return _queue(session, CONFIRMED_CANCEL, booking, f"已取消预约 / Booking cancelled: {zh}", body, address, now)
    reason = booking.cancel_reason or "中心安排"
    body = (f"{sign}抱歉，{_who(booking, address)} {zh} 已取消，原因：{reason}。如需改约，请登录预约或打电话给前台。"
            f" / Sorry, your booking {en} was cancelled ({reason}). Sign in or phone the desk to book again.")
    return _queue(session, CANCELLED, booking, f"预约已取消 / Booking cancelled: {zh}", body, address, now)


def _closure_body(session: Session, booking: Booking, reason: str, alternatives: list[str],
                  address: outbox.Address, zh: str, en: str) -> str:
    offers = "；".join(alternatives)
    return (f"{outbox.signature(session)}抱歉，因{reason}闭馆，{_who(booking, address)} {zh} 已取消。"
            + (f"可以改约（点链接即可预约）：{offers}" if offers else "如需改约，请登录预约或打电话给前台。")
            + f" / Sorry, {en} was cancelled: the space is closed ({reason})."
            + (f" Nearest free times: {offers}" if offers else ""))


def closure(session: Session, booking: Booking, reason: str, alternatives: list[str], now: datetime,
            settings: Settings) -> bool:
    """A closure cancelled this booking: say why, and offer the nearest free times as one-tap links."""
    address = outbox.address_for(session, booking.resident, now.astimezone(settings.tz).date(), settings)
    zh, en = outbox.slot_text(booking.resource, booking.starts_at, booking.ends_at, settings)
    body = _closure_body(session, booking, reason, alternatives, address, zh, en)
    return _queue(session, CLOSURE, booking, f"闭馆通知 / Closure notice: {zh}", body, address, now)


def closure_offer_text(session: Session, booking: Booking, reason: str, alternatives: list[str], now: datetime,
                       settings: Settings) -> tuple[str, str]:
    """(outbox key, text) of this booking's closure notice with the nearest free times in it: worked out
    by reading only, so that putting it in (outbox.rewrite_unsent) is one UPDATE under the write lock."""
    address = outbox.address_for(session, booking.resident, now.astimezone(settings.tz).date(), settings)
    zh, en = outbox.slot_text(booking.resource, booking.starts_at, booking.ends_at, settings)
    return notice_key(CLOSURE, booking), _closure_body(session, booking, reason, alternatives, address, zh, en)
