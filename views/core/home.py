"""The start page (each role lands on its own work) and the display settings any visitor can change."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from views.accounts.auth import safe_next
from views.core import preferences
from views.core.i18n import LANGUAGES

bp = Blueprint("home", __name__)
ROLE_HOME = {"resident": "portal.index", "staff": "desk.board", "admin": "admin.index", "operator": "operator.schedule"}


@bp.get("/")
def index():
    if current_user.is_authenticated and current_user.role in ROLE_HOME:
        return redirect(url_for(ROLE_HOME[current_user.role]))
    return render_template("home/index.html", user=current_user)


def _back() -> str:
    """Back to the page the switch was on; only a path on this site."""
    return safe_next(request.form.get("back"))


@bp.post("/settings/language")
def set_language():
    language = request.form.get("language")
    if language in LANGUAGES:
        preferences.save(language=language)
    return redirect(_back())


@bp.post("/settings/text-size")
def set_text_size():
    preferences.save(large=request.form.get("large") == "1")
    return redirect(_back())
