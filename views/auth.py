"""Sign-in: a session for browsers, bearer tokens for integrations."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from models import User, db
from services import accounts

from .csrf import rotate_csrf_token
from .extensions import login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(cookie_id: str) -> User | None:
    # The cookie carries "id:session_version"; a bumped version signs out every copied cookie.
    user_id, _, version = cookie_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user and user.session_version == int(version) else None


@login_manager.request_loader
def _load_user_from_token(req) -> User | None:
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return accounts.user_for_token(db.session, token.strip())


def _safe_next(target: str | None) -> str:
    """Only a path on this site: refuses //evil.example, ////evil.example, https://… and backslashes."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    parts = urlsplit(target)
    return url_for("home.index") if parts.scheme or parts.netloc else target


@bp.get("/login")
def login():
    return render_template("auth/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login_post():
    user = accounts.authenticate(db.session, request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        flash("用户名或密码不对，请再试一次 / Wrong username or password, please try again")
        return render_template("auth/login.html", next=request.form.get("next", "")), 401
    login_user(user)
    rotate_csrf_token()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
