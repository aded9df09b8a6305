"""The job registry: every routine is an idempotent function of `now` whose state lives in our tables.

Running a job twice, or two runners at once, changes nothing the first run did not: each job claims
its rows with conditional updates or unique keys, in short transactions. The scheduler process runs
them on these intervals; `run-jobs` runs all of them once, in this order.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from services.activities import offers as activity_offers
from services.activities import reminders as activity_reminders
from services.backup import nightly
from services.core import health
from services.messaging import outbox
from services.routines import housekeeping, no_shows, outreach, reminders, waitlist
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[Session, datetime, Settings], int]
    every: timedelta
    description: str


def beat(session: Session, now: datetime, settings: Settings) -> int:
    """The scheduler's sign of life for GET /readyz (also written by run-jobs, for cron deployments)."""
    health.record_heartbeat(session, now)
    return 0  # nothing to report: a log line every 30 s would bury the jobs that did something


JOBS: tuple[Job, ...] = (
    Job("heartbeat", beat, timedelta(seconds=30),
        "定时任务进程的心跳 / the scheduler's heartbeat for /readyz"),
    Job("expire_holds", housekeeping.expire_holds, timedelta(minutes=1),
        "到期的候补保留作废 / expire waitlist holds past their deadline"),
    Job("expire_enrolment_offers", activity_offers.expire_offers, timedelta(minutes=1),
        "活动候补保留到期，位置给下一位"),
    Job("mark_no_shows", no_shows.mark_no_shows, timedelta(minutes=1),
        "超过宽限期未签到记为未到 / mark bookings not checked in within the grace period"),
    Job("offer_waitlist_seats", waitlist.offer_everywhere, timedelta(minutes=1),
        "空出的位置给候补的人 / offer freed seats to the waitlist"),
    Job("queue_reminders", reminders.queue_due, timedelta(minutes=1),
        "前一天晚上和两小时前的提醒 / reminders the evening before and two hours before"),
    Job("queue_session_reminders", activity_reminders.queue_due, timedelta(minutes=1),
        "活动开始前的提醒"),
    Job("outreach_list", outreach.queue_morning_list, timedelta(minutes=5),
        "每天早上的一人不落下名单 / the morning no-one-left-behind list"),
    Job("operator_digest", housekeeping.queue_operator_digests, timedelta(minutes=5),
        "运营机构的每日日程 / the operators' daily schedule"),
    Job("purge_personal_data", housekeeping.purge_personal_data, timedelta(hours=1),
        "清除过期的个人信息 / purge personal data past its retention"),
    Job("deliver_outbox", outbox.deliver_due, timedelta(seconds=30),
        "发送待发消息 / send queued messages"),
    # Last: a slow copy must not hold up the morning's messages in run-jobs.
    Job("nightly_backup", nightly.back_up_nightly, timedelta(minutes=10),
        "每晚备份数据库 / back up the database every night"),
)


def run_job(session: Session, job: Job, now: datetime, settings: Settings) -> int:
    """Run one job; whatever it left uncommitted (an error) is rolled back so the next job starts clean."""
    try:
        return job.run(session, now, settings)
    finally:
        session.rollback()


def run_all(session: Session, now: datetime, settings: Settings) -> dict[str, int]:
    """Every job once, in dependency order: free seats before offering them, queue before delivering."""
    done = {}
    for job in JOBS:
        done[job.id] = run_job(session, job, now, settings)
        log.info("job %s as of %s: %s", job.id, now.isoformat(), done[job.id])
    return done
