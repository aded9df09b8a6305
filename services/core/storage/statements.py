"""Statements built once and run on the session's own connection.

For the few look-ups a registration rush repeats hundreds of times a second: building an ORM
statement and passing it through the ORM costs about four times what running it does. Pending
changes are flushed first, as the ORM's autoflush would, so the answer sees them. A row written this
way is handed to the session with `inserted`.
"""
from typing import Any

from sqlalchemy import Executable, Row, event
from sqlalchemy.orm import Session, make_transient_to_detached

from services.core.storage import change_counters

_INSERTED = "rows_inserted_past_the_orm"  # session.info: (transaction or savepoint, row) not yet committed


def _connection(session: Session):
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def scalar(session: Session, statement: Executable, **params: Any) -> Any:
    return _connection(session).execute(statement, params).scalar()


def rows(session: Session, statement: Executable, **params: Any) -> list[Row]:
    return list(_connection(session).execute(statement, params))


def inserted(session: Session, row: Any) -> None:
    """Hand `row`, just written by a statement here with every column given, to the session as if loaded, and
    count it for the change counters. Like a row the ORM inserted, it leaves the session again when the
    transaction or savepoint it was written in rolls back: on SQLite the next row may be given its id."""
    change_counters.changed(session, type(row))
    make_transient_to_detached(row)
    session.add(row)
    plain = change_counters.plain(session)
    owner = plain.get_nested_transaction() or plain.get_transaction()
    session.info.setdefault(_INSERTED, []).append((owner, row))


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back) -> None:
    kept = []
    for owner, row in session.info.pop(_INSERTED, []):
        if _within(owner, rolled_back):
            if row in session:
                session.expunge(row)
        else:
            kept.append((owner, row))
    if kept:
        session.info[_INSERTED] = kept


def _within(transaction, outer) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint released: its rows still go with a rollback
        session.info.pop(_INSERTED, None)
