"""Signing in by username or phone number, changing passwords and ending every session of a user."""
import re
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash

from models import Resident, User
from models.base import utcnow
from services.accounts import accounts, login_limits, password_policy, passwords
from services.core import errors
from services.core.errors import N_
from services.core.numbers import is_whole_number
from services.core.storage.transaction import write_transaction

PHONE_SEPARATORS = re.compile(r"[\s\-().·]")


class WrongCredentials(errors.DomainError, code="unauthenticated", status=401,
                       message=N_("手机号/用户名或密码不对，请再试一次")):
    """One answer for an unknown account and a wrong password, so neither is revealed."""


def normalise_phone(text: str) -> str:
    """"+86 138-0000-0001", "0086 13800000001" and full-width "１３８…" are all 13800000001."""
    digits = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix):]
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    return digits


def find_user(session: Session, identifier: str) -> User | None:
    """The login named by username, or the resident login whose resident has this phone number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    user = session.scalar(select(User).where(User.username == identifier))
    if user is not None:
        return user
    phone = normalise_phone(identifier)
    if not is_whole_number(phone):
        return None
    return session.scalar(select(User).join(Resident, User.resident_id == Resident.id)
                          .where(User.role == "resident", Resident.phone == phone).order_by(User.id).limit(1))


def account_key(identifier: str, user: User | None) -> str:
    """What the rate limit counts: the account sign-in found, else the normalised spelling."""
    if user is not None:
        return f"user:{user.id}"
    phone = normalise_phone(identifier.strip())
    return phone if is_whole_number(phone) else identifier.strip()


def sign_in(session: Session, identifier: str, password: str, ip: str | None, now: datetime) -> User:
    """The user, or WrongCredentials / TooManyAttempts (the 6th failure in a minute).

    The attempt is reserved (counted) in one short write transaction before the password is
    checked; the slow hash runs outside any lock; a right password takes the reservation back.
    """
    user = find_user(session, identifier)
    stored_hash = user.password_hash if user else passwords.stand_in()
    keys = login_limits.keys_for(account_key(identifier, user), ip)
    with write_transaction(session):
        reserved = login_limits.reserve(session, keys, now)
    if user is None or not check_password_hash(stored_hash, password):
        raise WrongCredentials()
    with write_transaction(session):
        login_limits.succeeded(session, reserved, keys[0])
    return user


def check_new_password(password: str, confirm: str, phone: str | None = None) -> None:
    password_policy.check_new_password(password, confirm, phone)


def set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hashed(password)
    end_sessions(user)


def change_password(session: Session, user_id: int, current: str, password: str, confirm: str) -> User:
    """The user's own password change; every other signed-in copy of their session ends, and their tokens."""
    user = session.get(User, user_id)
    if not check_password_hash(user.password_hash, current):
        raise errors.Invalid("current", N_("当前密码不对"))
    check_new_password(password, confirm, user.resident.phone if user.resident else user.username)
    new_hash = passwords.hashed(password)  # the slow hash before the write lock
    with write_transaction(session):
        user = session.get(User, user_id)
        user.password_hash = new_hash
        end_sessions(user)
    return user


def sign_out_everywhere(session: Session, user_id: int, now: datetime | None = None) -> None:
    """Sign-out (one's own, or an admin's for a user): every copy of the session cookie stops working,
    and every API token of the user."""
    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None:
            raise errors.NotFound()
        end_sessions(user, now)


def end_sessions(user: User, now: datetime | None = None) -> None:
    """Every cookie issued so far stops working (the login cookie carries the version), and every API token."""
    user.session_version = (user.session_version or 1) + 1
    accounts.revoke_user_tokens(object_session(user), user.id, now or utcnow())
