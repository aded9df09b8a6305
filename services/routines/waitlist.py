"""The waitlist: join a full slot, get an offer that holds the seats, accept or decline.

No seat is ever promised twice: every offer is made with the space row locked (PostgreSQL
`FOR UPDATE`; SQLite's BEGIN IMMEDIATE serialises writers), counting offered entries as uses of
the space (occupancy.held_between), and each entry moves state by a conditional UPDATE.
"""
import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import ACTIVE_STATUSES, Booking, Resident, Resource, WaitlistEntry
from services.booking import booking, occupancy, rules
from services.booking.rules import Context, Request
from services.core import errors
from services.core.access import Actor, require_booking_for
from services.core.centre import current_centre
from services.core.errors import N_
from services.messaging import outbox, quiet_hours
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")
LIVE = ("waiting", "offered")
MAX_LIVE_ENTRIES = 5  # one resident must not be able to hold a space by queueing everywhere


def join(session: Session, req: Request, actor: Actor, ctx: Context) -> WaitlistEntry:
    """Queue for a slot; the resident's own rules (groups, window, hours) apply as to a booking."""
    require_booking_for(actor, req.resident.id)
    rules.check_all(session, req, ctx, room=False)
    _require_full(session, req)
    _require_room_in_line(session, req.resident.id)
    same = (WaitlistEntry.resource_id == req.resource.id, WaitlistEntry.resident_id == req.resident.id,
            WaitlistEntry.starts_at == req.start, WaitlistEntry.status.in_(LIVE))
    if session.scalar(select(WaitlistEntry.id).where(*same)):
        raise errors.InvalidState(N_("已在候补名单中"))
    if session.scalar(select(Booking.id).where(
            Booking.resource_id == req.resource.id, Booking.resident_id == req.resident.id,
            Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < req.end, Booking.ends_at > req.start)):
        raise errors.InvalidState(N_("该时段已有预约"))
    entry = WaitlistEntry(resource_id=req.resource.id, resident_id=req.resident.id, starts_at=req.start,
                          ends_at=req.end, party_size=req.party_size, status="waiting", created_at=ctx.now)
    session.add(entry)
    session.flush()
    return entry


def _require_full(session: Session, req: Request) -> None:
    """A free slot nobody waits for is booked, not queued for: an offer would just hold its seats."""
    uses = occupancy.uses_between(session, req.resource, req.start, req.end)
    if occupancy.seats_free(req.resource, uses, req.start, req.end) < req.party_size:
        return
    waiting = session.scalar(select(WaitlistEntry.id).where(
        WaitlistEntry.resource_id == req.resource.id, WaitlistEntry.status == "waiting",
        WaitlistEntry.starts_at < req.end, WaitlistEntry.ends_at > req.start).limit(1))
    if waiting is None:
        raise errors.InvalidState(N_("该时段还有空位，请直接预约"))


def _require_room_in_line(session: Session, resident_id: int) -> None:
    live = session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.resident_id == resident_id, WaitlistEntry.status.in_(LIVE)))
    if live >= MAX_LIVE_ENTRIES:
        raise errors.QuotaExceeded(N_("同时最多候补 %(max)s 个时段"), max=MAX_LIVE_ENTRIES)


def places_in_line(session: Session, entries: list[WaitlistEntry]) -> dict[int, int]:
    """Each waiting entry's place in its slot's line (1 = next to be offered), first come first served."""
    places = {}
    for entry in entries:
        if entry.status != "waiting":
            continue
        ahead = session.scalar(select(func.count(WaitlistEntry.id)).where(
            WaitlistEntry.resource_id == entry.resource_id, WaitlistEntry.status == "waiting",
            WaitlistEntry.starts_at < entry.ends_at, WaitlistEntry.ends_at > entry.starts_at,
            (WaitlistEntry.created_at < entry.created_at)
            | ((WaitlistEntry.created_at == entry.created_at) & (WaitlistEntry.id < entry.id))))
        places[entry.id] = ahead + 1
    return places


def hold_deadline(entry: WaitlistEntry, now: datetime, settings: Settings) -> datetime:
    """The configured hold, shorter close to the start so the seat can still be offered on.

    Holds count waking time only: an offer made at 22:00 is sent at 08:00 and holds until 10:00.
    """
    before_start = entry.starts_at - settings.hold_lead
    full, least = (quiet_hours.after_awake(now, length, settings) for length in (settings.hold, settings.min_hold))
    return min(full, max(before_start, least))


def offerable(entry: WaitlistEntry, now: datetime, settings: Settings) -> bool:
    """Only while the hold still ends early enough for the desk to book the seat."""
    return hold_deadline(entry, now, settings) <= entry.starts_at + rules.DESK_GRACE


def _fits(session: Session, resource: Resource, entry: WaitlistEntry, ctx: Context) -> bool:
    """The first *eligible* person in line: every booking rule still applies (groups, closures, quotas, the
    seats); the centre makes the offer, so ctx is the desk's and notice and window are waived."""
    req = Request(resource, session.get(Resident, entry.resident_id), entry.starts_at, entry.ends_at,
                  entry.party_size)
    try:
        rules.check_all(session, req, ctx)
    except errors.DomainError:  # a rule refuses, or the space's rules changed since the entry joined
        return False
    return True


