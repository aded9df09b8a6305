"""Engine set-up: SQLite safe under concurrent writers, PostgreSQL quick to fail and quick to recover.

Python's sqlite3 driver sends no BEGIN before a SELECT, so a check-then-insert would check
outside any transaction. We take BEGIN over: IMMEDIATE (the write lock up front) for every
transaction except those marked read-only (web requests until a use-case's write_transaction),
which use a plain deferred BEGIN.
"""
import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

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
TURN_POLL_SECONDS = 0.0002
_read_only: ContextVar[bool] = ContextVar("read_only", default=False)
T = TypeVar("T")


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
    """A connection whose writers take turns on a file lock before BEGIN IMMEDIATE.

    SQLite's own wait for the write lock polls, sleeping 1, 2, 5, 10, 15, 20, 25 ms and more between tries, so
    a writer that just missed the lock waits long after it was free, while the writer that had it takes it again.
    The file lock is tried every 0.2 ms instead (a blocking wait could not keep the busy timeout; it measured
    about 5 % faster still). It gives no first-come order, only a short wait. SQLite's lock still guards the data,
    so a writer that never takes turns (sqlite3 on the command line) is as safe as before.
    """
    _turns: int | None = None
    _opened_by: int | None = None  # a forked child must not share its parent's lock

    def take_turn(self, path: str, timeout: float) -> float:
        """Wait for the turn; the seconds of `timeout` left for SQLite's own wait."""
        turns = self._open_turns(path)
        if turns is None:
            return timeout
        began = time.monotonic()
        while True:
            try:
                fcntl.flock(turns, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return timeout - (time.monotonic() - began)
            except BlockingIOError:
                if time.monotonic() - began > timeout:  # refused as SQLite's own busy timeout refuses it
                    raise OperationalError("BEGIN IMMEDIATE", None,
                                           sqlite3.OperationalError("database is locked")) from None
                time.sleep(TURN_POLL_SECONDS)

    def _open_turns(self, path: str) -> int | None:
        if self._turns is not None and self._opened_by == os.getpid():
            return self._turns
        try:  # flock needs no write access
            self._turns, self._opened_by = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600), os.getpid()
        except OSError as err:  # a full disk, another account's file: SQLite's own wait still applies
            _warn_once(f"writers wait in SQLite's own busy loop: {path} cannot be opened ({err.strerror})")
            return None
        return self._turns

    def end_turn(self) -> None:
        if self._turns is not None and self._opened_by == os.getpid() and not self.in_transaction:
            fcntl.flock(self._turns, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()  # kept while a failed COMMIT still holds SQLite's lock: the rollback ends it

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._turns is not None and self._opened_by == os.getpid():
                os.close(self._turns)
            self._turns = None


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logging.getLogger(__name__).warning(message)


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
    turns_path = f"{path}-writers" if path and path != ":memory:" else None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        if _read_only.get():
            connection.exec_driver_sql("BEGIN")
            return
        taking_turns = connection.connection.dbapi_connection
        if not turns_path or not isinstance(taking_turns, QueuedConnection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        left = taking_turns.take_turn(turns_path, busy)  # the commit or the rollback ends it, a refused BEGIN's too
        if busy - left < 0.001:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        # It waited: SQLite may wait only what is left, so the whole wait stays within the busy timeout.
        connection.exec_driver_sql(f"PRAGMA busy_timeout={max(int(left * 1000), 1)}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy * 1000)}")


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


def is_in_memory(bind: Engine) -> bool:
    """An in-memory SQLite database lives in its one connection: nothing may open another."""
    return bind.dialect.name == "sqlite" and bind.url.database in (None, "", ":memory:")


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


class OwnConnection:
    """One DB-API connection of this process, kept outside the pool in autocommit, for the one-statement reads
    answered in front of the app on most requests (the change counters, a feed's token).

    Through the pool, one such read on PostgreSQL is three round trips: the liveness check, the statement in a
    transaction of its own, the rollback when the connection goes back. Here it is one. A read that fails (a
    connection the server closed on a restart) is tried once more on a fresh connection, as the pool's liveness
    check would have replaced it; a second failure is raised.
    """

    def __init__(self, engine: Engine):
        self._engine = weakref.ref(engine)  # kept per engine in a WeakKeyDictionary: must not keep it alive
        self._connection = None
        self._opened_by: int | None = None
        self._lock = threading.RLock()

    @property
    def engine(self) -> Engine:
        return self._engine()

    def read(self, work: Callable[[Any], T]) -> T:
        """`work(dbapi_connection)`, which runs one read and leaves nothing open."""
        if is_in_memory(self.engine):
            return self._pooled(work)  # the pool's one connection holds the database: it cannot be taken away
        with self._lock:
            try:
                return work(self._open())
            except self.engine.dialect.loaded_dbapi.Error:
                self.close()
            return work(self._open())

    def _pooled(self, work: Callable[[Any], T]) -> T:
        connection = self.engine.raw_connection()
        try:
            return work(connection)
        finally:
            connection.close()

    def _open(self):
        if self._connection is None or self._opened_by != os.getpid():  # a forked child must not share it
            pooled = self.engine.raw_connection()  # made with the engine's connect settings (pragmas, timeouts)
            try:
                if self.engine.dialect.name == "postgresql":
                    pooled.rollback()
                    pooled.driver_connection.autocommit = True
            except BaseException:
                pooled.invalidate()
                raise
            pooled.detach()  # ours until closed
            self._connection, self._opened_by = pooled, os.getpid()
        return self._connection

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None and self._opened_by == os.getpid():
                with contextlib.suppress(self.engine.dialect.loaded_dbapi.Error):  # already gone
                    connection.close()


_own: weakref.WeakKeyDictionary[Engine, OwnConnection] = weakref.WeakKeyDictionary()
_own_lock = threading.Lock()


def own_connection(engine: Engine) -> OwnConnection:
    """This process's OwnConnection to `engine`, closed when the engine is disposed."""
    with _own_lock:
        found = _own.get(engine)
        if found is None:
            found = _own[engine] = OwnConnection(engine)
            event.listen(engine, "engine_disposed", lambda _engine: found.close())
        return found
