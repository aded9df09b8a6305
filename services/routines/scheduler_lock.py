"""One scheduler per deployment: a PostgreSQL advisory lock, or an exclusive lock file beside a SQLite database.

Both locks belong to the process: they vanish when it exits or dies, so a crash never leaves a
stale lock behind (unlike a row in a table or a pid file). The advisory lock also vanishes when
PostgreSQL restarts (the session that held it ends), so the scheduler checks it before every job
run (LockGuard): it takes the lock again, or stops if another scheduler took it meanwhile.
"""
import contextlib
import fcntl
import logging
import os
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("linli.jobs")
# A fixed 32-bit key: advisory locks are per database, so deployments sharing a server do not collide.
LOCK_KEY = zlib.crc32(b"linli-scheduler")


class AdvisoryLock:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()
            connection.commit()  # a session-level lock outlives the transaction; the connection holds it
        except SQLAlchemyError:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self.connection = connection
        return True

    def is_held(self) -> bool:
        """Whether our session still holds the lock; False once a server restart has ended that session."""
        if self.connection is None:
            return False
        try:
            held = self.connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted"
                " AND pid = pg_backend_pid()"), {"key": LOCK_KEY}).scalar()
            self.connection.commit()
        except SQLAlchemyError:
            held = 0
        if not held:
            self.release()  # the dead connection goes back to nobody; acquire() starts on a fresh one
        return bool(held)

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

    def is_held(self) -> bool:
        return self.fd is not None  # nothing outside this process can take a flock away

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


class LockGuard:
    """Lets a job run only while this process holds the scheduler lock.

    Checked before every job run (the heartbeat's every 30 s, the outbox's, any other), so after a
    PostgreSQL restart no job runs until the lock is ours again. If the server is still away the run
    is skipped (it would fail anyway) and the next one checks again; if another scheduler took the lock
    in the meantime, `on_taken_over` is called once and nothing more runs here: two schedulers never
    both send.
    """

    def __init__(self, lock: "AdvisoryLock | FileLock", on_taken_over: Callable[[str], None]):
        self.lock, self.on_taken_over = lock, on_taken_over
        self._mutex = threading.Lock()  # jobs run on a thread pool; the lock's connection is not thread-safe
        self.taken_over = False

    def may_run(self) -> bool:
        with self._mutex:
            if self.taken_over:
                return False
            if self.lock.is_held():
                return True
            return self._take_again()

    def _take_again(self) -> bool:
        try:
            if self.lock.acquire():
                log.warning("scheduler lock was lost (database restarted?) and has been taken again")
                return True
            holder = self.lock.holder()
        except SQLAlchemyError as err:
            log.warning("scheduler lock lost and the database is not back yet (%s): job skipped",
                        type(err).__name__)
            return False
        self.taken_over = True
        log.warning("scheduler lock lost and taken by another scheduler (%s): stopping", holder)
        self.on_taken_over(holder)
        return False
