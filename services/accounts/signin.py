"""Signing in by username or phone number, changing passwords and ending every session of a user."""
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import Resident, User
from services.accounts import login_limits
from services.core import errors
from services.core.errors import N_
from services.core.transaction import write_transaction

MIN_PASSWORD, MAX_PASSWORD = 8, 128
# The passwords people in China pick first; refusing them costs nothing (ASVS 2.1.7).
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "88888888", "11111111", "00000000", "66666666", "password",
    "password1", "qwertyui", "abc12345", "a1234567", "iloveyou", "woaini1314", "1qaz2wsx", "87654321",
})
# Checked when the account does not exist, so both paths cost one scrypt verification.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class WrongCredentials(errors.DomainError):
    code, status = "unauthenticated", 401
    message = N_("手机号/用户名或密码不对，请再试一次")


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[\s\-()]", "", text)
    return digits[3:] if digits.startswith("+86") else digits


def find_user(session: Session, identifier: str) -> User | None:
    """The login named by username, or the resident login whose resident has this phone number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    user = session.scalar(select(User).where(User.username == identifier))
    if user is not None:
        return user
    phone = normalise_phone(identifier)
    if not phone.isdigit():
        return None
    return session.scalar(select(User).join(Resident, User.resident_id == Resident.id)
                          .where(User.role == "resident", Resident.phone == phone).order_by(User.id).limit(1))


def sign_in(session: Session, identifier: str, password: str, ip: str | None, now: datetime) -> User:
    """The sign-in use-case: the user, or WrongCredentials (the failure recorded) / TooManyAttempts
    (the 6th failure in a minute). The slow password hash runs before the write lock is taken."""
    user, keys = verify(session, identifier, password, ip, now)
    with write_transaction(session):
        if user is None:
            login_limits.record_failure(session, keys, now)
        else:
            login_limits.clear_account(session, identifier)
    if user is None:
        raise WrongCredentials()  # after the commit: the failure counts though the sign-in failed
    return user


def verify(session: Session, identifier: str, password: str, ip: str | None,
           now: datetime) -> tuple[User | None, list[str]]:
    """Reads and the password check only: the user if the password is right, and the rate-limit keys."""
    keys = login_limits.keys_for(identifier, ip)
    login_limits.check_allowed(session, keys, now)
    user = find_user(session, identifier)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    return (user if user is not None and valid else None), keys


def check_new_password(password: str, confirm: str) -> None:
    if password != confirm:
        raise errors.Invalid("confirm", N_("两次输入的密码不一样"))
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise errors.Invalid("password", N_("密码需要 %(min)s 到 %(max)s 位"), min=MIN_PASSWORD, max=MAX_PASSWORD)
    if password.lower() in COMMON_PASSWORDS:
        raise errors.Invalid("password", N_("这个密码太常见，请换一个"))


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)
    end_sessions(user)


def change_password(session: Session, user_id: int, current: str, password: str, confirm: str) -> User:
    """The user's own password change; every other signed-in copy of their session ends."""
    user = session.get(User, user_id)
    if not check_password_hash(user.password_hash, current):
        raise errors.Invalid("current", N_("当前密码不对"))
    check_new_password(password, confirm)
    new_hash = generate_password_hash(password)  # the slow hash before the write lock
    with write_transaction(session):
        user = session.get(User, user_id)
        user.password_hash = new_hash
        end_sessions(user)
    return user


def sign_out_everywhere(session: Session, user_id: int) -> None:
    """Sign-out (one's own, or an admin's for a user): every copy of the session cookie stops working."""
    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None:
            raise errors.NotFound()
        end_sessions(user)


def end_sessions(user: User) -> None:
    """Every cookie issued so far stops working (the login cookie carries the version)."""
    user.session_version = (user.session_version or 1) + 1
