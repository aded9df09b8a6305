"""Language: zh_CN by default; English when the user picks it or the browser asks for it first."""
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from views.core.preferences import saved_language

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"
SESSION_KEY = "lang"

babel = Babel()


def chosen_language() -> str | None:
    """An explicit choice: the signed-in user's saved setting, else this browser's session."""
    return saved_language() or session.get(SESSION_KEY)


def select_locale() -> str:
    """Pages: the reader's choice, else the browser's. The JSON API: the request's Accept-Language only,
    so a script gets the language it asks for whichever account it uses."""
    if not has_request_context():  # the CLI and the scheduler speak the configured default
        return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT)
    choice = None if request and request.path.startswith("/api/") else chosen_language()
    if choice in LANGUAGES:
        return choice
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"]) if request else None
    if best and best.startswith("en"):
        return "en"
    return DEFAULT


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE", "Asia/Shanghai"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_lang"] = current_lang
    app.context_processor(_this_requests_catalogue)


def _this_requests_catalogue() -> dict:
    """Templates look `_`, gettext and ngettext up in their context before the globals. Bound here once per page
    to the request's catalogue, a page's hundred lookups skip Flask-Babel's locale resolution for each one.
    They behave as the globals Flask-Babel installs (Jinja's new style: escaped, always %-formatted)."""
    catalogue = get_translations()

    @pass_context
    def gettext(context, message: str, /, **variables) -> str:
        text = catalogue.ugettext(message)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        text = catalogue.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def current_lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"
