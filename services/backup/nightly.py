"""The scheduler's nightly backup: once a local day after BACKUP_AT, and only when BACKUP_DIR is set."""
import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import BackupRun
from services.backup.backups import Policy, make_backup
from services.backup.files import BackupFailed
from services.core.clock import at_local
from services.routines.scheduler_settings import Settings

log = logging.getLogger("linli.jobs")
# A failed attempt is retried, but not every interval: a full disk should not fill the log.
RETRY_AFTER = timedelta(hours=1)


def policy_from(settings: Settings, directory: str | Path) -> Policy:
    return Policy(Path(directory), settings.tz, settings.backup_keep_daily, settings.backup_keep_monthly)


def _done_or_tried(session: Session, due: datetime, now: datetime) -> bool:
    verified = select(BackupRun.id).where(BackupRun.verified, BackupRun.started_at >= due)
    recent = select(BackupRun.id).where(BackupRun.started_at >= max(due, now - RETRY_AFTER),
                                        BackupRun.started_at <= now)
    return session.scalar(verified.limit(1)) is not None or session.scalar(recent.limit(1)) is not None


def back_up_nightly(session: Session, now: datetime, settings: Settings) -> int:
    """1 when a backup was made and verified, else 0 (off, not yet due, done, or failed and recorded)."""
    if not settings.backup_dir:
        return 0
    due = at_local(now.astimezone(settings.tz).date(), settings.backup_at, settings.tz)
    if now < due or _done_or_tried(session, due, now):
        return 0
    try:
        outcome = make_backup(session, policy_from(settings, settings.backup_dir), now, "scheduler")
    except BackupFailed as err:  # recorded in backup_run; the admin page shows it
        log.error("nightly backup failed: %s", err.message)
        return 0
    log.info("nightly backup %s verified: %s rows", outcome.path, sum(outcome.counts.values()))
    return 1
