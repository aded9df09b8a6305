"""Change counters: one row each, bumped in the same transaction as every change to the records it watches.

A session that flushed a change to a watched record (or ran a bulk UPDATE/DELETE on its table) bumps the counter
as the last statement before its commit, so its row lock is held only for the commit (no deadlock with space
locks; counters are always bumped in the same order). Anything derived from the watched records, in any worker,
is current exactly while the counter it was made under is: equal counters mean equal records.
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Table, bindparam, event, insert, update
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.dml import Update

ROW_ID = 1


@dataclass(frozen=True)
class ChangeCounter:
    table: Table
    watched: tuple[type, ...]
    flag: str  # the session.info key that marks a pending bump
    tables: frozenset[str] = field(init=False)
    _bump: Update = field(init=False, repr=False, compare=False)  # built once: every booking bumps two counters

    def __post_init__(self):
        object.__setattr__(self, "tables", frozenset(model.__table__.name for model in self.watched))
        object.__setattr__(self, "_bump", update(self.table).where(self.table.c.id == ROW_ID).values(
            counter=self.table.c.counter + 1, changed_at=bindparam("now")))

    def bump(self, session: Session) -> None:
        # On the session's connection, past the ORM's statement handling.
        connection, now = session.connection(), datetime.now(UTC)
        done = connection.execute(self._bump, {"now": now})
        if not done.rowcount:  # a schema made by create_all rather than the migration: no row yet
            connection.execute(insert(self.table).values(id=ROW_ID, counter=1, changed_at=now))

    def read(self, session: Session) -> tuple:
        """The counter with the time of its last bump: a database restored or made anew, whose counter starts
        again from a lower number, never reads as a moment seen before."""
        # Plain SQL on the session's connection: read on every request, it skips the ORM's statement handling.
        found = session.connection().exec_driver_sql(self._read_sql).first()
        return tuple(found) if found else (0, None)

    @property
    def _read_sql(self) -> str:
        return f"SELECT counter, changed_at FROM {self.table.name} WHERE id = {ROW_ID}"


_counters: list[ChangeCounter] = []
_READ = "change_counters_read"


def plain(session: Session) -> Session:
    """The session behind Flask-SQLAlchemy's scoped proxy: every attribute read through the proxy looks the
    request up again, and the checks below read several on every request."""
    return session() if isinstance(session, scoped_session) else session


def current(session: Session, counter: ChangeCounter) -> tuple:
    """`counter` as this session's transaction sees it. The first call in a transaction reads every installed
    counter in one statement (one round trip, where a request needing two used to make two)."""
    if counter not in _counters:
        return counter.read(session)
    seen = session.info.get(_READ)
    if seen is None:
        seen = session.info[_READ] = _by_flag(session.connection().exec_driver_sql(_read_all_sql(tuple(_counters)))
                                              .first())
    return seen[counter.flag]


def read_all(dbapi_connection) -> dict[str, tuple]:
    """Every installed counter by its flag, as current() gives it, read on a pooled DB-API connection in one
    statement: for answers made in front of the app, without a session."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_read_all_sql(tuple(_counters)))
        return _by_flag(cursor.fetchone())
    finally:
        cursor.close()


def _by_flag(row) -> dict[str, tuple]:
    return {each.flag: (row[2 * n], row[2 * n + 1]) if row[2 * n] is not None else (0, None)  # as read() says it
            for n, each in enumerate(_counters)}


def pending(session: Session, counter: ChangeCounter) -> bool:
    """Whether this session holds a change of what `counter` watches that it has not committed."""
    return session.info.get(counter.flag, False) or any(
        isinstance(obj, counter.watched) for obj in (*session.new, *session.dirty, *session.deleted))


def changed(session: Session, model: type) -> None:
    """Mark a change of `model`'s rows written on the session's connection, past the ORM, for the commit's bumps."""
    for counter in _counters:
        if model in counter.watched:
            session.info[counter.flag] = True


def forget(session: Session) -> None:
    """Read the counters again at the next use in this transaction (after waiting for a lock)."""
    session.info.pop(_READ, None)


@cache
def _read_all_sql(counters: tuple[ChangeCounter, ...]) -> str:
    columns = ", ".join(f"(SELECT {column} FROM {c.table.name} WHERE id = {ROW_ID})"
                        for c in counters for column in ("counter", "changed_at"))
    return f"SELECT {columns}"


def _after_flush(session: Session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    for counter in _counters:
        if any(isinstance(obj, counter.watched) for obj in changed):
            session.info[counter.flag] = True


def _on_execute(state) -> None:
    """Bulk INSERT/UPDATE/DELETE statements (demo history, a closure cancelling bookings, a purge) skip the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        names = {m.local_table.name for m in state.all_mappers}
        for counter in _counters:
            if names & counter.tables:
                state.session.info[counter.flag] = True


def _before_commit(session: Session) -> None:
    session.flush()
    for counter in _counters:
        if session.info.pop(counter.flag, False):
            counter.bump(session)


def _forget(session: Session, rolled_back) -> None:
    """Nothing of a rolled-back transaction is committed, so nothing is bumped; a savepoint rolled back leaves
    the changes made before it to be counted."""
    if rolled_back.parent is None:
        for counter in _counters:
            session.info.pop(counter.flag, None)


def _forget_read(session: Session, transaction) -> None:
    if transaction.parent is None:
        forget(session)


def install(counter: ChangeCounter) -> None:
    """Watch every ORM session (web workers, the scheduler, the CLI) for `counter`; once per process."""
    if counter in _counters:
        return
    if not _counters:
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _forget)
    _counters.append(counter)


event.listen(Session, "after_transaction_end", _forget_read)
