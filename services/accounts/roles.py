"""Who holds which role: admins make staff and operator logins and change their roles.

Residents' logins are opened at the desk with an activation code (services.accounts.activation),
never here, and no role change turns a resident's login into a staff one or back.
"""
from sqlalchemy.orm import Session

from models import User
from services.accounts import accounts, signin
from services.core import errors
from services.core.access import Actor
from services.core.errors import N_
from services.core.storage.transaction import write_transaction

STAFF_ROLES = ("admin", "staff", "operator")
MAX_ORGANISATION = 120


def _require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise errors.Forbidden()


def _organisation(organisation: str | None) -> str | None:
    return (organisation or "").strip()[:MAX_ORGANISATION] or None


def create_staff_user(session: Session, actor: Actor, username: str, password: str, role: str,
                      organisation: str | None = None) -> User:
    """A new admin, staff or operator login (residents activate theirs with a code from the desk)."""
    _require_admin(actor)
    if role not in STAFF_ROLES:
        raise errors.Invalid("role", N_("居民账号请在前台通过激活码开通"))
    signin.check_new_password(password, password)
    with write_transaction(session):
        return accounts.create_user(session, username.strip()[:80], password, role,
                                    organisation=_organisation(organisation))


def change_role(session: Session, actor: Actor, user_id: int, role: str, organisation: str | None) -> User:
    """Move a staff login between admin, staff and operator; its old cookies stop working."""
    _require_admin(actor)
    organisation = _organisation(organisation)
    if role not in STAFF_ROLES or (role == "operator" and not organisation):
        raise errors.Invalid("role", N_("无法修改该账号的角色"))
    if user_id == actor.user_id and role != "admin":
        raise errors.InvalidState(N_("不能取消自己的管理员身份"))
    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None:
            raise errors.NotFound()
        if user.role == "resident":
            raise errors.Invalid("role", N_("无法修改该账号的角色"))
        user.role, user.organisation = role, organisation if role == "operator" else None
        signin.end_sessions(user)  # the old role's cookie must not keep working
    return user
