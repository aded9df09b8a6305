"""The one commit boundary: a use-case's write transaction.

A use-case reads and checks its input first (outside any write lock), then does its writes inside
`with write_transaction(session):` — the lock it needs, the rules, the rows, the audit entry — and
the block commits on success and rolls back on any error. Views never commit and never take a lock.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from services.core.database import begin_write


@contextmanager
def write_transaction(session: Session) -> Iterator[None]:
    """End the read done so far, begin the write (BEGIN IMMEDIATE on SQLite), commit or roll back."""
    begin_write(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
