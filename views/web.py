"""Everything the server-rendered pages share: language, CSRF, navigation, display settings, security headers."""
from flask import Flask

from . import csrf, formatting, i18n, navigation, preferences, security


def init_app(app: Flask) -> None:
    security.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    navigation.init_app(app)
    preferences.init_app(app)
    formatting.init_app(app)


def register_pages(app: Flask) -> None:
    """The pages of the four roles, and their menu links."""
    from . import admin, admin_spaces, desk, desk_residents, operator, portal

    for module in (desk, desk_residents, portal, operator, admin, admin_spaces):
        app.register_blueprint(module.bp)
        if hasattr(module, "register_nav"):
            module.register_nav(app)
