"""Everything the server-rendered pages share: language, CSRF, navigation, display settings, security headers."""
from flask import Flask

from . import csrf, i18n, navigation, preferences


def init_app(app: Flask) -> None:
    i18n.init_app(app)
    csrf.init_app(app)
    navigation.init_app(app)
    preferences.init_app(app)
