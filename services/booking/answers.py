"""Per-process reuse of availability answers: the same question, asked again while nothing it depends on changed.

An answer depends on the settings (spaces, hours, the centre: the settings counter), on what fills or frees a slot
(bookings, waitlist holds, closures, and residents, whose groups and quotas decide who may book: the occupancy
counter, bumped in the same transaction as every such change, through any door) and on the clock. Every rule that
reads the clock compares it with slot edges moved by whole minutes (notice, the desk's grace, windows in days,
ages by local date), so where every slot edge falls on a whole minute the answer cannot change within the open
interval between two whole minutes. An answer is reused only within the minute it was worked out in, under the
same two counters, read in the request's own transaction before the answer is worked out.
"""
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import Booking, Closure, OccupancyChange, Resident, WaitlistEntry
from services.core import change_counters, settings_cache
from services.core.change_counters import ChangeCounter
from services.core.change_counters import install as install_counter

T = TypeVar("T")
OCCUPANCY = ChangeCounter(OccupancyChange.__table__, (Booking, WaitlistEntry, Closure, Resident), "occupancy_changed")
_stores: WeakKeyDictionary[Engine, dict[Hashable, tuple[tuple, object]]] = WeakKeyDictionary()
MAX_ANSWERS = 5000
MINUTE = timedelta(minutes=1)


def install() -> None:
    install_counter(OCCUPANCY)


def reused(session: Session, key: Hashable, now: datetime, work_out: Callable[[], tuple[T, bool]]) -> T:
    """`work_out()`'s answer, from this worker's copy when one was made in the same minute under the same counters.

    `work_out` returns the answer (immutable: callers share it) and whether it may be reused: False when some slot
    edge is not on a whole minute. Nothing is reused at a whole minute itself, or by a session with a pending
    change of anything the counters watch.
    """
    bind = session.get_bind()
    if _changing(session) or settings_cache.is_in_memory(bind) or _on_the_minute(now):
        return work_out()[0]
    stamp = (settings_cache.version(session), _occupancy(session), now.replace(second=0, microsecond=0))
    store = _stores.setdefault(bind, {})
    made = store.get(key)
    if made is not None and made[0] == stamp:
        return made[1]
    answer, reusable = work_out()
    if reusable:
        if len(store) >= MAX_ANSWERS:
            store.clear()
        store[key] = (stamp, answer)
    return answer


def on_whole_minutes(instants) -> bool:
    return all(i.timestamp() % 60 == 0 for i in instants)


def _on_the_minute(now: datetime) -> bool:
    return now.second == 0 and now.microsecond == 0


def _occupancy(session: Session) -> tuple:
    return change_counters.current(session, OCCUPANCY)


def _changing(session: Session) -> bool:
    return settings_cache.changing_settings(session) or session.info.get(OCCUPANCY.flag, False) or any(
        isinstance(obj, OCCUPANCY.watched) for obj in (*session.new, *session.dirty, *session.deleted))

