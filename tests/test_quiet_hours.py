"""Quiet hours (21:00–08:00 by default): no message leaves at night, and an offer made in the evening
holds until the morning plus its hold time."""
from datetime import time, timedelta

from sqlalchemy import select

from models import OutboxMessage, WaitlistEntry
from services.booking import booking
from services.booking.rules import Request
from services.messaging import outbox, quiet_hours
from services.routines import jobs, waitlist
from services.routines.scheduler_settings import settings_from
from tests.scheduler_world import SETTINGS, TUESDAY, build, messages
from tests.world import DESK, at, book, context, resident, resident_actor

WEDNESDAY = TUESDAY + timedelta(days=1)


def _evening_offer(session, cancelled_at):
    """The rehab room is full on Wednesday 14:00; one person waits; the booking is cancelled at `cancelled_at`."""
    world = build(session)
    start = at(WEDNESDAY, 14)
    taken = book(session, world.room, world.adult, start)
    waiting = resident(session, name="候补的人", phone="13700000001")
    req = Request(booking.lock_space(session, world.room.id), waiting, start, start + timedelta(hours=1))
    waitlist.join(session, req, resident_actor(waiting), context(session, now=at(TUESDAY, 12)))
    booking.cancel(session, taken, DESK, cancelled_at)
    session.commit()
    jobs.run_all(session, cancelled_at, SETTINGS)
    [offer] = messages(session, kind="waitlist_offer")
    return offer


def test_an_offer_made_at_ten_at_night_is_sent_at_eight_and_holds_until_ten(session):
    offer = _evening_offer(session, at(TUESDAY, 22))
    entry = session.scalars(select(WaitlistEntry)).one()
    assert entry.status == "offered" and entry.hold_until == at(WEDNESDAY, 10)
    assert "保留到 11月25日 10:00" in offer.body and "until 25 Nov 10:00" in offer.body
    for moment in (at(TUESDAY, 22, 30), at(WEDNESDAY, 3), at(WEDNESDAY, 7, 59)):
        jobs.run_all(session, moment, SETTINGS)
        assert session.get(OutboxMessage, offer.id).status == "pending", moment
    jobs.run_all(session, at(WEDNESDAY, 8), SETTINGS)
    assert session.get(OutboxMessage, offer.id).status == "sent"
    assert session.get(WaitlistEntry, entry.id).status == "offered"  # nobody expired it overnight


def test_an_offer_made_at_eight_in_the_evening_keeps_its_second_hour_for_the_morning(session):
    _evening_offer(session, at(TUESDAY, 20))
    entry = session.scalars(select(WaitlistEntry)).one()
    assert entry.hold_until == at(WEDNESDAY, 9)


def test_a_two_hour_reminder_held_back_by_the_night_is_dropped_once_the_booking_has_begun(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(WEDNESDAY, 8))
    jobs.run_all(session, at(WEDNESDAY, 6), SETTINGS)
    [reminder] = messages(session, booking_id=visit.id, kind="reminder_2h")
    assert reminder.status == "pending"
    outbox.deliver_due(session, at(WEDNESDAY, 8), SETTINGS)
    assert session.get(OutboxMessage, reminder.id).status == "skipped"


def test_quiet_hours_are_configurable_and_equal_times_switch_them_off():
    late = settings_from({"QUIET_HOURS_FROM": "22:30", "QUIET_HOURS_UNTIL": "07:00"})
    assert late.quiet_from == time(22, 30)
    assert quiet_hours.quiet_end(at(TUESDAY, 22), late) is None
    assert quiet_hours.quiet_end(at(TUESDAY, 23), late) == at(WEDNESDAY, 7)
    assert quiet_hours.quiet_end(at(WEDNESDAY, 6, 59), late) == at(WEDNESDAY, 7)
    never = settings_from({"QUIET_HOURS_FROM": "00:00", "QUIET_HOURS_UNTIL": "00:00"})
    assert quiet_hours.quiet_end(at(TUESDAY, 23), never) is None
    assert quiet_hours.after_awake(at(TUESDAY, 23), timedelta(hours=2), never) == at(WEDNESDAY, 1)
    # Twenty waking hours from 09:00: twelve until 21:00, eight more from 08:00.
    assert quiet_hours.after_awake(at(TUESDAY, 9), timedelta(hours=20), SETTINGS) == at(WEDNESDAY, 16)
