"""Readiness for a reverse proxy or a watchdog: the database answers, its schema is current, the scheduler lives.

The scheduler records a heartbeat row every SCHEDULER_HEARTBEAT_SECONDS; the web app reads it.
"""
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import Heartbeat
from services.core.storage.schema import database_revisions
from services.core.storage.transaction import write_transaction

SCHEDULER = "scheduler"
CHECKS = ("database", "migrations", "scheduler")


def record_heartbeat(session: Session, now: datetime, process: str = SCHEDULER) -> None:
    """Upsert this process's beat in one statement: run-jobs and the scheduler may beat at the same moment."""
    values = {"process": process, "beat_at": now, "pid": os.getpid(), "host": socket.gethostname()[:120]}
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(Heartbeat).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["process"],
                                      set_={key: stmt.excluded[key] for key in ("beat_at", "pid", "host")})
    with write_transaction(session):
        session.execute(stmt)


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)  # name → "ok" or what is wrong

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())

    @property
    def reason(self) -> str:
        return "; ".join(f"{name}: {value}" for name, value in self.checks.items() if value != "ok")


def _heartbeat_check(session: Session, now: datetime, max_age: timedelta) -> str:
    beat = session.get(Heartbeat, SCHEDULER)
    if beat is None:
        return "no heartbeat yet (is run-scheduler running?)"
    age = now - beat.beat_at
    if age > max_age:
        return f"last heartbeat {int(age.total_seconds())} s ago (limit {int(max_age.total_seconds())} s)"
    return "ok"


def readiness(session: Session, now: datetime, heads: set[str], heartbeat_max_age: timedelta) -> Readiness:
    found = Readiness()
    try:
        session.execute(text("SELECT 1"))
        found.checks["database"] = "ok"
        current = database_revisions(session)
        found.checks["migrations"] = "ok" if current == heads else (
            f"database at {', '.join(sorted(current)) or 'no schema'}, code at {', '.join(sorted(heads))}")
        found.checks["scheduler"] = _heartbeat_check(session, now, heartbeat_max_age)
    except SQLAlchemyError as err:
        failed = next(name for name in CHECKS if name not in found.checks)
        found.checks[failed] = f"{'unreachable' if failed == 'database' else 'cannot be read'} ({type(err).__name__})"
    finally:
        session.rollback()
    return found
