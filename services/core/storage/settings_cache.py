"""Per-process reuse of records that change only when someone edits the settings: the centre, spaces with their
hours, accounts with their display settings and API tokens.

A copy is loaded in a session of its own (always a deferred read, so it never queues behind a write lock) together
with the settings counter it was loaded under, and kept in this process. A request uses the copy only while the
counter its own transaction reads is the same; the counter is read once per transaction, and every change of
these records, in any worker, the scheduler or the CLI, moves it in the same transaction
(services/core/storage/settings_version.py). A session with a settings change of its own pending never uses a copy.
"""
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from services.core.storage import change_counters
from services.core.storage.database import is_in_memory, is_read_only, mark_read_only
from services.core.storage.settings_version import SETTINGS

T = TypeVar("T")
# One store per engine: a process may hold several apps on different databases (the tests do).
_stores: WeakKeyDictionary[Engine, dict[Hashable, tuple[tuple, object]]] = WeakKeyDictionary()
MAX_COPIES = 2000
COPY_OPTION = "settings_copy"


def version(session: Session) -> tuple:
    """The settings counter as this session's transaction sees it, read once per transaction."""
    return change_counters.current(session, SETTINGS)




def reused(session: Session, key: Hashable, load: Callable[[Session], T]) -> T:
    """`load(session)`'s answer, from this process's copy when the settings have not changed since it was made.

    `load` returns a detachable ORM instance (with what callers read already loaded), None, or plain data (which
    callers must not change). An instance comes back merged into `session` without a query, so callers may use and
    even change it as if they had loaded it.
    """
    session = change_counters.plain(session)
    bind = session.get_bind()
    if change_counters.pending(session, SETTINGS) or is_in_memory(bind):
        return load(session)
    current = version(session)
    copies = _stores.setdefault(bind, {})
    made = copies.get(key)
    if made is None or made[0] != current:
        made = _load_copy(session, load)
        if len(copies) >= MAX_COPIES:
            copies.clear()
        copies[key] = made
        if made[0] != current:  # the copy saw another moment than this transaction: load it here
            return load(session)
    copy = made[1]
    return session.merge(copy, load=False) if hasattr(copy, "_sa_instance_state") else copy


def held(bind: Engine, key: Hashable, version: tuple):
    """This worker's copy for `key` if it was made under the settings counter `version`, else None; nothing is
    loaded. The copy is detached: read it, do not change it."""
    made = _stores.get(bind, {}).get(key)
    return made[1] if made is not None and made[0] == version else None


@contextmanager
def _deferred():
    before = is_read_only()
    mark_read_only(True)
    try:
        yield
    finally:
        mark_read_only(before)


def _load_copy(session: Session, load: Callable[[Session], T]) -> tuple[tuple, T]:
    bind = session.get_bind().execution_options(**{COPY_OPTION: True})  # marked, for whoever watches statements
    with _deferred(), Session(bind=bind, expire_on_commit=False) as own:
        counter = SETTINGS.read(own)
        value = load(own)
        own.expunge_all()
        own.rollback()
    return counter, value
