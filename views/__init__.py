"""HTTP adapters, one package per area: parse, call a use-case, render. create_app lists their blueprints."""
from flask import Flask

from models import db
from views.booking import availability_http
from views.checkup import labels as checkup_labels
from views.circle import circle_pages
from views.core import error_handlers, formatting, i18n, kept_pages, navigation, preferences, transactions
from views.core.extensions import login_manager, migrate
from views.feeds import feed_http
from views.security import access_log, csrf, headers, request_limits, session_cookie


def register_extensions(app: Flask) -> None:
    """What every page and answer shares: transactions, sign-in, language, CSRF, the menu, display settings."""
    transactions.init_app(app)  # first: it decides how the request's first transaction begins
    request_limits.init_app(app)  # before any view or check reads the body
    login_manager.init_app(app)
    headers.init_app(app)
    session_cookie.init_app(app)  # a cookie seen before is not checked and decoded again
    i18n.init_app(app)
    csrf.init_app(app)
    navigation.init_app(app)
    kept_pages.init_app(app)  # the menu and switches, kept per kind of reader
    preferences.init_app(app)
    formatting.init_app(app)
    circle_pages.init_app(app)  # the circle's label filters
    checkup_labels.init_app(app)  # the check-up's words for its codes
    feed_http.init_app(app)  # feed caching, rate limit and token masking around the WSGI app
    availability_http.init_app(app)  # kept availability answers, before the request machinery
    access_log.init_app(app)  # outermost: phone numbers in query strings never reach the access log
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True)


def register_error_handlers(app: Flask) -> None:
    error_handlers.init_app(app)
