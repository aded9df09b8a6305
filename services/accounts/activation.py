"""Resident accounts set up at the desk: a one-time activation code, then the resident picks a password."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from models import ActivationCode, Resident, User
from services.accounts import login_limits, passwords, signin
from services.core import audit, errors
from services.core.access import Actor, require_staff
from services.core.errors import N_
from services.core.storage.transaction import write_transaction

CODE_DIGITS = 8
VALID_FOR = timedelta(days=14)
_WRONG_CODE = N_("手机号或激活码不对，或激活码已过期")


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str  # shown once, to be handed over on paper
    expires_at: datetime


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def readable(code: str) -> str:
    """"48210937" → "4821 0937": easier to read aloud and type."""
    return f"{code[:4]} {code[4:]}"


def login_for(session: Session, resident: Resident) -> User | None:
    return session.scalar(select(User).where(User.resident_id == resident.id, User.role == "resident"))


def _new_login(session: Session, resident: Resident) -> User:
    if not resident.phone:
        raise errors.Invalid("phone", N_("请先登记该居民的手机号"))
    username = signin.normalise_phone(resident.phone)
    if session.scalar(select(User).where(User.username == username)):
        raise errors.Invalid("phone", N_("该手机号已有账号"))
    # Nobody knows this password: the account is usable only after activation.
    user = User(username=username, password_hash=passwords.hashed(secrets.token_urlsafe(32)),
                role="resident", resident_id=resident.id, session_version=1)
    session.add(user)
    session.flush()
    return user


def issue_code(session: Session, actor: Actor, resident_id: int, now: datetime) -> IssuedCode:
    """The desk's use-case: staff hand a resident a fresh activation code; the record change is audited."""
    require_staff(actor)
    with write_transaction(session):
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise errors.NotFound()
        issued = issue(session, resident, actor.user_id, now)
        audit.resident_touched(session, actor.user_id, resident, audit.CHANGE, now)
    return issued


def issue(session: Session, resident: Resident, issued_by: int | None, now: datetime) -> IssuedCode:
    """Open the resident's login if needed and issue a fresh code; earlier unused codes stop working."""
    user = login_for(session, resident) or _new_login(session, resident)
    session.execute(update(ActivationCode).where(ActivationCode.user_id == user.id,
                                                 ActivationCode.used_at.is_(None)).values(used_at=now))
    code = _new_code()
    expires = now + VALID_FOR
    session.add(ActivationCode(user_id=user.id, code_hash=passwords.hashed(code), created_at=now,
                               expires_at=expires, created_by_id=issued_by))
    session.flush()
    return IssuedCode(user, code, expires)


def _pending_code(session: Session, user: User, now: datetime) -> ActivationCode | None:
    """The one code that can work: issuing a code retires the earlier ones."""
    return session.scalar(select(ActivationCode).where(
        ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None), ActivationCode.expires_at > now)
        .order_by(ActivationCode.id.desc()).limit(1))


def activate_login(session: Session, identifier: str, code: str, password: str, confirm: str, ip: str | None,
                   now: datetime) -> User:
    """Set the password with a valid code; wrong codes count towards the sign-in rate limit.

    Checks first, writes last: the password rules, then the attempt is reserved (one short write),
    then exactly one code-hash check whether or not a code is pending (so the time taken tells
    nothing), then the new hash is made outside any lock, then one short write claims the code.
    """
    signin.check_new_password(password, confirm, signin.normalise_phone(identifier))
    user = signin.find_user(session, identifier)
    row = _pending_code(session, user, now) if user else None
    code_hash, row_id = (row.code_hash, row.id) if row else (passwords.stand_in(), None)
    keys = login_limits.keys_for(signin.account_key(identifier, user), ip)
    with write_transaction(session):
        reserved = login_limits.reserve(session, keys, now)
    if not check_password_hash(code_hash, code.replace(" ", "")) or row_id is None:
        raise errors.Invalid("code", _WRONG_CODE)
    new_hash = passwords.hashed(password)
    with write_transaction(session):
        claimed = session.execute(update(ActivationCode).where(
            ActivationCode.id == row_id, ActivationCode.used_at.is_(None)).values(used_at=now)).rowcount
        if not claimed:  # a second tab used it a moment ago
            raise errors.Invalid("code", _WRONG_CODE)
        user = session.get(User, user.id)
        user.password_hash = new_hash
        signin.end_sessions(user, now)
        login_limits.succeeded(session, reserved, keys[0])
    return user
