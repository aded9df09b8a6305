"""The application factory: config → extensions → blueprints → error handlers → CLI."""
import os
from pathlib import Path

from flask import Flask

from cli import register_cli
from models import db
from services.accounts import passwords
from services.booking import answers
from services.core.storage import settings_version
from services.core.storage.database import (
    create_private_sqlite_file,
    engine_options,
    install_sqlite_listeners,
    normalise_url,
)
from services.feeds import changes as feed_changes
from views import register_error_handlers, register_extensions
from views.accounts import admin, auth
from views.activities import api_activities, api_enrolments, pages, programme_pages
from views.api import openapi
from views.booking import (
    admin_spaces,
    api_bookings,
    api_spaces,
    calendar_pages,
    desk,
    desk_residents,
    desk_slip,
    operator,
    portal,
)
from views.checkup import api_checkup, checkup_pages, problem_pages, standards_pages
from views.circle import api_circle, circle_pages
from views.core import home
from views.feeds import feed_pages, feeds
from views.health import health
from views.routines import api_outbox, api_waitlist, outreach_pages, waitlist_pages
from views.security.headers import is_production

# Every blueprint of the app, by area. The menu's links are listed in views/core/navigation.py.
BLUEPRINTS = (
    auth.bp, admin.bp, home.bp, health.bp, openapi.bp,
    api_spaces.bp, api_bookings.bp, desk.bp, desk_slip.bp, desk_residents.bp, portal.bp, operator.bp, admin_spaces.bp,
    calendar_pages.bp,
    feeds.bp, feeds.api, feed_pages.bp,
    api_waitlist.bp, api_outbox.bp, waitlist_pages.bp, outreach_pages.bp,
    api_circle.bp, circle_pages.bp,
    api_activities.bp, api_enrolments.bp, pages.bp, programme_pages.bp,
    api_checkup.bp, checkup_pages.bp, problem_pages.bp, standards_pages.bp,
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=None,  # never a fixed default: views/security/headers.py makes one per installation
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'app.db'}",
        TIMEZONE="Asia/Shanghai",
        JSON_AS_ASCII=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key, env in (("SQLALCHEMY_DATABASE_URI", "DATABASE_URL"), ("SECRET_KEY", "SECRET_KEY"),
                         ("BACKUP_DIR", "BACKUP_DIR"),
                         ("QUIET_HOURS_FROM", "QUIET_HOURS_FROM"), ("QUIET_HOURS_UNTIL", "QUIET_HOURS_UNTIL")):
            if os.environ.get(env):
                app.config[key] = os.environ[env]
    else:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    passwords.configure(app.config.get("PASSWORD_HASH_METHOD"), production=is_production(app))
    feed_changes.install()  # every session bumps the feeds' change counter with what it commits
    settings_version.install()  # … and the settings counter
    answers.install()  # … and the occupancy counter
    with app.app_context():
        install_sqlite_listeners(db.engine, app.config)
    register_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_cli(app)
    return app
