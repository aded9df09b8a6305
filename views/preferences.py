"""Per-user display settings (language, large text) remembered across devices."""
from flask_login import current_user


def saved_language() -> str | None:
    if not getattr(current_user, "is_authenticated", False):
        return None
    return None


def body_classes() -> str:
    """CSS classes on <body>: `large-text` when the user switched it on."""
    from flask import session

    return "large-text" if session.get("large_text") else ""


def init_app(app) -> None:
    app.jinja_env.globals["body_classes"] = body_classes
