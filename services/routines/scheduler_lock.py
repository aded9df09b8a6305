"""One scheduler per deployment: a PostgreSQL advisory lock, or an exclusive lock file beside a SQLite database.

Both locks belong to the process: they vanish when it exits or dies, so a crash never leaves a
stale lock behind (unlike a row in a table or a pid file).
"""
import contextlib
import fcntl
import os
import zlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

# A fixed 32-bit key: advisory locks are per database, so deployments sharing a server do not collide.
LOCK_KEY = zlib.crc32(b"linli-scheduler")


class AdvisoryLock:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()
        connection.commit()  # a session-level lock outlives the transaction; the connection holds it
        if not got:
            connection.close()
            return False
        self.connection = connection
        return True

    def holder(self) -> str:
        with self.engine.connect() as connection:
            pid = connection.execute(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted"
            ), {"key": LOCK_KEY}).scalar()
        return f"PostgreSQL backend {pid}" if pid else "unknown"

    def release(self) -> None:
        if self.connection is not None:
            # After a server restart the lock went with the old connection: nothing left to unlock.
            with contextlib.suppress(SQLAlchemyError):
                self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            with contextlib.suppress(SQLAlchemyError):
                self.connection.close()
            self.connection = None


class FileLock:
    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return True

    def holder(self) -> str:
        try:
            return f"process {self.path.read_text().strip() or '?'} ({self.path})"
        except OSError:
            return str(self.path)

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def lock_for(engine: Engine, fallback_dir: Path) -> AdvisoryLock | FileLock:
    """The advisory lock on PostgreSQL; on SQLite a lock file next to the database file."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    database = engine.url.database
    if database and database != ":memory:":
        return FileLock(Path(database).with_name(Path(database).name + ".scheduler.lock"))
    return FileLock(fallback_dir / "scheduler.lock")
