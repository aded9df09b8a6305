"""Availability asked again within its minute, answered in front of the app.

Integrations (a self-service screen in the lobby, a partner's app) poll a space's availability with a
bearer token many times a minute. The view keeps each answer for the rest of its minute
(services/booking/answers.py); this middleware hands a kept answer back without the app's request
machinery (request context, sign-in, hooks), which costs about ten times the kept answer itself.

It reads every change counter in one statement of its own, then judges the token by the very copies the
app's sign-in keeps (the token's record and the account, valid under that settings counter). So a kept
answer is never older than the one the view would give, and a revoked token is refused at once.
Whatever it is not sure of goes on to the view: no kept answer or copy, a cookie (the session, not the
token, would decide who asks), an account linked to a resident, a query it does not read exactly as the
view would, a body, a database error (the view answers 503).
"""
import re
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from models import db
from services.accounts import accounts
from services.booking import answers
from services.core.access import Actor
from services.core.clock import parse_day
from services.core.errors import DomainError
from services.core.storage import change_counters, settings_cache
from services.core.storage.database import own_connection
from services.core.storage.settings_version import SETTINGS
from views.accounts.auth import bearer_token
from views.api.output import now
from views.booking.api_spaces import availability_key
from views.security.headers import signed_in_json_headers

PATH = re.compile(r"/api/v1/resources/([1-9][0-9]{0,8})/availability")
QUERY = re.compile(r"(?:date=([0-9]{4}-[0-9]{2}-[0-9]{2}))?")


class AvailabilityMiddleware:
    def __init__(self, app: Flask):
        self.app, self.wsgi_app = app, app.wsgi_app

    def __call__(self, environ, start_response):
        body = self._kept(environ)
        if body is None:
            return self.wsgi_app(environ, start_response)
        start_response("200 OK", signed_in_json_headers(self.app, len(body)))
        return [body]

    def _kept(self, environ) -> bytes | None:
        path = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if path is None:
            return None  # every other request: one regular expression is all this front costs it
        query = QUERY.fullmatch(environ.get("QUERY_STRING", ""))
        token = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        if query is None or token is None or not _plain_get(environ):
            return None
        engine = self._engine()
        if settings_cache.is_in_memory(engine):
            return None
        try:
            counters = self._counters(engine)
        except (SQLAlchemyError, engine.dialect.loaded_dbapi.Error):
            return None  # the view answers 503
        return self._held(engine, counters, int(path.group(1)), query.group(1), token)

    @staticmethod
    def _counters(engine: Engine) -> dict[str, tuple]:
        """One statement in autocommit on this worker's own connection, outside the ORM (one round trip)."""
        return own_connection(engine).read(change_counters.read_all)

    def _engine(self) -> Engine:
        engine = self.app.extensions.get("availability_engine")
        if engine is None:
            with self.app.app_context():
                engine = self.app.extensions["availability_engine"] = db.engine
        return engine

    def _held(self, engine: Engine, counters: dict[str, tuple], resource_id: int, date_text: str | None,
              token: str) -> bytes | None:
        """The kept answer, judged by the same copies and rules the view's sign-in uses, or None."""
        instant, version = now(self.app), counters.get(SETTINGS.flag)
        found = settings_cache.held(engine, accounts.token_key(token), version)
        user = settings_cache.held(engine, accounts.user_key(found.user_id), version) if found else None
        if user is None or not accounts.is_live(found, instant) or user.resident_id is not None:
            return None  # no copies under this counter (the view makes them), the view's 401, or a resident asks
        try:
            day = parse_day(date_text, "date") if date_text else \
                instant.astimezone(ZoneInfo(self.app.config["TIMEZONE"])).date()
        except DomainError:
            return None  # the view names the field
        key = availability_key(resource_id, day, Actor(user.id, user.role).is_staff, None)
        return answers.held_under(engine, key, counters, instant)


def _plain_get(environ) -> bool:
    """A GET without a body or a cookie: with a cookie, the session and not the token would say who asks."""
    return environ.get("REQUEST_METHOD") == "GET" and "HTTP_COOKIE" not in environ \
        and environ.get("CONTENT_LENGTH", "0") in ("", "0")


def init_app(app: Flask) -> None:
    app.wsgi_app = AvailabilityMiddleware(app)
