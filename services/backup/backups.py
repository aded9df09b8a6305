"""The backup use-case: copy, verify, keep by day and month, and record the run for the admin page.

A copy is written under a hidden `.partial` name, read back and compared with the row counts of the
snapshot it was taken from; only then does it get its dated name. Copies hold personal data: the
directory is 0700 and each file 0600 from the moment it exists.
"""
import logging
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import BackupRun
from services.backup import files, pg_copy, retention, sqlite_copy
from services.backup.files import BackupFailed, Counts
from services.core.storage.transaction import write_transaction

log = logging.getLogger("linli.backup")


@dataclass(frozen=True)
class Policy:
    directory: Path
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    keep_daily: int = 7
    keep_monthly: int = 6
    busy_timeout: float = 30


@dataclass(frozen=True)
class Outcome:
    path: Path
    counts: Counts
    deleted: list[Path]


def sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupFailed(_("内存数据库无法备份"))
    return Path(database)


def _copy(engine: Engine, partial: Path, policy: Policy) -> Counts:
    fd = files.create_private(partial)
    try:
        if engine.dialect.name == "postgresql":
            return pg_copy.copy(engine, fd)
        os.close(fd)
        fd = -1
        return sqlite_copy.copy(sqlite_file(engine), partial, policy.busy_timeout)
    finally:
        if fd >= 0:
            os.fsync(fd)
            os.close(fd)


def verify(dialect: str, path: Path, expected: Counts) -> Counts:
    found = read_counts(dialect, path)
    if detail := files.mismatches(expected, found):
        raise BackupFailed(_("备份核对不一致（%(detail)s）", detail=detail))
    return found


def read_counts(dialect: str, path: Path) -> Counts:
    """Open a backup file and count its rows per table."""
    return pg_copy.verify(path) if dialect == "postgresql" else sqlite_copy.verify(path)


def _dated_copy(engine: Engine, policy: Policy, now: datetime) -> tuple[Path, Counts]:
    dialect = engine.dialect.name
    if dialect not in files.SUFFIXES:
        raise BackupFailed(_("不支持备份 %(dialect)s 数据库", dialect=dialect))
    try:
        directory = files.private_directory(policy.directory)
    except OSError as err:
        raise BackupFailed(_("无法使用备份目录：%(error)s", error=str(err))) from err
    final = directory / files.name_for(dialect, now, policy.tz)
    if final.exists():
        raise BackupFailed(_("备份文件已存在：%(path)s", path=str(final)))
    partial = final.with_name(f".{final.name}.partial")
    try:
        counts = verify(dialect, partial, _copy(engine, partial, policy))
        os.replace(partial, final)
        files.sync_directory(directory)  # the new name survives a power cut too
    except (OSError, sqlite3.Error, SQLAlchemyError, subprocess.SubprocessError) as err:
        partial.unlink(missing_ok=True)
        raise BackupFailed(_("备份失败：%(error)s", error=str(err))) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final, counts


def prune(policy: Policy) -> list[Path]:
    doomed = retention.to_delete(files.listed(policy.directory), policy.keep_daily, policy.keep_monthly)
    for backup in doomed:
        backup.path.unlink(missing_ok=True)
    return [backup.path for backup in doomed]


def _record(session: Session, run: BackupRun) -> None:
    """Write the run down for the admin page; a database that cannot take the row does not undo the copy."""
    try:
        with write_transaction(session):
            session.add(run)
    except SQLAlchemyError as err:
        log.warning("backup run not recorded: %s", err.__class__.__name__)


def make_backup(session: Session, policy: Policy, now: datetime, trigger: str) -> Outcome:
    """Copy and verify the database, drop copies past the policy, and record the run either way."""
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        sqlite_copy.require_file(sqlite_file(engine))  # nothing to record in, and nothing to create
    run = BackupRun(started_at=now, trigger=trigger, verified=False)
    began = time.monotonic()
    try:
        path, counts = _dated_copy(engine, policy, now)
    except BackupFailed as err:
        run.error, run.finished_at = err.message[:500], now + timedelta(seconds=time.monotonic() - began)
        _record(session, run)
        raise
    deleted = prune(policy)
    run.path, run.size_bytes, run.verified = str(path), path.stat().st_size, True
    run.tables, run.rows = len(counts), sum(counts.values())
    run.finished_at = now + timedelta(seconds=time.monotonic() - began)
    _record(session, run)
    return Outcome(path, counts, deleted)


@dataclass(frozen=True)
class Status:
    """What the admin page says about backups."""

    nightly: bool  # BACKUP_DIR is set, so the scheduler backs up every night
    last: BackupRun | None
    last_verified: BackupRun | None


def status(session: Session, backup_dir: str | None) -> Status:
    newest = select(BackupRun).order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).limit(1)
    return Status(bool(backup_dir), session.scalar(newest), session.scalar(newest.where(BackupRun.verified)))
