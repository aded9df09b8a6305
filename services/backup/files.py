"""Backup files: their names (by date), their kind, and their permissions (they hold personal data)."""
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

Counts = dict[str, int]
PREFIX = "linli-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
NAME = re.compile(r"^linli-(\d{8}-\d{6})\.(sqlite3|pgdump)$")
STAMP = "%Y%m%d-%H%M%S"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupFailed(Exception):
    """A backup or restore that could not be done; the message (translated) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime  # centre-local wall time, from the name


def mismatches(expected: Counts, found: Counts) -> str:
    """The tables whose row counts differ, as `table: expected → found`; empty when all agree."""
    wrong = sorted(t for t in expected.keys() | found.keys() if expected.get(t) != found.get(t))
    return ", ".join(f"{t}: {expected.get(t)} → {found.get(t)}" for t in wrong[:5])


def name_for(dialect: str, now: datetime, tz: ZoneInfo) -> str:
    return f"{PREFIX}{now.astimezone(tz).strftime(STAMP)}{SUFFIXES[dialect]}"


def listed(directory: Path) -> list[BackupFile]:
    """Our backups in `directory`, newest first; other files are never touched."""
    found = []
    for path in directory.iterdir() if directory.is_dir() else ():
        match = NAME.match(path.name)
        if match and path.is_file():
            found.append(BackupFile(path, datetime.strptime(match.group(1), STAMP)))
    return sorted(found, key=lambda f: f.taken_at, reverse=True)


def private_directory(directory: Path) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_private(path: Path) -> int:
    """Create `path` readable by its owner only, before a byte of data is in it."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def kind_of(path: Path) -> str:
    """'sqlite' or 'postgresql', from the file's first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as err:
        raise BackupFailed(_("无法读取备份文件：%(error)s", error=str(err))) from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupFailed(_("%(name)s 不是本系统的备份文件", name=path.name))
