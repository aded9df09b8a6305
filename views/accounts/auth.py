"""Sign-in by username or phone, activation codes, password change and sign-out that ends every copy of
the session cookie; bearer tokens for integrations."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user

from models import User, db
from services.accounts import accounts, activation, signin
from services.accounts.login_limits import TooManyAttempts
from services.core.errors import DomainError, Invalid
from services.core.numbers import is_whole_number
from views.api.output import now
from views.core.extensions import login_manager
from views.security.csrf import mark_token_authenticated, rotate_csrf_token

bp = Blueprint("auth", __name__)
login_manager.login_message = lazy_gettext("请先登录")
KEPT_ON_SIGN_IN = ("lang", "large_text")


@login_manager.user_loader
def _load_user(cookie_id: str) -> User | None:
    # The cookie carries "id:session_version"; a bumped version signs out every copied cookie.
    user_id, _sep, version = cookie_id.partition(":")
    if not is_whole_number(user_id) or not is_whole_number(version):
        return None
    user = accounts.user_by_id(db.session, int(user_id))
    return user if user and user.session_version == int(version) else None


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer …` header."""
    scheme, _sep, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@login_manager.request_loader
def _load_user_from_token(req) -> User | None:
    token = bearer_token(req.headers.get("Authorization", ""))
    if token is None:
        return None
    user = accounts.user_for_token(db.session, token, now())
    if user is not None:
        mark_token_authenticated()  # only this exempts the request from the CSRF check
    return user


def safe_next(target: str | None) -> str:
    """Only a path on this site: refuses //evil.example, ////evil.example, https://… and backslashes."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return url_for("home.index")
    return target


def start_session(user: User) -> None:
    """A fresh session for the signed-in user: nothing from before survives but display choices."""
    kept = {key: session[key] for key in KEPT_ON_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    rotate_csrf_token()


def _client_ip() -> str | None:
    return request.remote_addr


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login_post():
    identifier = request.form.get("username", "")[:120]
    try:
        user = signin.sign_in(db.session, identifier, request.form.get("password", ""), _client_ip(), now())
    except (signin.WrongCredentials, TooManyAttempts) as err:
        flash(_("尝试次数过多，请一分钟后再试") if err.status == 429 else _("手机号/用户名或密码不对，请再试一次"), "error")
        return render_template("auth/login.html", next=request.form.get("next", ""), username=identifier), err.status
    start_session(user)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
@login_required
def logout():
    # Signing out ends this login everywhere: a copied cookie stops working too.
    signin.sign_out_everywhere(db.session, current_user.id, now())
    logout_user()
    session.clear()
    flash(_("您已安全退出"), "ok")
    return redirect(url_for("auth.login"))


@bp.get("/activate")
def activate():
    return render_template("auth/activate.html", phone=request.args.get("phone", ""))


@bp.post("/activate")
def activate_post():
    form = request.form
    phone = form.get("phone", "")[:40]
    try:
        user = activation.activate_login(db.session, phone, form.get("code", "")[:20], form.get("password", ""),
                                         form.get("confirm", ""), _client_ip(), now())
    except DomainError as err:  # a wrong code was counted by the use-case itself
        return render_template("auth/activate.html", phone=phone, error=_activation_message(err)), err.status
    start_session(user)
    flash(_("账号已激活，欢迎使用"), "ok")
    return redirect(url_for("home.index"))


def _activation_message(err: DomainError) -> str:
    if isinstance(err, TooManyAttempts):
        return _("尝试次数过多，请一分钟后再试")
    field = err.details.get("field") if isinstance(err, Invalid) else None
    return {"code": _("手机号或激活码不对，或激活码已过期。请到前台重新领取。"),
            "confirm": _("两次输入的密码不一样"),
            "password": _("密码至少 8 位，不能太常见（如 12345678），不能是手机号，也不能是重复的字符")}.get(field, _("请检查后再试"))


@bp.get("/account/password")
@login_required
def password():
    return render_template("auth/password.html")


@bp.post("/account/password")
@login_required
def password_post():
    form = request.form
    try:
        user = signin.change_password(db.session, current_user.id, form.get("current", ""), form.get("password", ""),
                                      form.get("confirm", ""))
    except Invalid as err:
        message = {"current": _("当前密码不对")}.get(err.details.get("field"), _activation_message(err))
        return render_template("auth/password.html", error=message), 422
    start_session(user)  # this browser stays in; every other copy is out
    flash(_("密码已修改，其他设备上的登录已退出"), "ok")
    return redirect(url_for("home.index"))
