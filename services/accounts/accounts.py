"""Logins and API tokens. Tokens are random, shown once and stored only as a SHA-256 hash."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from models import ROLES, ApiToken, Resident, Resource, User, UserSetting
from models.base import utcnow
from services.accounts import passwords
from services.core import errors
from services.core.errors import N_
from services.core.storage import settings_cache
from services.core.storage.transaction import write_transaction

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
    user = User(username=username, password_hash=passwords.hashed(password), role=role,
                resident_id=resident_id, organisation=organisation)
    session.add(user)
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, expires_at: datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires_at))
    session.flush()
    return token


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    # Looking up a hash of the token by equality leaks nothing useful through timing.
    key = token_key(token)
    found = settings_cache.reused(session, key,
                                  lambda own: own.scalar(select(ApiToken).where(ApiToken.token_hash == key[1])))
    return user_by_id(session, found.user_id) if is_live(found, now or utcnow()) else None


def token_key(token: str) -> tuple:
    """The settings cache's key for a token's record."""
    return "token", _digest(token)


def is_live(token: ApiToken | None, now: datetime) -> bool:
    """A token that exists, is not revoked and has not expired signs its holder in."""
    return token is not None and token.revoked_at is None and not (token.expires_at and token.expires_at <= now)


def display_settings(session: Session, user_id: int) -> UserSetting | None:
    """A user's language and large-text choice, read on every page: reused while settings stand still."""
    return settings_cache.reused(session, ("display", user_id), lambda own: own.get(UserSetting, user_id))


def user_by_id(session: Session, user_id: int) -> User | None:
    """An account for reading who is asking, without a query while accounts and settings stand still."""
    return settings_cache.reused(session, user_key(user_id), lambda own: own.get(User, user_id))


def user_key(user_id: int) -> tuple:
    return "user", user_id



def save_display_settings(session: Session, user_id: int, language: str | None = None,
                          large_text: bool | None = None) -> UserSetting:
    """Remember a signed-in user's language and text size across devices; None leaves a choice as it was."""
    with write_transaction(session):
        setting = session.get(UserSetting, user_id) or UserSetting(user_id=user_id, large_text=False)
        if language is not None:
            setting.language = language
        if large_text is not None:
            setting.large_text = large_text
        session.add(setting)
    return setting


def revoke_token(session: Session, token: str, now: datetime) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None:
        return False
    row.revoked_at = now
    return True


def revoke_token_by_id(session: Session, token_id: int, now: datetime) -> ApiToken:
    with write_transaction(session):
        row = session.get(ApiToken, token_id)
        if row is None:
            raise errors.NotFound(field="token_id")
        if row.revoked_at is None:
            row.revoked_at = now
        return row


def revoke_user_tokens(session: Session, user_id: int, now: datetime) -> int:
    """Sign-out everywhere, a new password, a new role: the user's API tokens die with the cookies."""
    result = session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                             .values(revoked_at=now))
    return result.rowcount or 0


def list_tokens(session: Session, username: str | None = None) -> list[ApiToken]:
    """Every token (never its value: only the hash is kept), newest first, with its user."""
    stmt = select(ApiToken).join(User, ApiToken.user_id == User.id).options(joinedload(ApiToken.user))
    if username:
        stmt = stmt.where(User.username == username)
    return list(session.scalars(stmt.order_by(ApiToken.id.desc())))


def token_state(row: ApiToken, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if row.expires_at is not None and row.expires_at <= now else "active"


def operator_organisations(session: Session) -> list[str]:
    """The organisations that run spaces or have operator logins: the list staff choose from."""
    running = session.scalars(select(Resource.operator).where(Resource.operator.is_not(None)).distinct())
    logins = session.scalars(select(User.organisation).where(User.role == "operator",
                                                             User.organisation.is_not(None)).distinct())
    return sorted({name for name in (*running, *logins) if name and name.strip()})
