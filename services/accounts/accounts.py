"""Logins and API tokens. Tokens are random, shown once and stored only as a SHA-256 hash."""
import hashlib
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import ROLES, ApiToken, Resident, User, UserSetting
from services.core import errors
from services.core.errors import N_
from services.core.transaction import write_transaction

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
