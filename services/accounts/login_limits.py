"""Sign-in rate limiting: after five failures within a minute, per account or per IP, refuse for a while.

Failures live in the database, so every web worker counts the same attempts.
"""
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import LoginFailure
from services.core import errors
from services.core.errors import N_

WINDOW = timedelta(minutes=1)
MAX_FAILURES = 5
KEEP = timedelta(hours=1)


class TooManyAttempts(errors.DomainError):
    code, status = "rate_limited", 429
    message = N_("尝试次数过多，请一分钟后再试")


def keys_for(account: str, ip: str | None) -> list[str]:
    keys = [f"account:{account.strip().lower()[:180]}"]
    if ip:
        keys.append(f"ip:{ip[:180]}")
    return keys


def recent_failures(session: Session, key: str, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(LoginFailure.key == key, LoginFailure.at > now - WINDOW)) or 0


def check_allowed(session: Session, keys: list[str], now: datetime) -> None:
    """Raise TooManyAttempts when any key already has MAX_FAILURES failures in the last minute."""
    for key in keys:
        if recent_failures(session, key, now) >= MAX_FAILURES:
            raise TooManyAttempts()


def record_failure(session: Session, keys: list[str], now: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP))
    session.add_all(LoginFailure(key=key, at=now) for key in keys)
    session.flush()


def clear_account(session: Session, account: str) -> None:
    """A successful sign-in forgets the account's failures (not the IP's)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == keys_for(account, None)[0]))
