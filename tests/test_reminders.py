"""Reminders: the evening before and two hours before, exactly once per booking and version."""
import logging
import threading
from datetime import timedelta

import pytest

from models import db
from services.booking import booking
from services.routines import jobs, reminders
from tests.scheduler_world import SETTINGS, TUESDAY, build, count_messages, every, messages
from tests.world import DESK, NOW, at, book, make_app


def test_day_before_reminder_waits_for_six_in_the_evening(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    assert reminders.queue_due(session, at(TUESDAY, 17, 59) - timedelta(days=1), SETTINGS) == 0
    assert reminders.queue_due(session, at(TUESDAY, 18) - timedelta(days=1), SETTINGS) == 1
    [sent] = messages(session, booking_id=visit.id)
    assert sent.kind == "reminder_day_before" and sent.resident_id == world.adult.id


def test_reminder_is_queued_once_even_if_the_job_runs_twice(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    evening = at(TUESDAY, 18) - timedelta(days=1)
    reminders.queue_due(session, evening, SETTINGS)
    assert reminders.queue_due(session, evening + timedelta(minutes=1), SETTINGS) == 0
    assert len(messages(session, booking_id=visit.id)) == 1


def test_two_hour_reminder_follows_and_the_day_before_one_is_not_repeated(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    for moment in every(at(TUESDAY, 17) - timedelta(days=1), at(TUESDAY, 11), timedelta(minutes=15)):
        jobs.run_all(session, moment, SETTINGS)
    kinds = [m.kind for m in messages(session, booking_id=visit.id)]
    assert kinds == ["reminder_day_before", "reminder_2h"]
    two_hours = messages(session, kind="reminder_2h")[0]
    assert two_hours.created_at == at(TUESDAY, 8)  # the first wake-up at or after 10:00 − 2 h
    assert all(m.status == "sent" for m in messages(session))


def test_cancelled_bookings_get_no_reminder(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    booking.cancel(session, visit, DESK, NOW)
    session.commit()
    for moment in every(at(TUESDAY, 17) - timedelta(days=1), at(TUESDAY, 11), timedelta(hours=1)):
        jobs.run_all(session, moment, SETTINGS)
    assert messages(session, booking_id=visit.id) == []


def test_a_reminder_queued_before_a_cancellation_is_skipped_not_sent(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    evening = at(TUESDAY, 18) - timedelta(days=1)
    reminders.queue_due(session, evening, SETTINGS)
    booking.cancel(session, visit, DESK, evening)
    session.commit()
    jobs.run_all(session, evening + timedelta(minutes=1), SETTINGS)
    [queued] = messages(session, booking_id=visit.id)
    assert queued.status == "skipped" and queued.sent_at is None


def test_a_changed_booking_gets_a_fresh_reminder(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    evening = at(TUESDAY, 18) - timedelta(days=1)
    reminders.queue_due(session, evening, SETTINGS)
    visit.starts_at, visit.ends_at = at(TUESDAY, 15), at(TUESDAY, 16)  # moved by the desk
    visit.sequence += 1
    session.commit()
    reminders.queue_due(session, evening + timedelta(hours=1), SETTINGS)
    first, second = messages(session, booking_id=visit.id)
    assert "10:00" in first.body and "15:00" in second.body


def test_message_is_chinese_first_with_space_floor_date_and_time(session):
    world = build(session)
    book(session, world.room, world.adult, at(TUESDAY, 10))
    reminders.queue_due(session, at(TUESDAY, 18) - timedelta(days=1), SETTINGS)
    body = messages(session)[0].body
    zh, _, en = body.partition(" / ")
    assert "2楼" in zh and "康复理疗室" in zh and "11月24日（周二）" in zh and "10:00–11:00" in zh and "明天" in zh
    assert "Rehab room, floor 2, Tue 24 Nov 10:00–11:00" in en


def test_a_childs_reminder_goes_to_the_guardian_and_names_the_child(session):
    world = build(session)
    book(session, world.hall, world.child, at(TUESDAY, 10))
    reminders.queue_due(session, at(TUESDAY, 8), SETTINGS)
    [sent] = messages(session)
    assert sent.recipient == world.parent.phone and sent.resident_id == world.child.id
    assert "您为陈一诺预约的" in sent.body


def test_a_sensitive_space_is_not_named_in_messages_that_leave_the_app(session):
    world = build(session)
    world.room.sensitive = True
    session.commit()
    book(session, world.room, world.adult, at(TUESDAY, 10))
    reminders.queue_due(session, at(TUESDAY, 8), SETTINGS)
    body = messages(session)[0].body
    assert "康复理疗室" not in body and "2楼 专用室" in body and "10:00" in body


class InterruptOnRecord(logging.Handler):
    """Stops the run (as a kill would) when the jobs report their n-th item done."""

    def __init__(self, after: int, prefix: str):
        super().__init__(logging.DEBUG)
        self.after, self.prefix, self.seen = after, prefix, 0

    def emit(self, record):
        if not record.msg.startswith(self.prefix):
            return
        self.seen += 1
        if self.seen == self.after:
            raise KeyboardInterrupt


@pytest.fixture
def interrupt_jobs_log():
    logger = logging.getLogger("linli.jobs")
    handlers = []

    def install(after: int, prefix: str) -> InterruptOnRecord:
        handler = InterruptOnRecord(after, prefix)
        logger.addHandler(handler)
        handlers.append(handler)
        return handler

    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    yield install
    for handler in handlers:
        logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_a_run_interrupted_halfway_is_finished_by_the_next_run_without_repeats(session, interrupt_jobs_log):
    world = build(session)
    for hour in range(9, 17):
        book(session, world.hall, world.adult if hour % 2 else world.elder, at(TUESDAY, hour))
    evening = at(TUESDAY, 18) - timedelta(days=1)
    handler = interrupt_jobs_log(after=4, prefix="queued")
    with pytest.raises(KeyboardInterrupt):
        jobs.run_all(session, evening, SETTINGS)
    session.rollback()
    assert count_messages(session, "reminder_day_before") == 3  # the 4th was mid-transaction: rolled back
    handler.after = -1
    jobs.run_all(session, evening + timedelta(minutes=1), SETTINGS)
    queued = messages(session, kind="reminder_day_before")
    assert len(queued) == 8 and len({m.booking_id for m in queued}) == 8
    assert all(m.status == "sent" for m in queued)


def test_two_runners_at_once_queue_each_reminder_once(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        world = build(db.session)
        for hour in range(9, 17):
            book(db.session, world.hall, world.adult, at(TUESDAY, hour), now=NOW)
            book(db.session, world.hall, world.elder, at(TUESDAY, hour), now=NOW)
    evening = at(TUESDAY, 18) - timedelta(days=1)
    barrier, errors = threading.Barrier(2), []

    def runner():
        try:
            with app.app_context():
                barrier.wait()
                for minute in range(3):
                    reminders.queue_due(db.session, evening + timedelta(minutes=minute), SETTINGS)
                db.session.remove()
        except Exception as exc:  # reported below; a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        queued = messages(db.session, kind="reminder_day_before")
        assert len(queued) == 16 and len({m.booking_id for m in queued}) == 16
        db.engine.dispose()
