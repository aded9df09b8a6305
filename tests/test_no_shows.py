"""No-shows: marked after the space's grace period, seats released to the waitlist, repeats flagged."""
from datetime import timedelta

from models import AttentionFlag
from services.activities import attendance
from services.booking import booking
from services.booking.rules import Request
from services.routines import jobs, no_shows, waitlist
from services.routines.scheduler_settings import settings_from
from tests.activities_world import build as build_programme
from tests.activities_world import enrol, place, storytime_input
from tests.scheduler_world import SETTINGS, TUESDAY, build, entries
from tests.world import DESK, at, book, context, resident

TEN = at(TUESDAY, 10)


def test_a_booking_becomes_no_show_only_after_the_grace_period(session):
    world = build(session)
    visit = book(session, world.room, world.adult, TEN)
    assert no_shows.mark_no_shows(session, TEN + timedelta(minutes=14), SETTINGS) == 0
    assert no_shows.mark_no_shows(session, TEN + timedelta(minutes=15), SETTINGS) == 1
    session.refresh(visit)
    assert visit.status == "no_show" and visit.sequence == 1


def test_checked_in_and_cancelled_bookings_are_left_alone(session):
    world = build(session)
    came = book(session, world.hall, world.adult, TEN)
    gone = book(session, world.hall, world.elder, TEN)
    booking.check_in(session, came, DESK, TEN - timedelta(minutes=5))
    booking.cancel(session, gone, DESK, TEN - timedelta(hours=3))
    session.commit()
    assert no_shows.mark_no_shows(session, TEN + timedelta(hours=2), SETTINGS) == 0
    assert (came.status, gone.status) == ("checked_in", "cancelled")


def test_grace_period_is_set_per_space(session):
    world = build(session)
    quick = settings_from({"TIMEZONE": "Asia/Shanghai", "NO_SHOW_GRACE_BY_SPACE": {"rehab": 5}})
    room_visit = book(session, world.room, world.adult, TEN)
    hall_visit = book(session, world.hall, world.elder, TEN)
    no_shows.mark_no_shows(session, TEN + timedelta(minutes=6), quick)
    session.refresh(room_visit)
    session.refresh(hall_visit)
    assert (room_visit.status, hall_visit.status) == ("no_show", "confirmed")


def test_a_no_show_releases_the_seat_to_the_waitlist(session):
    world = build(session)
    book(session, world.room, world.adult, TEN, minutes=120)
    waiting = resident(session, name="等位的人")
    waitlist.join(session, Request(world.room, waiting, TEN, TEN + timedelta(hours=2)), DESK,
                  context(session, by_staff=True))
    session.commit()
    jobs.run_all(session, TEN + timedelta(minutes=15), SETTINGS)
    [entry] = entries(session)
    assert entry.status == "offered" and entry.hold_until == TEN + timedelta(minutes=25)
    made = waitlist.accept(session, entry.id, DESK, TEN + timedelta(minutes=20), SETTINGS)
    session.commit()
    assert made.status == "confirmed"


def test_three_no_shows_in_thirty_days_flag_the_resident_once_and_nothing_else_happens(session):
    world = build(session)
    for week in range(4):
        book(session, world.hall, world.adult, TEN + timedelta(days=7 * week))
    for week in range(4):
        no_shows.mark_no_shows(session, TEN + timedelta(days=7 * week, minutes=20), SETTINGS)
    flags = session.query(AttentionFlag).all()
    assert len(flags) == 1 and flags[0].resident_id == world.adult.id and flags[0].count == 3
    # not punished: the resident can still book
    assert book(session, world.hall, world.adult, TEN + timedelta(days=29), now=TEN + timedelta(days=22)).id


def test_a_resolved_flag_is_raised_again_by_the_next_no_show(session):
    world = build(session)
    for week in range(4):
        book(session, world.hall, world.adult, TEN + timedelta(days=7 * week))
    for week in range(3):
        no_shows.mark_no_shows(session, TEN + timedelta(days=7 * week, minutes=20), SETTINGS)
    [flag] = no_shows.open_flags(session)
    no_shows.resolve_flag(session, flag.id, None, TEN + timedelta(days=15))
    session.commit()
    assert no_shows.open_flags(session) == []
    no_shows.mark_no_shows(session, TEN + timedelta(days=21, minutes=20), SETTINGS)
    assert len(no_shows.open_flags(session)) == 1


def _weekly_course(session, world, weeks: int):
    data = storytime_input(world, title="康复操", title_en="Rehab exercise", kind="rehab_class", mode="course",
                           groups=[], min_age=None, max_age=None, guardian_present=False,
                           rrule=f"FREQ=WEEKLY;COUNT={weeks}")
    return place(session, data).sessions


def _absent(session, row, who, settings=SETTINGS):
    return attendance.record(session, DESK, row.id, who.id, False, row.starts_at + timedelta(minutes=10), settings)


def test_three_activity_absences_in_thirty_days_flag_the_resident_once_like_missed_bookings(session):
    world = build_programme(session)
    sessions = _weekly_course(session, world, 4)
    enrol(session, world.adult, activity_id=sessions[0].activity_id)
    for row in sessions[:2]:
        _absent(session, row, world.adult)
    assert no_shows.open_flags(session) == []
    for row in sessions[2:]:
        _absent(session, row, world.adult)
    [flag] = no_shows.open_flags(session)
    assert (flag.resident_id, flag.reason, flag.count) == (world.adult.id, "repeated_no_show", 3)


def test_a_missed_booking_and_two_activity_absences_count_together(session):
    world = build_programme(session)
    sessions = _weekly_course(session, world, 2)
    enrol(session, world.adult, activity_id=sessions[0].activity_id)
    visit = book(session, world.kitchen, world.adult, sessions[0].starts_at - timedelta(days=2))
    no_shows.mark_no_shows(session, visit.starts_at + timedelta(minutes=20), SETTINGS)
    for row in sessions:
        _absent(session, row, world.adult)
    [flag] = no_shows.open_flags(session)
    assert flag.resident_id == world.adult.id and flag.count == 3


def test_being_marked_present_or_absent_outside_the_window_raises_no_flag(session):
    world = build_programme(session)
    sessions = _weekly_course(session, world, 4)
    enrol(session, world.adult, activity_id=sessions[0].activity_id)
    for row in sessions[:3]:
        attendance.record(session, DESK, row.id, world.adult.id, True, row.starts_at, SETTINGS)
    assert no_shows.open_flags(session) == []
    short = settings_from({"TIMEZONE": "Asia/Shanghai", "NO_SHOW_FLAG_DAYS": 10})
    for row in sessions:  # weekly: never three absences within ten days
        _absent(session, row, world.adult, short)
    assert no_shows.open_flags(session) == []
