"""The application factory: config → extensions → blueprints → error handlers → CLI."""
import os
from pathlib import Path

from flask import Flask

from models import db
from services.database import install_sqlite_listeners, normalise_url, sqlite_engine_options
from views import register_blueprints, register_cli, register_error_handlers, register_extensions


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY="dev-only-change-me",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'app.db'}",
        TIMEZONE="Asia/Shanghai",
        JSON_AS_ASCII=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key, env in (("SQLALCHEMY_DATABASE_URI", "DATABASE_URL"), ("SECRET_KEY", "SECRET_KEY")):
            if os.environ.get(env):
                app.config[key] = os.environ[env]
    else:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", sqlite_engine_options())

    db.init_app(app)
    with app.app_context():
        install_sqlite_listeners(db.engine)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app
