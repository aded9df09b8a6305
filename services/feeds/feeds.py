"""Private calendar feeds: who may create which, what each shows, and redaction.

A feed shows what its owner may see today and nothing more: permissions are checked again
on every fetch, so an operator who leaves the organisation, or a guardian link that ends,
empties the feed (404) without anyone remembering to revoke it. Feeds leave our hands (they
sync into cloud calendars), so bookings of sensitive spaces are redacted on the server in
every feed but the resident's own (their household's), staff's and operators' included (DESIGN.md 10):
staff see the details in the app. Every feed made is written to the audit log.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, literal_column, or_, select, type_coerce
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from models import FEED_SCOPES, Booking, CalendarFeed, FeedChange, Resident, Resource, User
from services.accounts.accounts import operator_organisations
from services.core import audit, errors
from services.core.access import Actor, actor_for, may_see_resident, runs_space
from services.core.centre import current_centre
from services.core.errors import N_
from services.core.storage.database import own_connection
from services.core.storage.transaction import write_transaction
from services.feeds import changes, ics
from services.feeds.ics import Detail

TOKEN_BYTES = 32
CANCELLED_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class FeedSettings:
    days_back: int = 30
    days_ahead: int = 180
    max_events: int = 1500
    max_bytes: int = 900_000  # Google Calendar ignores a feed over ~1 MB (feed_size.fit)
    uid_domain: str = "linli.calendar"
    app_url: str | None = None  # where the shortened feed's notice points


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    cancelled_since: datetime
    today_start: datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def window(now: datetime, tz: ZoneInfo, settings: FeedSettings) -> Window:
    """Day-aligned bounds, so a feed's bytes (and ETag) change with the data, not every second."""
    today = now.astimezone(tz).date()
    midnight = datetime.combine(today, time(0), tz)
    return Window(midnight - timedelta(days=settings.days_back),
                  midnight + timedelta(days=settings.days_ahead + 1),
                  midnight - CANCELLED_KEPT, midnight)


# --- creating, finding, revoking -------------------------------------------------------------

def _require_scope_allowed(session: Session, actor: Actor, feed: CalendarFeed) -> None:
    if not scope_allowed(session, actor, feed):
        raise errors.Forbidden(N_("您不能订阅这个日历"))


def create_feed(session: Session, user: User, scope: str, resource_id: int | None = None,
                resident_id: int | None = None, organisation: str | None = None,
                now: datetime | None = None) -> tuple[CalendarFeed, str]:
    """Make a feed for `user`; the token is returned once and only its hash is kept."""
    _check_scope(scope)
    actor = actor_for(session, user)
    feed = CalendarFeed(user_id=user.id, scope=scope)
    if scope == "resource":
        feed.resource_id = _existing(session, Resource, resource_id, "resource_id").id
    elif scope == "resident":
        feed.resident_id = _existing(session, Resident, resident_id or actor.resident_id, "resident_id").id
    elif scope == "operator":
        feed.organisation = organisation if actor.is_staff and organisation else actor.organisation
        if not feed.organisation:
            raise errors.Invalid("organisation", N_("需要运营机构名称"))
        if actor.is_staff and feed.organisation not in operator_organisations(session):
            raise errors.Invalid("organisation", N_("没有名为“%(value)s”的运营机构，请从列表中选择"),
                                 value=feed.organisation[:120])
    feed.user = user
    _require_scope_allowed(session, actor, feed)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed.token_hash = token_digest(token)
    session.add(feed)
    session.flush()
    audit.record(session, user.id, audit.CREATE, "feed", feed.id, now or datetime.now(UTC))
    return feed, token


def make_feed(session: Session, actor: Actor, scope: str, resource_id: int | None = None,
              resident_id: int | None = None, organisation: str | None = None,
              now: datetime | None = None) -> tuple[CalendarFeed, str]:
    """The use-case behind POST /feeds and the feeds page: a new private URL for the actor, shown once."""
    _check_scope(scope)
    with write_transaction(session):
        return create_feed(session, session.get(User, actor.user_id), scope, resource_id, resident_id, organisation,
                           now)


def _check_scope(scope: str) -> None:
    if scope not in FEED_SCOPES:
        raise errors.Invalid("scope", N_("scope 只能是 %(choices)s 之一"), choices=", ".join(FEED_SCOPES))


def _existing(session: Session, model, object_id: int | None, field: str):
    found = session.get(model, object_id) if object_id else None
    if found is None:
        raise errors.Invalid(field, N_("缺少或找不到 %(field)s"))
    return found


