"""No seat is ever promised twice: runners and bookers at once, on a SQLite file and on PostgreSQL."""
import threading
from datetime import timedelta

from sqlalchemy import func, select

from app import create_app
from models import ACTIVE_STATUSES, Booking, Resident, Resource, WaitlistEntry, db
from services.booking import booking, occupancy
from services.booking.rules import Request
from services.core import errors
from services.routines import jobs, waitlist
from tests.scheduler_world import SETTINGS, TUESDAY, build
from tests.world import DESK, NOW, at, book, context, make_app, resident

TEN = at(TUESDAY, 10)
LINE = 12


def second_process_app(url: str):
    """Another app object on the same database: a second scheduler or web worker."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                       "TIMEZONE": "Asia/Shanghai"})


def run_together(*work):
    """Start every (app, function) pair at the same instant; re-raise the first error."""
    barrier, failures = threading.Barrier(len(work)), []

    def run(app, fn):
        try:
            with app.app_context():
                barrier.wait()
                fn()
                db.session.remove()
        except Exception as exc:  # collected, then asserted empty
            failures.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def crowded_hall(app):
    """The 3-seat hall fully booked for 10:00, twelve people waiting, then two bookings cancelled."""
    with app.app_context():
        s = db.session
        world = build(s)
        taken = [book(s, world.hall, who, TEN) for who in (world.adult, world.elder, world.parent)]
        for n in range(LINE):
            person = resident(s, name=f"候补{n}")
            waitlist.join(s, Request(world.hall, person, TEN, TEN + timedelta(hours=1)), DESK,
                          context(s, by_staff=True))
        s.commit()
        for made in taken[:2]:
            booking.cancel(s, s.get(Booking, made.id), DESK, NOW)
        s.commit()
        return world.hall.id


def seats_promised(app, hall_id) -> tuple[int, int]:
    with app.app_context():
        s = db.session
        booked = s.scalar(select(func.coalesce(func.sum(Booking.party_size), 0)).where(
            Booking.resource_id == hall_id, Booking.status.in_(ACTIVE_STATUSES)))
        held = s.scalar(select(func.count(WaitlistEntry.id)).where(WaitlistEntry.status == "offered"))
        return booked, held


def test_two_runners_at_once_offer_each_freed_seat_once(any_db_url):
    first = make_app(any_db_url)
    second = second_process_app(any_db_url)
    hall_id = crowded_hall(first)

    def runner():
        for minute in range(3):
            jobs.run_all(db.session, NOW + timedelta(minutes=minute), SETTINGS)

    run_together((first, runner), (second, runner))
    assert seats_promised(first, hall_id) == (1, 2)
    with first.app_context():
        offers = db.session.scalars(select(WaitlistEntry).where(WaitlistEntry.status == "offered")
                                    .order_by(WaitlistEntry.id)).all()
        line = db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
        assert [e.id for e in offers] == [e.id for e in line[:2]]  # first come, first served
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_runners_and_walk_in_bookings_never_overfill_the_space(any_db_url):
    first = make_app(any_db_url)
    second = second_process_app(any_db_url)
    hall_id = crowded_hall(first)
    with first.app_context():
        walk_ins = [resident(db.session, name=f"散客{n}").id for n in range(4)]
        db.session.commit()

    def runner():
        jobs.run_all(db.session, NOW, SETTINGS)

    def walk_in(person_id):
        def attempt():
            s = db.session
            hall = booking.lock_space(s, hall_id)
            req = Request(hall, s.get(Resident, person_id), TEN, TEN + timedelta(hours=1))
            try:
                booking.book(s, req, DESK, context(s, by_staff=True))
                s.commit()
            except errors.RuleViolation:
                s.rollback()
        return attempt

    work = [(first, runner), (second, runner)] + [(second if n % 2 else first, walk_in(pid))
                                                  for n, pid in enumerate(walk_ins)]
    run_together(*work)
    booked, held = seats_promised(first, hall_id)
    assert booked + held == 3  # every seat promised exactly once: to a walk-in or a waiting resident
    with first.app_context():
        hall = db.session.get(Resource, hall_id)
        uses = occupancy.uses_between(db.session, hall, TEN, TEN + timedelta(hours=1))
        assert occupancy.peak_seats(uses, TEN, TEN + timedelta(hours=1)) == 3
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
