"""Availability asked again within its minute, answered in front of the app.

Integrations (a self-service screen in the lobby, a partner's app) poll a space's availability with a
bearer token many times a minute. The view keeps each answer for the rest of its minute
(services/booking/answers.py); this middleware hands a kept answer back without the app's request
machinery (request context, sign-in, hooks), which costs about ten times the kept answer itself.

It signs the token in as the app does (the same look-up, under the same settings counter), and reads
the counters in a transaction of its own, so a kept answer is never older than the one the view would
give. Whatever it is not sure of goes on to the view: no kept answer, a cookie (the session, not the
token, would decide who asks), an account linked to a resident, a query it does not read exactly as the
view would, a body, a database error (the view answers 503).
"""
import re
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models import db
from services.accounts import accounts
from services.booking import answers
from services.core.access import actor_for
from services.core.clock import parse_day
from services.core.database import is_read_only, mark_read_only
from services.core.errors import DomainError
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
        query = QUERY.fullmatch(environ.get("QUERY_STRING", ""))
        token = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        if (path is None or query is None or token is None or environ.get("REQUEST_METHOD") != "GET"
                or "HTTP_COOKIE" in environ or environ.get("CONTENT_LENGTH", "0") not in ("", "0")):
            return None
        before = is_read_only()
        mark_read_only(True)  # a deferred BEGIN, as a request's reads
        try:
            with Session(bind=self._engine()) as session:  # not the app's scoped session: no app context needed
                return self._held(session, int(path.group(1)), query.group(1), token)
        except SQLAlchemyError:
            return None
        finally:
            mark_read_only(before)

    def _engine(self) -> Engine:
        engine = self.app.extensions.get("availability_engine")
        if engine is None:
            with self.app.app_context():
                engine = self.app.extensions["availability_engine"] = db.engine
        return engine

    def _held(self, session: Session, resource_id: int, date_text: str | None, token: str) -> bytes | None:
        instant = now(self.app)
        user = accounts.user_for_token(session, token, instant)
        if user is None or user.resident_id is not None:
            return None  # the view answers 401, or works out for whom the resident asks
        try:
            day = parse_day(date_text, "date") if date_text else \
                instant.astimezone(ZoneInfo(self.app.config["TIMEZONE"])).date()
        except DomainError:
            return None  # the view names the field
        key = availability_key(resource_id, day, actor_for(session, user).is_staff, None)
        return answers.held(session, key, instant)


def init_app(app: Flask) -> None:
    app.wsgi_app = AvailabilityMiddleware(app)