@dataclass(frozen=True)
class LiveFeed:
    """A live feed's id and the feeds' change counter, read together: the ETag is made of them."""

    id: int
    version: int
    changed_at: datetime


# The row id as a literal: TokenLookup binds every positional parameter to the token's digest.
_CHANGE = select(FeedChange).where(FeedChange.id == literal_column(str(changes.ROW_ID)))
_LIVE_FEED = (select(CalendarFeed.id, CalendarFeed.token_hash,
                     _CHANGE.with_only_columns(FeedChange.counter).scalar_subquery(),
                     _CHANGE.with_only_columns(type_coerce(FeedChange.changed_at, String)).scalar_subquery())
              .where(CalendarFeed.token_hash == bindparam("digest"), CalendarFeed.revoked_at.is_(None)))
NEVER_CHANGED = datetime(2026, 1, 1, tzinfo=UTC)


def _checked(row, digest: str) -> LiveFeed | None:
    if row is None or not hmac.compare_digest(row[1], digest):
        return None
    return LiveFeed(row[0], row[2] or 0, _instant(row[3]) if row[3] else NEVER_CHANGED)


def live_feed(session: Session, token: str) -> LiveFeed | None:
    """The live feed for a token, or None. One indexed lookup by the token's hash, and the
    stored hash compared in constant time; the token itself is never stored."""
    if not token or len(token) > 128:
        return None
    digest = token_digest(token)
    return _checked(session.execute(_LIVE_FEED, {"digest": digest}).first(), digest)


class TokenLookup:
    """live_feed_id on this worker's own DB-API connection, in autocommit, with the SQL compiled once.

    Most feed requests are polls answered 304; through the ORM session this one lookup cost
    three times the rest of the request. A single autocommit read needs no transaction.
    """

    def __init__(self, engine: Engine):
        compiled = _LIVE_FEED.compile(dialect=engine.dialect)
        self.engine, self.sql = engine, str(compiled)
        self.positional = engine.dialect.positional
        self.names = compiled.positiontup if self.positional else None

    def __call__(self, token: str) -> LiveFeed | None:
        if not token or len(token) > 128:
            return None
        digest = token_digest(token)
        params = (digest,) * len(self.names) if self.positional else {"digest": digest}

        def look_up(connection):
            cursor = connection.cursor()
            try:
                cursor.execute(self.sql, params)
                return cursor.fetchone()
            finally:
                cursor.close()

        return _checked(own_connection(self.engine).read(look_up), digest)


def visible_feeds(session: Session, actor: Actor) -> list[CalendarFeed]:
    """Live feeds: one's own; admins see everyone's so a leaked URL can be revoked."""
    stmt = select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None))
    if actor.role != "admin":
        stmt = stmt.where(CalendarFeed.user_id == actor.user_id)
    return list(session.scalars(stmt.order_by(CalendarFeed.id)))


def revoke_feed(session: Session, actor: Actor, feed_id: int, now: datetime) -> CalendarFeed:
    """The use-case: one's own feed, or any feed for an admin; the URL answers 404 from now on."""
    with write_transaction(session):
        feed = session.get(CalendarFeed, feed_id)
        if feed is None or feed.revoked_at is not None or not (feed.user_id == actor.user_id or actor.role == "admin"):
            raise errors.NotFound()
        feed.revoked_at = now
    return feed


# --- what a feed shows -----------------------------------------------------------------------

def scope_allowed(session: Session, actor: Actor, feed: CalendarFeed) -> bool:
    if feed.scope == "public":
        return True
    if feed.scope == "resource":
        resource = session.get(Resource, feed.resource_id)
        return resource is not None and (actor.is_staff or runs_space(actor, resource))
    if feed.scope == "operator":
        return actor.is_staff or (actor.role == "operator" and actor.organisation == feed.organisation)
    return feed.resident_id is not None and may_see_resident(actor, feed.resident_id)


def resident_ids_for(session: Session, actor: Actor, resident_id: int) -> set[int]:
    """The resident and those they are guardian of, as far as the owner may still see them."""
    ids = {resident_id, *session.scalars(select(Resident.id).where(Resident.guardian_id == resident_id))}
    return ids if actor.is_staff else ids & actor.resident_ids


