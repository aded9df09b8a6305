"""Per-process reuse of availability answers: the same question, asked again while nothing it depends on changed.

An answer depends on the settings (spaces, hours, the centre: the settings counter), on what fills or frees a slot
(bookings, waitlist holds, closures, and residents, whose groups and quotas decide who may book: the occupancy
counter, bumped in the same transaction as every such change, through any door) and on the clock. Every rule that
reads the clock compares it with slot edges moved by whole minutes (notice, the desk's grace, windows in days,
ages by local date), so where every slot edge falls on a whole minute the answer cannot change within the open
interval between two whole minutes. An answer is reused only within the minute it was worked out in, under the
same two counters, read in the request's own transaction before the answer is worked out (or, in front of the
app, in one statement of its own: views/booking/availability_http.py).
"""
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import Booking, Closure, OccupancyChange, Resident, WaitlistEntry
from services.core.storage import change_counters, settings_cache
from services.core.storage.change_counters import ChangeCounter
from services.core.storage.change_counters import install as install_counter
from services.core.storage.settings_version import SETTINGS

T = TypeVar("T")
OCCUPANCY = ChangeCounter(OccupancyChange.__table__, (Booking, WaitlistEntry, Closure, Resident), "occupancy_changed")
# Per engine: the stamp the answers were worked out under, and the answers. A new stamp starts afresh, so only the
# current minute's answers are ever held.
_stores: WeakKeyDictionary[Engine, tuple[tuple, dict[Hashable, object]]] = WeakKeyDictionary()


def install() -> None:
    install_counter(OCCUPANCY)


def reused(session: Session, key: Hashable, now: datetime, work_out: Callable[[], tuple[T, bool]]) -> T:
    """`work_out()`'s answer, from this worker's copy when one was made in the same minute under the same counters.

    `work_out` returns the answer (immutable: callers share it) and whether it may be reused: False when some slot
    edge is not on a whole minute. Nothing is reused at a whole minute itself, or by a session with a pending
    change of anything the counters watch.
    """
    answers = _current(session, now)
    if answers is None:
        return work_out()[0]
    if key in answers:
        return answers[key]
    answer, reusable = work_out()
    if reusable:
        answers[key] = answer
    return answer


def held_under(bind: Engine, key: Hashable, counters: dict[str, tuple], now: datetime):
    """The answer kept for `key` under the same rules as reused(), or None, for a caller without a session that
    read every counter itself (change_counters.read_all). Nothing is worked out."""
    if settings_cache.is_in_memory(bind) or _on_the_minute(now):
        return None
    return _answers(bind, (counters[SETTINGS.flag], counters[OCCUPANCY.flag], _minute(now))).get(key)


def _current(session: Session, now: datetime) -> dict[Hashable, object] | None:
    """The answers kept under the counters as this transaction reads them and this minute; None when none may be."""
    session = change_counters.plain(session)
    bind = session.get_bind()
    # In-memory SQLite: see settings_cache.is_in_memory (the two caches go together).
    if _changing(session) or settings_cache.is_in_memory(bind) or _on_the_minute(now):
        return None
    return _answers(bind, (settings_cache.version(session), change_counters.current(session, OCCUPANCY),
                           _minute(now)))


def _answers(bind: Engine, stamp: tuple) -> dict[Hashable, object]:
    kept = _stores.get(bind)
    if kept is None or kept[0] != stamp:
        kept = _stores[bind] = (stamp, {})
    return kept[1]


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def on_whole_minutes(instants) -> bool:
    return all(i.timestamp() % 60 == 0 for i in instants)


def _on_the_minute(now: datetime) -> bool:
    return now.second == 0 and now.microsecond == 0


def _changing(session: Session) -> bool:
    return change_counters.pending(session, SETTINGS) or change_counters.pending(session, OCCUPANCY)
