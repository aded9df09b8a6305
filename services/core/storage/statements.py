"""Statements built once and run on the session's own connection.

For the few look-ups a registration rush repeats hundreds of times a second: building an ORM
statement and passing it through the ORM costs about four times what running it does. Pending
changes are flushed first, as the ORM's autoflush would, so the answer sees them.
"""
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.orm import Session


def _connection(session: Session):
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def scalar(session: Session, statement: Executable, **params: Any) -> Any:
    return _connection(session).execute(statement, params).scalar()


def rows(session: Session, statement: Executable, **params: Any) -> list[Row]:
    return list(_connection(session).execute(statement, params))
