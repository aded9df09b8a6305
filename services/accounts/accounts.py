"""Logins and API tokens. Tokens are random, shown once and stored only as a SHA-256 hash."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import ROLES, ApiToken, Resident, User
from services.core import errors
from services.core.errors import N_

MIN_PASSWORD_LENGTH = 8


def create_user(session: Session, username: str, password: str, role: str, resident_id: int | None = None,
                organisation: str | None = None) -> User:
    if role not in ROLES:
        raise errors.Invalid("role", N_("角色必须是 %(choices)s 之一"), choices=", ".join(ROLES))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise errors.Invalid("password", N_("密码至少 %(min)s 位"), min=MIN_PASSWORD_LENGTH)
    if role == "resident" and (resident_id is None or session.get(Resident, resident_id) is None):
        raise errors.Invalid("resident_id", N_("居民账号需要有效的居民编号"))
    if role == "operator" and not organisation:
        raise errors.Invalid("organisation", N_("运营机构账号需要机构名称"))
    if session.scalar(select(User).where(User.username == username)):
        raise errors.Invalid("username", N_("用户名已存在"))
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                resident_id=resident_id, organisation=organisation)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    # Looking up a hash of the token by equality leaks nothing useful through timing.
    return session.scalar(_USER_FOR_TOKEN, {"token_hash": _digest(token)})


_USER_FOR_TOKEN = (
    select(User).join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def revoke_token(session: Session, token: str, now: datetime) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None:
        return False
    row.revoked_at = now
    return True
