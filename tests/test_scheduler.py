"""The scheduler process: its jobs' settings, one process per deployment, run-jobs, and simulated days."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cli.scheduler import MISFIRE_GRACE_SECONDS, build_scheduler
from models import Booking, DeliveryAttempt, OutboxMessage, db
from services.booking import booking
from services.messaging import quiet_hours
from services.routines import housekeeping, jobs
from tests.scheduler_world import SETTINGS, TUESDAY, build, every, messages
from tests.world import DESK, NOW, at, book, make_app

ROOT = Path(__file__).resolve().parent.parent
CLOCK_START = at(TUESDAY + timedelta(days=1), 3)  # Wednesday 03:00 in Hangzhou: no morning routine is due


def test_every_job_is_registered_with_an_id_coalesced_single_and_with_minutes_of_grace(app):
    scheduler = build_scheduler(app)
    registered = {job.id: job for job in scheduler.get_jobs()}
    assert set(registered) == {job.id for job in jobs.JOBS}
    for job in registered.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 300 == MISFIRE_GRACE_SECONDS
    # re-adding (a restart) replaces rather than raising ConflictingIdError
    build_scheduler(app)


def test_run_jobs_runs_everything_once_as_of_now(app, runner):
    with app.app_context():
        world = build(db.session)
        book(db.session, world.room, world.adult, at(TUESDAY, 10))
    result = runner.invoke(args=["run-jobs", "--now", "2026-11-23T18:00"])
    assert result.exit_code == 0, result.output
    assert "queue_reminders: 1" in result.output and "deliver_outbox: " in result.output
    again = runner.invoke(args=["run-jobs", "--now", "2026-11-23T18:01"])
    assert "queue_reminders: 0" in again.output
    bad = runner.invoke(args=["run-jobs", "--now", "tomorrow-ish"])
    assert bad.exit_code != 0 and "now" in bad.output


def test_three_simulated_days_send_each_reminder_once_and_mark_no_shows(app):
    with app.app_context():
        s = db.session
        world = build(s)
        made = [book(s, world.hall, who, at(TUESDAY + timedelta(days=d), h))
                for d in range(3) for h, who in ((9, world.adult), (14, world.elder), (16, world.child))]
        for moment in every(NOW, at(TUESDAY + timedelta(days=3), 8), timedelta(minutes=20)):
            jobs.run_all(s, moment, SETTINGS)
        for visit in made:
            kinds = sorted(m.kind for m in messages(s, booking_id=visit.id))
            assert kinds == ["reminder_2h", "reminder_day_before"], visit.id
        assert s.scalar(select(func.count(Booking.id)).where(Booking.status == "no_show")) == len(made)
        assert len(messages(s, kind="operator_digest")) == 5  # one organisation, Monday to Friday mornings
        assert len(messages(s, kind="outreach_list")) == 4  # 08:00 Monday to Thursday; the run stops before Friday 08:00
        # Quiet hours (21:00–08:00): nothing went out at night; Friday's 07:00 digest waits for 08:00.
        assert all(quiet_hours.quiet_end(a.at, SETTINGS) is None for a in s.scalars(select(DeliveryAttempt)))
        waiting = [m.kind for m in s.scalars(select(OutboxMessage)) if m.status != "sent"]
        assert waiting == ["operator_digest"]


def test_purge_forgets_cancelled_bookings_after_the_retention_period(app):
    with app.app_context():
        s = db.session
        world = build(s)
        visit = book(s, world.room, world.adult, at(TUESDAY, 10))
        visit_id = visit.id
        jobs.run_all(s, at(TUESDAY, 8), SETTINGS)  # its 2-hour reminder is sent
        booking.cancel(s, s.get(Booking, visit_id), DESK, at(TUESDAY, 9), reason="生病了")
        s.commit()
        assert housekeeping.purge_personal_data(s, at(TUESDAY, 12) + timedelta(days=29), SETTINGS) == 0
        assert housekeeping.purge_personal_data(s, at(TUESDAY, 12) + timedelta(days=31), SETTINGS) == 1
        s.expire_all()
        assert s.get(Booking, visit_id) is None
        [reminder] = messages(s, kind="reminder_2h")
        assert reminder.resident_id is None and reminder.recipient is None and "康复" not in reminder.body


def _flask(*args, url: str) -> subprocess.Popen:
    # This process runs on the wall clock: no quiet hours, or the test would pass only by day in Hangzhou.
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "PYTHONUNBUFFERED": "1",
           "QUIET_HOURS_FROM": "00:00", "QUIET_HOURS_UNTIL": "00:00"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(process: subprocess.Popen, text: str, seconds: float = 90) -> None:
    deadline, seen = time.monotonic() + seconds, []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if text in line:
            return
        if not line and process.poll() is not None:
            break
    pytest.fail(f"no {text!r} from the scheduler (exit {process.poll()}): {''.join(seen[-20:])}")


def _stop(process: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    """Signal the scheduler and wait for it; never leave one running behind a failed test."""
    process.send_signal(how)
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"the scheduler did not stop on signal {how}")


@pytest.mark.slow
def test_a_second_scheduler_exits_with_a_clear_message_and_the_lock_dies_with_the_first(any_db_url):
    """The scheduler's clock starts at 03:00 centre time, whatever the real time of day: at 20:52 the
    morning outreach list and the operators' digest were due too, and three messages went out, not one."""
    app = make_app(any_db_url)
    with app.app_context():
        world = build(db.session)
        soon = CLOCK_START + timedelta(hours=1)  # the running scheduler must send its 2-hour reminder by itself
        db.session.add(Booking(resource_id=world.room.id, resident_id=world.adult.id, starts_at=soon,
                               ends_at=soon + timedelta(hours=1), exclusive=True, status="confirmed"))
        db.session.commit()
    first = _flask("run-scheduler", "--clock-start", CLOCK_START.isoformat(), "--verbose", url=any_db_url)
    try:
        _wait_for(first, "Scheduler started")
        _wait_for(first, "job deliver_outbox: 1")
        second = _flask("run-scheduler", "--clock-start", CLOCK_START.isoformat(), url=any_db_url)
        try:
            _, err = second.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            second.kill()
            second.communicate()
            raise
        assert second.returncode == 1
        assert "Another scheduler is already running" in err and "另一个定时任务进程正在运行" in err
    finally:
        _stop(first)
    assert first.returncode == 0
    third = _flask("run-scheduler", "--clock-start", CLOCK_START.isoformat(), url=any_db_url)
    try:
        _wait_for(third, "Scheduler started")
    finally:
        _stop(third, signal.SIGKILL)  # even a hard kill releases the lock: the next start must not be refused
    fourth = _flask("run-scheduler", "--clock-start", CLOCK_START.isoformat(), url=any_db_url)
    try:
        _wait_for(fourth, "Scheduler started")
    finally:
        _stop(fourth)
    assert fourth.returncode == 0
    with app.app_context():
        [reminder] = messages(db.session, kind="reminder_2h")
        assert reminder.status == "sent"
        db.engine.dispose()
