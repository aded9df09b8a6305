"""HTTP and CLI adapters: parse, call a service, render. Registered by create_app."""
from flask import Flask

from .extensions import login_manager, migrate


def register_extensions(app: Flask) -> None:
    from models import db

    from . import transactions, web

    transactions.init_app(app)  # first: it decides how the request's first transaction begins
    login_manager.init_app(app)
    web.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True)


def register_blueprints(app: Flask) -> None:
    from . import api_bookings, api_people, auth, home

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(api_people.bp)
    app.register_blueprint(api_bookings.bp)
    from . import web

    web.register_pages(app)  # desk, portal, operator and admin pages
    from . import feeds

    feeds.init_app(app)
    from . import circle_pages

    circle_pages.init_app(app)  # the service-circle API, pages and their menu link
    from . import routines

    routines.init_app(app)  # waitlist API and pages, the outbox API, the no-one-left-behind list


def register_error_handlers(app: Flask) -> None:
    from .error_handlers import init_app

    init_app(app)


def register_cli(app: Flask) -> None:
    from .cli import init_app

    init_app(app)
    from . import cli_circle

    cli_circle.init_app(app)
    from . import cli_scheduler

    cli_scheduler.init_app(app)
