"""`flask --app app run-scheduler` (the one long-running scheduler process) and `run-jobs [--now ISO]`.

APScheduler 3.x in this process only, never in create_app or web workers: its job stores cannot be
shared between processes. Jobs live in code (services.jobs) with explicit ids; their state lives in
our tables, so nothing is pickled and a restart loses nothing.
"""
import contextlib
import logging
import signal
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext

from cli.messages import error_line
from models import db, utcnow
from services.core.clock import parse_instant
from services.core.errors import DomainError
from services.messaging import outbox
from services.routines import jobs, scheduler_lock
from services.routines.scheduler_settings import settings_from

log = logging.getLogger("linli.jobs")
MISFIRE_GRACE_SECONDS = 300
WAIT_POLL_SECONDS = 5
STAGGER_SECONDS = 2


def init_app(app: Flask) -> None:
    app.cli.add_command(run_scheduler)
    app.cli.add_command(run_jobs)
    app.cli.add_command(set_contact)


def running_clock(start: datetime | None):
    """The jobs' clock: the wall clock, or one that started at `start` and runs at the wall clock's pace.

    A drill or a test starts the scheduler at a chosen moment (say 03:00, before the morning lists are
    due) and gets the same jobs whatever the time of day it really is.
    """
    if start is None:
        return utcnow
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def _run_in_app(app: Flask, job: jobs.Job, clock=utcnow, guard: scheduler_lock.LockGuard | None = None) -> None:
    """What APScheduler calls: one job as of the clock, in its own app context and session, if the lock is ours."""
    if guard is not None and not guard.may_run():
        return
    with app.app_context():
        try:
            done = jobs.run_job(db.session, job, clock(), settings_from(app.config))
            if done:
                log.info("job %s: %s", job.id, done)
        except Exception:  # a failing job must not stop the others; it runs again next interval
            log.exception("job %s failed", job.id)
        finally:
            db.session.remove()


def build_scheduler(app: Flask, clock=utcnow, guard: scheduler_lock.LockGuard | None = None) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=ZoneInfo(app.config["TIMEZONE"]))
    # SCHEDULER_INTERVALS ({job id: seconds}) and SCHEDULER_STAGGER_SECONDS tune the timetable.
    intervals = dict(app.config.get("SCHEDULER_INTERVALS", {}))
    stagger = float(app.config.get("SCHEDULER_STAGGER_SECONDS", STAGGER_SECONDS))
    for order, job in enumerate(jobs.JOBS):
        # First runs staggered in registry order, so freed seats are offered and reminders queued
        # before the first delivery, as in run-jobs.
        first_run = utcnow() + timedelta(seconds=stagger * order)
        every = float(intervals.get(job.id, job.every.total_seconds()))
        scheduler.add_job(_run_in_app, "interval", args=(app, job, clock, guard), seconds=every,
                          id=job.id, name=job.description, replace_existing=True, coalesce=True,
                          max_instances=1, misfire_grace_time=MISFIRE_GRACE_SECONDS, next_run_time=first_run)
    return scheduler


def _take_lock(app: Flask, wait: bool):
    lock = scheduler_lock.lock_for(db.engine, Path(app.instance_path))
    while not lock.acquire():
        message = f"另一个定时任务进程正在运行（{lock.holder()}）/ Another scheduler is already running ({lock.holder()})"
        if not wait:
            raise click.ClickException(message + "; exiting.")
        click.echo(message + "; waiting…", err=True)
        time.sleep(WAIT_POLL_SECONDS)
    return lock


