"""Sign-in rate limiting: after five failures within a minute, per account or per IP, refuse for a while.

Failures live in the database, so every web worker counts the same attempts. An attempt is
reserved (counted as a failure) before its password is checked, in one short write transaction
that counts and inserts atomically: twenty parallel guesses get five tries, not six or twenty.
A right password then takes its reservation back.
"""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from models import LoginFailure
from services.core import errors
from services.core.errors import N_

WINDOW = timedelta(minutes=1)
MAX_FAILURES = 5
KEEP = timedelta(hours=1)


class TooManyAttempts(errors.DomainError, code="rate_limited", status=429,
                      message=N_("尝试次数过多，请一分钟后再试")):
    """Too many failed sign-ins for this account or address within the window."""


def keys_for(account: str, ip: str | None) -> list[str]:
    """`account` is what sign-in looked up (signin.account_key), so every spelling counts as one."""
    keys = [f"account:{account.strip().lower()[:180]}"]
    if ip:
        keys.append(f"ip:{ip[:180]}")
    return keys


def recent_failures(session: Session, key: str, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(LoginFailure.key == key, LoginFailure.at > now - WINDOW)) or 0


def _lock_keys(session: Session, keys: list[str]) -> None:
    """PostgreSQL: serialise count-then-insert per key (SQLite's BEGIN IMMEDIATE already does)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(keys):  # one order everywhere: no deadlock between two keys
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})


def reserve(session: Session, keys: list[str], now: datetime) -> list[int]:
    """Count this attempt as a failure now, or raise TooManyAttempts; inside the caller's write transaction."""
    _lock_keys(session, keys)
    for key in keys:
        if recent_failures(session, key, now) >= MAX_FAILURES:
            raise TooManyAttempts()
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP))
    rows = [LoginFailure(key=key, at=now) for key in keys]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def succeeded(session: Session, reserved: list[int], account_key: str) -> None:
    """A right password: its reservation goes, and with it the account's earlier failures (not the IP's)."""
    session.execute(delete(LoginFailure).where(LoginFailure.id.in_(reserved)))
    session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
