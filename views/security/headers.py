"""HTTP-level protections: security headers, CSP without inline script, no-store on personal pages,
cookie flags, and a SECRET_KEY that is never a published default, in development neither."""
import logging
import os
import secrets
from pathlib import Path

from flask import Flask, request
from flask_login import current_user

DEV_SECRET = "dev-only-change-me"
MIN_SECRET_LENGTH = 16
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
log = logging.getLogger(__name__)


def is_production(app: Flask) -> bool:
    return os.environ.get("APP_ENV", app.config.get("APP_ENV", "")).lower() == "production"


def _instance_secret(app: Flask) -> str:
    """A random key made once per installation (0600 in the git-ignored instance folder)."""
    path = Path(app.instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def configure_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if key and key != DEV_SECRET:
        if is_production(app) and len(key) < MIN_SECRET_LENGTH:
            raise RuntimeError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production")
        return
    # Debug and tests too: a published default key let a forged cookie reach the admin pages.
    if is_production(app):
        raise RuntimeError("SECRET_KEY is required when APP_ENV=production (set the SECRET_KEY environment variable "
                           "or instance/config.py)")
    app.config["SECRET_KEY"] = _instance_secret(app)
    log.warning("SECRET_KEY not set: using the installation's generated key in instance/secret_key")


def configure_cookies(app: Flask) -> None:
    # Flask ships SESSION_COOKIE_* defaults, so these are set outright rather than defaulted.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    if is_production(app):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        # The __Host- prefix pins the cookie to this host, HTTPS and path /.
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"


def _needs_no_store(response) -> bool:
    if response.status_code == 503:
        return True  # the database is away: loading the user to decide would fail again, and 503s age fast
    if request.endpoint == "static" or request.path.startswith("/feeds/"):
        return False  # assets are public; feeds manage their own caching with ETags
    return current_user.is_authenticated or response.mimetype == "text/html"


def _always(app: Flask) -> list[tuple[str, str]]:
    found = [*HEADERS.items(), ("Content-Security-Policy", CSP)]
    if is_production(app):
        found.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return found


def signed_in_json_headers(app: Flask, length: int) -> list[tuple[str, str]]:
    """Every header a signed-in JSON answer leaves the app with, for answers made in front of it. Vary: Cookie is
    Flask's, because signing in reads the session."""
    return [("Content-Type", "application/json"), ("Content-Length", str(length)), *_always(app),
            ("Cache-Control", "no-store"), ("Vary", "Cookie")]


def add_headers(app: Flask, response):
    for name, value in _always(app):
        response.headers.setdefault(name, value)
    if _needs_no_store(response):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    configure_secret_key(app)
    configure_cookies(app)
    app.after_request(lambda response: add_headers(app, response))
