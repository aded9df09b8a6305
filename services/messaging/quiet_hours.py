"""Quiet hours: nothing is sent to anyone between 21:00 and 08:00 (configurable), and time a resident is
asked to act within (a waitlist offer's hold) only counts while they are awake.

An elderly resident woken at 23:00 by "a place is free, held until 01:00" loses either sleep or the place.
"""
from datetime import datetime, timedelta

from services.core.clock import at_local
from services.routines.scheduler_settings import Settings


def _bounds(day, settings: Settings) -> tuple[datetime, datetime]:
    """The quiet period that begins on local `day` (its evening) and ends the next morning."""
    start = at_local(day, settings.quiet_from, settings.tz)
    end_day = day + timedelta(days=1) if settings.quiet_until <= settings.quiet_from else day
    return start, at_local(end_day, settings.quiet_until, settings.tz)


def _enabled(settings: Settings) -> bool:
    return settings.quiet_from != settings.quiet_until


def quiet_end(now: datetime, settings: Settings) -> datetime | None:
    """When the quiet period `now` is in ends; None when `now` is not in quiet hours."""
    if not _enabled(settings):
        return None
    today = now.astimezone(settings.tz).date()
    for day in (today - timedelta(days=1), today):
        start, end = _bounds(day, settings)
        if start <= now < end:
            return end
    return None


def next_quiet_start(now: datetime, settings: Settings) -> datetime:
    today = now.astimezone(settings.tz).date()
    for day in (today, today + timedelta(days=1)):
        start, _ = _bounds(day, settings)
        if start > now:
            return start
    return _bounds(today + timedelta(days=2), settings)[0]


def sendable_from(now: datetime, settings: Settings) -> datetime:
    """`now`, or the end of the quiet period it falls in."""
    return quiet_end(now, settings) or now


def after_awake(now: datetime, length: timedelta, settings: Settings) -> datetime:
    """The instant `length` of waking (non-quiet) time after `now`: a hold made at 22:00 runs from 08:00."""
    if not _enabled(settings):
        return now + length
    at, left = sendable_from(now, settings), length
    while True:
        awake = next_quiet_start(at, settings) - at
        if awake >= left:
            return at + left
        left -= awake
        at = quiet_end(at + awake, settings)
