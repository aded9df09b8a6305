"""Engine set-up: SQLite safe under concurrent writers, PostgreSQL quick to fail and quick to recover.

Python's sqlite3 driver sends no BEGIN before a SELECT, so a check-then-insert would check
outside any transaction. We take BEGIN over: IMMEDIATE (the write lock up front) for every
transaction except those marked read-only (web requests until a use-case's write_transaction),
which use a plain deferred BEGIN.
"""
import fcntl
import os
import sqlite3
import time
from collections.abc import Mapping
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

BUSY_TIMEOUT_SECONDS = 30
# FULL: every commit is on the disk before the answer (survives a power cut); NORMAL in WAL mode
# fsyncs only at checkpoints, so a power cut can lose the last commits (never corrupt the file).
# docs/operations.md has the measured cost; acknowledged bookings matter more than a few ms.
SYNCHRONOUS_MODES = ("FULL", "NORMAL")
DEFAULT_SYNCHRONOUS = "FULL"
# Below gunicorn's 30 s worker timeout: a stuck statement ends as a clean 503, not a killed worker.
CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_SECONDS = 20
QUEUE_POLL_SECONDS = 0.0002
_read_only: ContextVar[bool] = ContextVar("read_only", default=False)


def sqlite_settings(config: Mapping) -> tuple[float, str]:
    """The busy timeout (seconds) and the synchronous mode from SQLITE_BUSY_TIMEOUT_SECONDS, SQLITE_SYNCHRONOUS."""
    busy = float(config.get("SQLITE_BUSY_TIMEOUT_SECONDS", BUSY_TIMEOUT_SECONDS))
    synchronous = str(config.get("SQLITE_SYNCHRONOUS", DEFAULT_SYNCHRONOUS)).upper()
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS_MODES)}, not {synchronous!r}")
    return busy, synchronous


def sqlite_engine_options(busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> dict:
    return {"connect_args": {"timeout": busy_timeout, "check_same_thread": False, "factory": QueuedConnection}}


class QueuedConnection(sqlite3.Connection):
    """A connection whose writers wait their turn on a file lock before BEGIN IMMEDIATE.

    SQLite's own wait for the write lock polls, sleeping 1, 2, 5, 10, 15, 20, 25 ms and more between tries, so
    a writer that just missed the lock waits long after it was free, while the writer that had it takes it again.
    The kernel hands a file lock to a waiter the moment it is let go. The file lock only orders our writers;
    SQLite's lock still guards the data, so a writer that never queues (sqlite3 on the command line) is safe.
    """
    _queue: int | None = None

    def join_queue(self, path: str, timeout: float) -> None:
        if self._queue is None:
            try:
                self._queue = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a full disk or a read-only directory: SQLite's own wait still applies
                return
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self._queue, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:  # refused as SQLite's own busy timeout refuses it
                    raise OperationalError("BEGIN IMMEDIATE", None,
                                           sqlite3.OperationalError("database is locked")) from None
                time.sleep(QUEUE_POLL_SECONDS)

    def leave_queue(self) -> None:
        if self._queue is not None:
            fcntl.flock(self._queue, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._queue is not None:
                os.close(self._queue)
                self._queue = None


def postgres_engine_options(config: Mapping) -> dict:
    """Check a pooled connection before use (it may predate a server restart) and never wait long."""
    connect = int(config.get("DATABASE_CONNECT_TIMEOUT_SECONDS", CONNECT_TIMEOUT_SECONDS))
    statement = float(config.get("DATABASE_STATEMENT_TIMEOUT_SECONDS", STATEMENT_TIMEOUT_SECONDS))
    return {"pool_pre_ping": True,
            "connect_args": {"connect_timeout": connect, "options": f"-c statement_timeout={int(statement * 1000)}"}}


def engine_options(url: str, config: Mapping) -> dict:
    if url.startswith("sqlite"):
        return sqlite_engine_options(sqlite_settings(config)[0])
    if url.startswith("postgresql"):
        return postgres_engine_options(config)
    return {}


def install_sqlite_listeners(engine: Engine, config: Mapping | None = None) -> None:
    if engine.dialect.name != "sqlite":
        return
    busy, synchronous = sqlite_settings(config or {})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    path = engine.url.database
    queue_path = f"{path}-writers" if path and path != ":memory:" else None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        if _read_only.get():
            connection.exec_driver_sql("BEGIN")
            return
        queued = connection.connection.dbapi_connection
        if queue_path and isinstance(queued, QueuedConnection):
            queued.join_queue(queue_path, busy)  # let go by the commit or the rollback, a refused BEGIN's too
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def mark_read_only(read_only: bool) -> None:
    """Mark the current context's next transactions as reads (deferred BEGIN) or writes (IMMEDIATE)."""
    _read_only.set(read_only)


def is_read_only() -> bool:
    return _read_only.get()


def begin_write(session: Session) -> None:
    """End the read done so far and make the next transaction a write.

    Authentication and parsing then run without the write lock, which is held only for the
    few statements that check and insert: under a 200-way race the lock is the queue.
    """
    session.commit()
    _read_only.set(False)


def normalise_url(url: str) -> str:
    """Let DATABASE_URL use the common postgres:// spellings; we ship the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_private_sqlite_file(url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would honour the umask: 0644 by default).

    The file holds personal data and password hashes; SQLite gives its -wal and -shm files the
    database file's mode, so they follow. An existing file is left as it is.
    """
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") \
            or parsed.query.get("mode") == "memory":
        return
    try:
        os.close(os.open(parsed.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    except OSError:
        return  # a missing folder: let SQLite report it as it always has
