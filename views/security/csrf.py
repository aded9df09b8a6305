"""CSRF protection for every state-changing browser request.

A per-session random token travels in the form field `csrf_token` or the `X-CSRF-Token` header.
A request that a bearer token authenticated is exempt: a browser never attaches that header on its
own. Only then: the mere presence of an `Authorization: Bearer …` header (even a bogus one) once
skipped the check for a request the session cookie authenticated. Unauthenticated API calls are left
to answer 401 as before. The token has no expiry, so a half-filled form never goes stale.

Flask-WTF's CSRFProtect was considered: it cannot tell which credential authenticated a request
either, so it would need the same hook (`csrf.protect()` called from our own check); the check
itself is the twenty lines below.
"""
import hmac
import secrets

from flask import Flask, abort, g, request, session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_KEY = "csrf_token"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
# While a page part is rendered for other readers too (views/core/kept_pages.py), the token is this stand-in,
# replaced by each reader's own when the part is served. Escaped text never holds a raw "<", so nothing a resident
# typed can pass for it.
KEEPING = "keeping_page_part"
TOKEN_STAND_IN = Markup("<!--csrf-token-->")


def csrf_token() -> str:
    """The session's token, created on first use (templates call this as `csrf_token()`)."""
    if g.get(KEEPING):
        return TOKEN_STAND_IN
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate_csrf_token() -> None:
    """A fresh token after sign-in, so a token planted before sign-in is worthless."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)


def mark_token_authenticated() -> None:
    """Called by the login manager's request loader when a valid bearer token signed the request in."""
    g.authenticated_by_token = True


def _authenticated_by_token() -> bool:
    return current_user.is_authenticated and g.get("authenticated_by_token", False)


def _needs_check(app: Flask) -> bool:
    if request.method in SAFE_METHODS or _authenticated_by_token():
        return False
    # An API call without a session has nothing to forge: the API answers 401 itself.
    return not (request.path.startswith("/api/") and not current_user.is_authenticated)


def _sent_token() -> str:
    return request.headers.get(HEADER) or request.form.get(FORM_FIELD, "")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check_csrf():
        if not _needs_check(app):
            return None
        expected = session.get(SESSION_KEY, "")
        if not expected or not hmac.compare_digest(expected, _sent_token()):
            abort(400, description=_("页面已失效，请返回后刷新再提交"))
        return None
