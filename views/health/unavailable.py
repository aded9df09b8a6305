"""The database is away, locked or full: a 503 with Retry-After, rendered without touching the database.

During an outage anything that reads the database fails again, so this answer never loads the
signed-in user, the saved language or the menu: JSON under /api, else a page that stands alone.
"""
import contextlib

from flask import Flask, current_app, jsonify, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from models import db
from views.core.i18n import DEFAULT, LANGUAGES, SESSION_KEY

BUSY, UNREACHABLE, STORAGE = "busy", "unreachable", "storage"
RETRY_AFTER = {BUSY: 5, UNREACHABLE: 10, STORAGE: 60}
# SQLSTATEs: statement timeout, lock not available, disk full.
BUSY_STATES, FULL_STATES = ("57014", "55P03"), ("53100",)


def reason_for(err: Exception) -> str:
    cause = getattr(err, "orig", None) or err
    state, text = getattr(cause, "sqlstate", None), str(cause).lower()
    # A full disk is SQLITE_FULL; a write refused part-way (a quota, a file-size limit) or a failing disk
    # is SQLITE_IOERR "disk I/O error". Either way nothing new can be stored until someone sees to the disk.
    if state in FULL_STATES or any(sign in text for sign in ("disk is full", "no space left", "disk i/o error")):
        return STORAGE
    if state in BUSY_STATES or "database is locked" in text or "table is locked" in text:
        return BUSY
    return UNREACHABLE


def _message(reason: str) -> str:
    if reason == STORAGE:
        return _("存储空间已满或磁盘出错，暂时不能保存新的内容；查看不受影响。请通知管理员。")
    if reason == BUSY:
        return _("系统正忙，请稍后再试。")
    return _("数据库暂时连不上，请稍后再试。")


def _language() -> str:
    """The session's choice or the browser's, never the signed-in user's saved setting (in the database)."""
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    return "en" if best and best.startswith("en") else DEFAULT


def answer(err: Exception):
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    reason = reason_for(err)
    cause = getattr(err, "orig", None) or err
    current_app.logger.warning("database unavailable (%s): %s: %s", reason, type(cause).__name__, cause)
    headers = {"Retry-After": str(RETRY_AFTER[reason]), "Cache-Control": "no-store"}
    with force_locale(_language()):
        message = _message(reason)
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify({"error": {"code": "unavailable", "reason": reason, "message": message}}), 503, headers
        return render_template("errors/unavailable.html", message=message), 503, headers


def init_app(app: Flask) -> None:
    for error in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.register_error_handler(error, answer)
