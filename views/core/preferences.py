"""Display settings (language, large text): saved per user, or per browser session before sign-in."""
from flask import g, session
from flask_login import current_user

from models import UserSetting, db
from services.accounts import accounts


def user_setting() -> UserSetting | None:
    if not getattr(current_user, "is_authenticated", False) or not isinstance(getattr(current_user, "id", None), int):
        return None
    if "user_setting" not in g:
        g.user_setting = accounts.display_settings(db.session, current_user.id)
    return g.user_setting


def saved_language() -> str | None:
    setting = user_setting()
    return setting.language if setting else None


def large_text() -> bool:
    setting = user_setting()
    return setting.large_text if setting else bool(session.get("large_text"))


def save(language: str | None = None, large: bool | None = None) -> None:
    """Remember a choice for this browser, and for the user when signed in."""
    if language is not None:
        session["lang"] = language
    if large is not None:
        session["large_text"] = large
    if not getattr(current_user, "is_authenticated", False) or not isinstance(getattr(current_user, "id", None), int):
        return
    g.user_setting = accounts.save_display_settings(db.session, current_user.id, language, large)


def body_classes() -> str:
    """CSS classes on <body>: `large-text` when the user switched it on."""
    return "large-text" if large_text() else ""


def init_app(app) -> None:
    app.jinja_env.globals["body_classes"] = body_classes
    app.jinja_env.globals["large_text"] = large_text