def _offer_text(session: Session, entry: WaitlistEntry, resource: Resource, resident: Resident,
                address: outbox.Address, settings: Settings) -> tuple[str, str]:
    zh, en = outbox.slot_text(resource, entry.starts_at, entry.ends_at, settings)
    local = entry.hold_until.astimezone(settings.tz)  # an evening offer holds into the next morning: say the day
    until, until_en = f"{local.month}月{local.day}日 {local:%H:%M}", f"{local.day} {outbox.MONTHS_EN[local.month - 1]} {local:%H:%M}"
    who = f"（{resident.name}）" if address.via_guardian else ""
    body = (f"{outbox.signature(session)}候补有位{who}：{zh}。已为您保留到 {until}，请登录“我的候补”确认或放弃。"
            f" / A place is free: {en}. Held for you until {until_en}; sign in to accept or decline.")
    return f"候补有位 / A place is free: {zh}", body


def offer_free_seats(session: Session, resource: Resource, now: datetime, settings: Settings) -> int:
    """Offer freed seats to the line, first come first served; the caller holds the space's lock."""
    ctx = Context(now=now, tz=settings.tz, centre=current_centre(session), by_staff=True)
    waiting = session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.resource_id == resource.id, WaitlistEntry.status == "waiting",
        WaitlistEntry.starts_at > now - rules.DESK_GRACE,
    ).order_by(WaitlistEntry.created_at, WaitlistEntry.id)).all()
    made = 0
    for entry in waiting:
        if not offerable(entry, now, settings) or not _fits(session, resource, entry, ctx):
            continue
        hold = hold_deadline(entry, now, settings)
        won = session.execute(update(WaitlistEntry).where(WaitlistEntry.id == entry.id,
                                                          WaitlistEntry.status == "waiting")
                              .values(status="offered", offered_at=now, hold_until=hold)).rowcount
        if won:
            session.refresh(entry)
            _queue_offer(session, entry, resource, now, settings)
            made += 1
    return made


def _queue_offer(session: Session, entry: WaitlistEntry, resource: Resource, now: datetime,
                 settings: Settings) -> None:
    resident = session.get(Resident, entry.resident_id)
    address = outbox.address_for(session, resident, now.astimezone(settings.tz).date(), settings)
    subject, body = _offer_text(session, entry, resource, resident, address, settings)
    outbox.queue(session, f"waitlist_offer:{entry.id}", "waitlist_offer", address, subject, body, now,
                 resident.id)
    log.debug("offered entry %s", entry.id)


def offer_everywhere(session: Session, now: datetime, settings: Settings) -> int:
    """The job: for each space with people waiting, lock it and offer what is free. One transaction per space."""
    resource_ids = session.scalars(select(WaitlistEntry.resource_id).where(
        WaitlistEntry.status == "waiting", WaitlistEntry.starts_at > now - rules.DESK_GRACE).distinct()).all()
    session.commit()
    made = 0
    for resource_id in sorted(resource_ids):
        resource = booking.lock_space(session, resource_id)
        made += offer_free_seats(session, resource, now, settings)
        session.commit()
    return made


def expire(session: Session, now: datetime) -> int:
    """Offers past their hold expire (the next person is offered next run); waiting entries whose time passed lapse."""
    expired = session.execute(update(WaitlistEntry).where(
        WaitlistEntry.status == "offered", WaitlistEntry.hold_until <= now,
    ).values(status="expired", responded_at=now)).rowcount
    session.execute(update(WaitlistEntry).where(
        WaitlistEntry.status == "waiting", WaitlistEntry.starts_at <= now - rules.DESK_GRACE,
    ).values(status="lapsed"))
    session.commit()
    return expired


def visible_entry(session: Session, actor: Actor, entry_id: int) -> WaitlistEntry:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or not (actor.is_staff or entry.resident_id in actor.resident_ids):
        raise errors.NotFound(N_("找不到该候补"))
    return entry


def accept(session: Session, entry_id: int, actor: Actor, now: datetime, settings: Settings) -> Booking:
    """Turn a live offer into a booking. The centre made the offer, so notice and window rules are waived."""
    entry = visible_entry(session, actor, entry_id)
    resource = booking.lock_space(session, entry.resource_id)
    won = session.execute(update(WaitlistEntry).where(
        WaitlistEntry.id == entry.id, WaitlistEntry.status == "offered", WaitlistEntry.hold_until > now,
    ).values(status="booked", responded_at=now)).rowcount
    session.refresh(entry)
    if not won:
        raise errors.InvalidState(_closed_message(entry.status))
    # The hold stops counting once the entry is booked, so the seats it kept are exactly the ones taken here.
    ctx = Context(now=now, tz=settings.tz, centre=current_centre(session), by_staff=True)
    req = Request(resource, session.get(Resident, entry.resident_id), entry.starts_at, entry.ends_at,
                  entry.party_size)
    made = booking.book(session, req, actor, ctx, channel="desk" if actor.is_staff else "online",
                        note="候补转预约 / from the waitlist")
    entry.booking_id = made.id
    return made


def decline(session: Session, entry_id: int, actor: Actor, now: datetime, settings: Settings) -> WaitlistEntry:
    """Leave the line or turn down an offer; a declined offer goes to the next person at once."""
    entry = visible_entry(session, actor, entry_id)
    resource = booking.lock_space(session, entry.resource_id)
    was_offered = entry.status == "offered"
    won = session.execute(update(WaitlistEntry).where(
        WaitlistEntry.id == entry.id, WaitlistEntry.status.in_(LIVE),
    ).values(status="declined", responded_at=now)).rowcount
    session.refresh(entry)
    if not won:
        raise errors.InvalidState(_closed_message(entry.status))
    if was_offered:
        offer_free_seats(session, resource, now, settings)
    return entry


def _closed_message(status: str) -> str:
    return {
        "waiting": N_("还没有空位，请等待通知"),
        "offered": N_("保留时间已过"),
        "expired": N_("保留时间已过"),
        "booked": N_("已经预约成功"),
        "declined": N_("已放弃"),
        "lapsed": N_("该时段已过"),
    }.get(status, N_("候补已结束"))
