"""What a slot says is what booking it does: for a resident and for the desk, every slot availability calls
free is bookable by that actor at that moment, every bookable slot is shown free, and every alternative
offered on a conflict is one this person could book. Many moments over days and times, on both databases."""
from datetime import date, datetime, time, timedelta

import pytest

from models import Booking, Closure, Resident, db
from services.booking import availability, booking
from services.booking.rules import Request
from services.core import errors
from tests.world import DESK, TZ, context, make_app, resident, resident_actor, space

MONDAY = date(2026, 11, 23)
# Moments spread over the day and the week: before opening, inside a slot's first half hour, just after it,
# in the evening; each gives a different mix of past, in-progress, too-soon and too-far slots.
MOMENTS = [datetime.combine(MONDAY + timedelta(days=d), t, TZ) for d, t in [
    (0, time(7, 30)), (0, time(10, 20)), (0, time(11, 45)), (1, time(11, 29)), (2, time(14, 31)),
    (3, time(19, 55)), (5, time(9, 0)), (6, time(16, 10))]]
DAYS_AHEAD = (0, 1, 2, 13, 14, 15, 28, 29)


@pytest.fixture
def world(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        yield _build(db.session)
        db.session.rollback()
        db.engine.dispose()


def _build(session):
    weekdays = [(d, time(8), time(12)) for d in range(5)] + [(d, time(13, 30), time(17, 30)) for d in range(5)]
    room = space(session, buffer_minutes=15, min_notice_minutes=60, weekly_quota=2, hours=weekdays)
    hall = space(session, name="休闲活动区", exclusive=False, capacity=3, min_notice_minutes=120,
                 group_window_days={"special": 28}, hours=[(d, time(9), time(16)) for d in range(7)])
    elders = space(session, name="养老驿站", exclusive=False, capacity=30, groups=["elderly"])
    adult = resident(session, name="周丽娟")
    special = resident(session, name="陈晓东", disability=True)
    others = [resident(session, name=f"邻居{n}") for n in range(3)]
    _existing(session, room, hall, adult, others)
    session.commit()
    return {"spaces": [room, hall, elders], "adult": adult, "special": special}


def _existing(session, room, hall, adult, others):
    """Bookings that make full slots, buffers, a used-up weekly quota, and a closure."""
    at = lambda d, h, m=0: datetime.combine(MONDAY + timedelta(days=d), time(h, m), TZ)  # noqa: E731
    rows = [(room, others[0], at(1, 10), at(1, 11), 1), (room, adult, at(2, 9), at(2, 10), 1),
            (room, adult, at(3, 14, 30), at(3, 15, 30), 1), (room, others[1], at(14, 9), at(14, 10), 1)]
    rows += [(hall, p, at(1, 10), at(1, 11), 1) for p in others]
    rows += [(hall, others[2], at(14, 13), at(14, 15), 3)]
    for resource, person, start, end, seats in rows:
        session.add(Booking(resource_id=resource.id, resident_id=person.id, starts_at=start, ends_at=end,
                            party_size=seats, status="confirmed", exclusive=resource.exclusive))
    session.add(Closure(resource_id=hall.id, starts_at=at(2, 12), ends_at=at(2, 14), reason="消毒"))


def _actors(world):
    adult, special = world["adult"], world["special"]
    return [("resident", adult, resident_actor(adult), False), ("special", special, resident_actor(special), False),
            ("desk", adult, DESK, True)]


def _bookable(session, resource, person, start, end, actor, ctx) -> tuple[bool, errors.RuleViolation | None]:
    """Try the booking for real inside a savepoint, then undo it."""
    savepoint = session.begin_nested()
    try:
        booking.book(session, Request(resource, person, start, end, 1), actor, ctx)
        return True, None
    except errors.RuleViolation as err:
        return False, err
    finally:
        savepoint.rollback()


def test_free_means_bookable_for_the_asking_actor_on_every_day_and_moment(world, figures):
    session = db.session
    attempts = disagreements = alternatives_checked = 0
    for now in MOMENTS:
        for who, person, actor, by_staff in _actors(world):
            ctx = context(session, now=now, by_staff=by_staff)
            person = session.get(Resident, person.id)
            for resource in world["spaces"]:
                for ahead in DAYS_AHEAD:
                    day = now.astimezone(TZ).date() + timedelta(days=ahead)
                    for slot in availability.day_slots(session, resource, day, ctx, person):
                        attempts += 1
                        ok, err = _bookable(session, resource, person, slot.start, slot.end, actor, ctx)
                        if ok != slot.bookable:
                            disagreements += 1
                            pytest.fail(f"{who} at {now:%m-%d %H:%M}: {resource.name} {slot.start:%m-%d %H:%M} "
                                        f"shown {slot.status}, booking {'succeeded' if ok else err.code}")
                        for alt in (err.details.get("alternatives", []) if err else []):
                            alternatives_checked += 1
                            alt_ok, alt_err = _bookable(session, resource, person, alt["start"], alt["end"], actor, ctx)
                            assert alt_ok, f"{who}: alternative {alt['start']} refused {alt_err and alt_err.code}"
    figures.append(f"availability cross-check ({session.get_bind().dialect.name}): {attempts} slots tried, "
                   f"{alternatives_checked} alternatives tried, {disagreements} disagreements")
    assert attempts > 1000 and alternatives_checked > 0


def test_a_resident_sees_too_soon_and_too_far_where_booking_refuses_them(world):
    session = db.session
    room, adult = world["spaces"][0], world["special"]
    ctx = context(session, now=datetime.combine(MONDAY, time(9, 50), TZ))
    today = {s.start.astimezone(TZ).hour: s.status for s in availability.day_slots(session, room, MONDAY, ctx, adult)}
    assert today[8] == "past" and today[9] == today[10] == "too_soon" and today[11] == "free"
    far = availability.day_slots(session, room, MONDAY + timedelta(days=15), ctx, adult)
    assert {s.status for s in far} == {"too_far"}


def test_the_desk_sees_a_slot_in_progress_as_bookable_only_for_its_first_half_hour(world):
    session = db.session
    room, adult = world["spaces"][0], world["special"]
    for minute, status in [(29, "free"), (31, "too_soon")]:
        ctx = context(session, now=datetime.combine(MONDAY, time(11, minute), TZ), by_staff=True)
        slots = availability.day_slots(session, room, MONDAY, ctx, adult)
        assert next(s for s in slots if s.start.astimezone(TZ).hour == 11).status == status


def test_a_resident_refused_near_the_end_of_the_window_is_offered_only_days_inside_it(world):
    session = db.session
    room, adult = world["spaces"][0], world["special"]
    ctx = context(session, now=datetime.combine(MONDAY, time(9, 30), TZ))
    with pytest.raises(errors.Conflict) as refused:
        start = datetime.combine(MONDAY + timedelta(days=14), time(9), TZ)
        booking.book(session, Request(room, adult, start, start + timedelta(hours=1)), resident_actor(adult), ctx)
    offered = refused.value.details["alternatives"]
    assert offered and all(a["start"] <= ctx.now + timedelta(days=14) for a in offered)