def _stop_on_signals(scheduler: BlockingScheduler, requested: threading.Event) -> None:
    """SIGTERM (systemd, Procfile runners), Ctrl-C and `requested` being set stop the scheduler cleanly.

    The handler only sets the event; a watcher thread does the shutting down. Raising SystemExit
    from the handler can be swallowed (APScheduler catches BaseException while submitting jobs), and
    calling shutdown() inside the handler can deadlock on a lock the interrupted main thread holds.
    """

    def watch():
        requested.wait()
        while not scheduler.running:  # a signal during start-up: stop as soon as it is running
            time.sleep(0.05)
        with contextlib.suppress(SchedulerNotRunningError):
            scheduler.shutdown(wait=False)

    threading.Thread(target=watch, name="signal-watcher", daemon=True).start()
    scheduler.add_listener(lambda _event: click.echo(
        f"定时任务已启动，共 {len(jobs.JOBS)} 项 / Scheduler started with {len(jobs.JOBS)} jobs", err=True),
        EVENT_SCHEDULER_STARTED)
    def on_signal(*_):
        if not requested.is_set():  # is_set takes no lock: a second signal cannot block on the first
            requested.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def _stop_when_taken_over(stopping: threading.Event):
    """Another scheduler took the lock while ours was lost (a PostgreSQL restart): this one stops, exit 0.

    Under systemd (Restart=always, --wait) it comes back as the one waiting to take over."""
    def stop(holder: str) -> None:
        click.echo(f"定时任务锁已被另一个进程接手（{holder}），本进程停止 / Another scheduler took over the lock "
                   f"({holder}); stopping", err=True)
        stopping.set()
    return stop


def _log_to_file(app: Flask, verbose: bool) -> Path:
    """Routine lines (every job run) to instance/logs/scheduler.log; the console gets warnings and errors."""
    path = Path(app.instance_path) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    form = logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
    to_file = logging.FileHandler(path / "scheduler.log", encoding="utf-8")
    to_console = logging.StreamHandler()
    to_console.setLevel(logging.INFO if verbose else logging.WARNING)
    for handler in (to_file, to_console):
        handler.setFormatter(form)
    logging.basicConfig(level=logging.INFO, handlers=[to_file, to_console], force=True)
    return path / "scheduler.log"


@click.command("run-scheduler")
@with_appcontext
@click.option("--wait", is_flag=True, help="Wait for a running scheduler to stop instead of exiting.")
@click.option("--clock-start", "clock_start", help="Run the jobs' clock from this ISO-8601 time (tests, drills).")
@click.option("--verbose", is_flag=True, help="Show every job run on the console too, not only in the log file.")
def run_scheduler(wait: bool, clock_start: str | None, verbose: bool):
    """Run the routines (reminders, waitlist, no-shows, outreach, housekeeping, the outbox) until stopped.

    Job runs are logged to instance/logs/scheduler.log; the console shows warnings and errors only.
    """
    app = current_app._get_current_object()
    _log_to_file(app, verbose)
    try:
        start = parse_instant(clock_start, "clock_start", ZoneInfo(app.config["TIMEZONE"])) if clock_start else None
    except DomainError as err:
        raise click.BadParameter(err.message, param_hint="--clock-start") from None
    lock = _take_lock(app, wait)
    stopping = threading.Event()
    guard = scheduler_lock.LockGuard(lock, _stop_when_taken_over(stopping))
    scheduler = build_scheduler(app, running_clock(start), guard)
    _stop_on_signals(scheduler, stopping)
    try:
        scheduler.start()  # returns once a signal (or a take-over) has shut it down; jobs in flight finish first
    finally:
        lock.release()
        click.echo("定时任务已停止 / Scheduler stopped", err=True)


@click.command("run-jobs")
@with_appcontext
@click.option("--now", "now_text", help="Run as of this ISO-8601 time (centre-local without an offset).")
def run_jobs(now_text: str | None):
    """Run every job once as of NOW and exit (for tests and cron)."""
    settings = settings_from(current_app.config)
    try:
        now = parse_instant(now_text, "now", settings.tz) if now_text else utcnow()
    except DomainError as err:
        raise click.BadParameter(error_line(err), param_hint="--now") from None
    done = jobs.run_all(db.session, now, settings)
    for job_id, count in done.items():
        click.echo(f"{job_id}: {count}")


@click.command("set-contact")
@click.argument("resident_id", type=int)
@click.argument("channel", type=click.Choice(["log", "email", "webhook"]))
@click.argument("address")
@with_appcontext
def set_contact(resident_id: int, channel: str, address: str):
    """How RESIDENT_ID hears from the centre: CHANNEL (log, email, webhook) and ADDRESS (e-mail or phone)."""
    try:
        outbox.set_contact(db.session, resident_id, channel, address)
    except DomainError as err:
        raise click.ClickException(error_line(err)) from None
    db.session.commit()
    click.echo(f"已设置 / Set: resident {resident_id} → {channel} {address}")
