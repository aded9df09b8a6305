"""Whole calendars: a feed's bytes, and one booking as a download with a reminder."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models import Booking, CalendarFeed
from services.activities import feed_events
from services.core.access import Actor, visible_booking
from services.core.centre import current_centre
from services.core.errors import N_, InvalidState
from services.feeds import feed_programme, feeds, ics


def build_feed(session: Session, feed: CalendarFeed, owner: Actor, now: datetime, tz: ZoneInfo,
               settings: feeds.FeedSettings) -> bytes:
    """The feed's bytes as of `now`: the same data and the same day give the same bytes."""
    win = feeds.window(now, tz, settings)
    if feed.scope == "public":
        events = feed_programme.programme_events(session, current_centre(session), win, tz, settings.uid_domain)
    else:
        bookings = feeds.feed_bookings(session, owner, feed, win, settings.max_events)
        events = feeds.booking_events(session, owner, feed, bookings, settings.uid_domain)
    events += feed_events.session_events(session, owner, feed, win, settings.uid_domain)
    return ics.calendar_bytes(feeds.feed_name(session, feed), events, tz)


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
