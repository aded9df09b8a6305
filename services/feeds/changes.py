"""The feeds' change counter: bumped in the same transaction as every change a feed could show.

A per-worker cache with a time limit answered 304 to a stale ETag for up to a minute after a
cancellation, and workers disagreed. Instead, a session that flushed a change to any record a
feed is built from (bookings, closures, spaces and their hours, residents, users, the centre,
feeds) bumps one counter as the last statement before its commit. The feed's ETag is made of
that counter, read with the token in one query: equal ETags mean equal bytes, in every worker.
The bump comes last so its row lock is held only for the commit (no deadlock with space locks).
"""
from datetime import UTC, datetime

from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from models import Booking, CalendarFeed, Centre, Closure, FeedChange, OpeningHours, Resident, Resource, User

SHOWN_IN_FEEDS = (Booking, Closure, Resource, OpeningHours, Resident, Centre, User, CalendarFeed)
_TABLES = {model.__table__.name for model in SHOWN_IN_FEEDS}
FLAG = "feeds_changed"
ROW_ID = 1


def _touches_feeds(objects) -> bool:
    return any(isinstance(obj, SHOWN_IN_FEEDS) for obj in objects)


def _after_flush(session: Session, _context) -> None:
    if _touches_feeds(session.new) or _touches_feeds(session.dirty) or _touches_feeds(session.deleted):
        session.info[FLAG] = True


def _on_execute(state) -> None:
    """Bulk UPDATE/DELETE statements (a closure cancelling bookings, a purge) skip the flush."""
    if (state.is_update or state.is_delete) and any(m.local_table.name in _TABLES for m in state.all_mappers):
        state.session.info[FLAG] = True


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(FLAG, False):
        bump(session)


def _forget(session: Session, *_args) -> None:
    session.info.pop(FLAG, None)


def bump(session: Session) -> None:
    now = datetime.now(UTC)
    done = session.execute(update(FeedChange.__table__).where(FeedChange.__table__.c.id == ROW_ID)
                           .values(counter=FeedChange.__table__.c.counter + 1, changed_at=now))
    if not done.rowcount:  # a schema made by create_all rather than the migration: no row yet
        session.execute(insert(FeedChange.__table__).values(id=ROW_ID, counter=1, changed_at=now))


_installed = False


def install() -> None:
    """Listen on every ORM session (web workers, the scheduler, the CLI); once per process."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)
    _installed = True
