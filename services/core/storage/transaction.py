"""The one commit boundary: a use-case's write transaction.

A use-case reads and checks its input first (outside any write lock), then does its writes inside
`with write_transaction(session):` — the lock it needs, the rules, the rows, the audit entry — and
the block commits on success and rolls back on any error. Views never commit and never take a lock.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session, scoped_session

from services.core.storage.database import begin_write, is_read_only, mark_read_only

_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def write_transaction(session: Session, keep_loaded: bool = False, keep_read: bool = False) -> Iterator[None]:
    """End the read done so far, begin the write (BEGIN IMMEDIATE on SQLite), commit or roll back.

    Afterwards the context reads as it did before (a web request goes back to deferred reads, so
    rendering the answer does not queue for the write lock). A use-case called inside another's
    transaction joins it: only the outermost block commits. keep_loaded leaves what was read and written
    inside the block loaded after the commit, for an answer made from those rows. keep_read leaves what was
    read before the block loaded too, for a use-case that examined it there and, under the lock, examines
    again only what another writer may have changed; otherwise it is expired when the block begins.
    """
    if _writing.get():
        yield
        return
    was_read_only = is_read_only()
    plain = session() if isinstance(session, scoped_session) else session
    expire_on_commit = plain.expire_on_commit
    try:
        plain.expire_on_commit = expire_on_commit and not keep_read
        begin_write(session)
    finally:
        plain.expire_on_commit = expire_on_commit
    token = _writing.set(True)
    plain.expire_on_commit = expire_on_commit and not keep_loaded
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        plain.expire_on_commit = expire_on_commit
        _writing.reset(token)
        mark_read_only(was_read_only)


@contextmanager
def read_only(session: Session) -> Iterator[None]:
    """Reads that take no write lock (a deferred BEGIN on SQLite, where a CLI or job would otherwise begin
    IMMEDIATE): for a slow look-up between writes. Elsewhere (a CLI, a job) it ends what was open before
    and the read afterwards. Inside a write transaction it is part of that write; inside a read (a web
    request's) it joins that read, which costs no round trips and leaves what the request loaded loaded."""
    if _writing.get() or is_read_only():
        yield
        return
    session.commit()  # nothing is pending here: this only ends the transaction open so far
    mark_read_only(True)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        mark_read_only(False)