def feed_bookings(session: Session, actor: Actor, feed: CalendarFeed, win: Window,
                  max_events: int) -> list[ics.BookingView]:
    """The feed's bookings in its window, as plain rows: a 1,000-event feed must build in well under 50 ms."""
    if feed.scope == "public":
        return []
    stmt = (select(Booking.id, Booking.resource_id, Booking.resident_id, Resident.name, Resident.phone,
                   *(type_coerce(column, String) for column in (Booking.starts_at, Booking.ends_at)),
                   Booking.status, Booking.sequence, Booking.party_size, Booking.note,
                   type_coerce(Booking.updated_at, String))
            .join(Resource, Booking.resource_id == Resource.id).join(Resident, Booking.resident_id == Resident.id)
            .where(Booking.starts_at < win.end, Booking.ends_at > win.start,
                   or_(Booking.status != "cancelled", Booking.updated_at >= win.cancelled_since)))
    if feed.scope == "resource":
        stmt = stmt.where(Booking.resource_id == feed.resource_id)
    elif feed.scope == "operator":
        stmt = stmt.where(Resource.operator == feed.organisation)
    else:
        stmt = stmt.where(Booking.resident_id.in_(resident_ids_for(session, actor, feed.resident_id)))
    rows = session.execute(stmt.order_by(Booking.starts_at, Booking.id)).all()
    spaces = {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_({row[1] for row in rows})))}
    views = [ics.BookingView(row[0], spaces[row[1]], row[2], row[3], row[4], _instant(row[5]), _instant(row[6]),
                             *row[7:11], _instant(row[11])) for row in rows]
    return views  # bounded in number and bytes, announced, by feed_size.fit


def _instant(value: str | datetime) -> datetime:
    """A stored instant read raw: SQLAlchemy's own parsing of SQLite's text took most of a feed's query time."""
    if isinstance(value, str):  # SQLite keeps naive UTC text (models.base.UTCDateTime)
        return datetime.fromisoformat(value + "+00:00")
    return value.astimezone(UTC)


def detail_for(actor: Actor, booking: Booking | ics.BookingView) -> Detail:
    """Staff and the resident themselves see everything; sensitive spaces are redacted for everyone else."""
    if actor.is_staff:
        return Detail.FULL
    if actor.resident_id is not None and booking.resident_id == actor.resident_id:
        return Detail.OWN
    if booking.resource.sensitive:
        return Detail.REDACTED
    return Detail.OWN if actor.role == "resident" else Detail.FULL


def feed_detail(actor: Actor, booking: ics.BookingView) -> Detail:
    """In a feed, sensitive spaces show only "booked" unless the booking is the feed owner's own:
    a guardian's feed redacts the ward's counselling too, and staff's and operators' feeds all of it."""
    if booking.resource.sensitive and booking.resident_id != actor.resident_id:
        return Detail.REDACTED
    if booking.resident_id in actor.resident_ids or actor.role == "resident":
        return Detail.OWN
    return Detail.FULL


def booking_location(session: Session, resource: Resource) -> str:
    centre = current_centre(session)
    return ics.location(resource, centre.name, centre.name_en)


def feed_name(session: Session, feed: CalendarFeed) -> str:
    centre = current_centre(session)
    if feed.scope == "resource":
        resource = session.get(Resource, feed.resource_id)
        return f"{resource.name} 预约 / {resource.name_en} bookings"
    if feed.scope == "operator":
        return f"{feed.organisation} 空间预约 / Bookings in {feed.organisation}'s spaces"
    if feed.scope == "resident":
        return f"{centre.name} 我的预约 / My bookings at {centre.name_en}"
    return f"{centre.name} 开放时间 / {centre.name_en} opening hours"


def booking_events(session: Session, actor: Actor, feed: CalendarFeed, bookings: list[ics.BookingView],
                   uid_domain: str) -> list[ics.IcsEvent]:
    places: dict[int, str] = {}
    events = []
    for booking in bookings:
        if booking.resource.id not in places:
            places[booking.resource.id] = booking_location(session, booking.resource)
        detail = feed_detail(actor, booking)
        with_name = detail is Detail.FULL or (detail is Detail.OWN and booking.resident_id != actor.resident_id)
        events.append(ics.booking_event(booking, detail, places[booking.resource.id], uid_domain, with_name))
    return events


def live_owner(session: Session, feed: CalendarFeed) -> Actor | None:
    """The owner's current permissions, or None when they no longer cover the feed."""
    owner = session.get(User, feed.user_id)
    if owner is None:
        return None
    actor = actor_for(session, owner)
    return actor if scope_allowed(session, actor, feed) else None
