"""Whole calendars: a feed's bytes, and one booking as a download with a reminder."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models import Booking, CalendarFeed
from services.activities import feed_events
from services.core import audit
from services.core.access import Actor, visible_booking
from services.core.centre import current_centre
from services.core.errors import N_, InvalidState
from services.core.storage.transaction import write_transaction
from services.feeds import feed_programme, feed_size, feeds, ics


def build_feed(session: Session, feed: CalendarFeed, owner: Actor, now: datetime, tz: ZoneInfo,
               settings: feeds.FeedSettings) -> bytes:
    """The feed's bytes as of `now`: the same data and the same day give the same bytes.

    Bounded in bytes (feed_size): over the budget the far past goes, then the far future, and
    the feed says so. The public feed carries its opening hours in the calendar's description.
    """
    win = feeds.window(now, tz, settings)
    description = None
    if feed.scope == "public":
        centre = current_centre(session)
        events = feed_programme.programme_events(session, centre, win, tz, settings.uid_domain)
        description = feed_programme.opening_hours_text(feed_programme.active_spaces(session), centre)
    else:
        bookings = feeds.feed_bookings(session, owner, feed, win, settings.max_events)
        events = feeds.booking_events(session, owner, feed, bookings, settings.uid_domain)
    events += feed_events.session_events(session, owner, feed, win, settings.uid_domain)
    kept = feed_size.fit(events, win.today_start, tz, settings.max_bytes, settings.max_events)
    extra = ()
    if kept.any:
        notice_uid = f"trimmed-{feed.id}@{settings.uid_domain}"
        kept.events.append(feed_size.notice(kept, win.today_start, settings.app_url, notice_uid))
        extra = (feed_size.trimmed_property(kept),)
    return ics.calendar_bytes(feeds.feed_name(session, feed), kept.events, tz, description=description, extra=extra)


def booking_download(session: Session, actor: Actor, booking_id: int, tz: ZoneInfo,
                     settings: feeds.FeedSettings) -> tuple[Booking, bytes]:
    """One booking as an .ics file with a reminder an hour before; redacted like a feed would be.

    The event is the feed's own (same builder, same UID), so a calendar that has both the download and a
    subscription shows the booking once. A cancelled booking is not offered: a file would add a dead event.
    """
    booking = visible_booking(session, actor, booking_id)
    if booking.status == "cancelled":
        raise InvalidState(N_("这个预约已取消，不能再加入日历"))
    detail = feeds.detail_for(actor, booking)
    with_name = detail is not ics.Detail.REDACTED
    event = ics.booking_event(ics.BookingView.of(booking), detail, feeds.booking_location(session, booking.resource),
                              settings.uid_domain, with_name=with_name, alarm=True)
    return booking, ics.calendar_bytes(None, [event], tz, method="PUBLISH")


def audited_download(session: Session, actor: Actor, booking_id: int, tz: ZoneInfo, settings: feeds.FeedSettings,
                     now: datetime) -> tuple[Booking, bytes]:
    """The download use-case: a sensitive booking leaving the app is a read the audit log records."""
    booking, body = booking_download(session, actor, booking_id, tz, settings)
    if booking.resource.sensitive:
        booking_id = booking.id
        with write_transaction(session):
            audit.record(session, actor.user_id, audit.READ, "booking", booking_id, now)
    return booking, body
