"""The scheduler's PostgreSQL lock across a server restart: whoever holds it after the restart is the only one
that runs jobs, and no message is sent twice.

A restart ends the session that held the advisory lock. Here a standby scheduler (`--wait`, as the systemd
unit in docs/deployment.md runs it) takes the lock while the first is paused (SIGSTOP) across the restart;
when the first carries on, its next job run finds the lock gone to the other and it stops, exit 0. Real
processes, a throwaway cluster, bounded waits.
"""
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select

from models import DeliveryAttempt, Heartbeat, OutboxMessage, db
from tests.fault_world import all_sent, queue_messages, start_scheduler, stop_scheduler
from tests.pg_cluster import throwaway_cluster
from tests.world import make_app

TAKE_OVER_SECONDS = 30  # the standby polls every 5 s; the first checks the lock before every job run


def wait_for_line(log_path, text: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while text not in log_path.read_text():
        if time.monotonic() > deadline:
            pytest.fail(f"no {text!r} within {seconds} s in {log_path.name}: {log_path.read_text()[-1500:]}")
        time.sleep(0.1)


def wait_for_exit(process: subprocess.Popen, seconds: float) -> int:
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the scheduler that lost its lock was still running after {seconds} s")


@pytest.mark.slow
def test_after_a_restart_only_the_scheduler_holding_the_lock_runs_and_nothing_is_sent_twice(tmp_path, figures):
    first_log, standby_log = tmp_path / "first.log", tmp_path / "standby.log"
    with throwaway_cluster() as cluster:
        app = make_app(cluster.url)
        queue_messages(app, "before", 10)
        first = start_scheduler(cluster.url, first_log)
        standby = None
        try:
            all_sent(app)
            standby = start_scheduler(cluster.url, standby_log, "--wait")
            wait_for_line(standby_log, "Another scheduler is already running", 30)
            first.send_signal(signal.SIGSTOP)  # paused across the restart: the standby gets there first
            cluster.stop("fast")
            cluster.start()
            wait_for_line(standby_log, "Scheduler started", TAKE_OVER_SECONDS)
            first.send_signal(signal.SIGCONT)
            first_exit = wait_for_exit(first, TAKE_OVER_SECONDS)
            queue_messages(app, "after", 10)
            all_sent(app)
            assert standby.poll() is None, "the standby stopped too: nobody is running the jobs"
            with app.app_context():
                beat = db.session.get(Heartbeat, "scheduler")
                assert beat.pid == standby.pid
                attempts = dict(db.session.execute(select(DeliveryAttempt.message_id, func.count())
                                                   .group_by(DeliveryAttempt.message_id)).all())
                messages = db.session.scalars(select(OutboxMessage.id)).all()
                db.session.rollback()
        finally:
            for process in (first, standby):
                if process is not None:
                    process.send_signal(signal.SIGCONT)
                    stop_scheduler(process)
        with app.app_context():
            db.engine.dispose()
    assert first_exit == 0
    first_said, standby_said = first_log.read_text(), standby_log.read_text()
    assert "Another scheduler took over the lock" in first_said and "定时任务锁已被另一个进程接手" in first_said
    assert len(messages) >= 20 and all(attempts.get(m) == 1 for m in messages), "a message sent twice or never"
    assert all((first_said + standby_said).count(f"message {m} [") == 1 for m in messages)
    after_restart = first_said.split("Another scheduler took over the lock")[0].rsplit("\n", 1)[0]
    assert first_said.count("message ") == after_restart.count("message "), "the first sent after losing its lock"
    figures.append(f"scheduler lock across a PostgreSQL restart: the standby took over, the first stopped (exit "
                   f"{first_exit}) at its next job run; {len(messages)} messages, each sent once")
