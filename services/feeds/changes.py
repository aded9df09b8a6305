"""The feeds' change counter: bumped in the same transaction as every change a feed could show.

A per-worker cache with a time limit answered 304 to a stale ETag for up to a minute after a
cancellation, and workers disagreed. Instead, a session that flushed a change to any record a
feed is built from (bookings, closures, spaces and their hours, residents, users, the centre,
feeds) bumps one counter before its commit (services/core/storage/change_counters.py). The feed's ETag
is made of that counter, read with the token in one query: equal ETags mean equal bytes, in every worker.
"""
from models import Booking, CalendarFeed, Centre, Closure, FeedChange, OpeningHours, Resident, Resource, User
from services.core.storage.change_counters import ROW_ID, ChangeCounter
from services.core.storage.change_counters import install as install_counter

SHOWN_IN_FEEDS = (Booking, Closure, Resource, OpeningHours, Resident, Centre, User, CalendarFeed)
FEEDS = ChangeCounter(FeedChange.__table__, SHOWN_IN_FEEDS, "feeds_changed")
__all__ = ["FEEDS", "ROW_ID", "install"]


def install() -> None:
    install_counter(FEEDS)
