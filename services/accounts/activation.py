"""Resident accounts set up at the desk: a one-time activation code, then the resident picks a password."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import ActivationCode, Resident, User
from services.accounts import login_limits, signin
from services.core import audit, errors
from services.core.access import Actor, require_staff
from services.core.errors import N_
from services.core.transaction import write_transaction

CODE_DIGITS = 8
VALID_FOR = timedelta(days=14)


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
    user = User(username=username, password_hash=generate_password_hash(secrets.token_urlsafe(32)),
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
    session.add(ActivationCode(user_id=user.id, code_hash=generate_password_hash(code), created_at=now,
                               expires_at=expires, created_by_id=issued_by))
    session.flush()
    return IssuedCode(user, code, expires)


def _valid_code(session: Session, user: User, code: str, now: datetime) -> ActivationCode | None:
    rows = session.scalars(select(ActivationCode).where(
        ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None), ActivationCode.expires_at > now))
    return next((row for row in rows if check_password_hash(row.code_hash, code)), None)


def activate_login(session: Session, identifier: str, code: str, password: str, confirm: str, ip: str | None,
                   now: datetime) -> User:
    """The activation use-case. A refusal is raised after its commit: wrong codes count towards the limit."""
    refused: errors.DomainError | None = None
    with write_transaction(session):
        try:
            user = activate(session, identifier, code, password, confirm, ip, now)
        except errors.DomainError as err:
            refused = err
    if refused is not None:
        raise refused
    return user


def activate(session: Session, identifier: str, code: str, password: str, confirm: str, ip: str | None,
             now: datetime) -> User:
    """Set the password with a valid code; wrong codes count towards the sign-in rate limit."""
    keys = login_limits.keys_for(identifier, ip)
    login_limits.check_allowed(session, keys, now)
    user = signin.find_user(session, identifier)
    row = _valid_code(session, user, code.replace(" ", ""), now) if user else None
    if row is None:
        login_limits.record_failure(session, keys, now)
        raise errors.Invalid("code", N_("手机号或激活码不对，或激活码已过期"))
    signin.check_new_password(password, confirm)
    row.used_at = now
    signin.set_password(user, password)
    return user
