"""One place turns errors into answers: JSON under /api, a page elsewhere. Never a bare 500."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from models import db
from services.core.errors import N_, DomainError
from views.core.formatting import error_message
from views.health import unavailable

HTTP_CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "invalid",
              413: "too_large", 415: "invalid", 429: "rate_limited"}
# Werkzeug's own descriptions are English only: a reader gets these instead, in their language.
HTTP_MESSAGES = {400: N_("请求有误"), 401: N_("请先登录"), 403: N_("您没有权限进行此操作"), 404: N_("找不到该页面"),
                 405: N_("不支持这种请求方式"), 413: N_("提交的内容太大"), 415: N_("不支持这种内容格式"),
                 429: N_("请求太频繁，请稍后再试")}


def _jsonable(value):
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).isoformat()
    if isinstance(value, dict):
        if "message" in value and "params" in value:  # a refused occurrence of a series, with its own message
            value = {**value, "message": error_message(value["message"], value["params"])}
            del value["params"]
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _answer(status: int, payload: dict):
    if wants_json():
        return jsonify({"error": _jsonable(payload)}), status
    return render_template("errors/error.html", status=status, error=payload), status


def _http_message(err: HTTPException, status: int) -> str:
    """Our own descriptions are translated where they are raised; Werkzeug's defaults are replaced."""
    if err.description and err.description != type(err).description:
        return err.description
    return error_message(HTTP_MESSAGES.get(status, N_("系统出错，请稍后再试")))


def init_app(app: Flask) -> None:
    unavailable.init_app(app)  # the database away, locked or full: 503, never a 500

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        return _answer(err.status, {**err.to_dict(), "message": error_message(err.message, err.details)})

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        db.session.rollback()
        status = err.code or 500
        return _answer(status, {"code": HTTP_CODES.get(status, "error"), "message": _http_message(err, status)})

    @app.errorhandler(OverflowError)
    def _overflow(err: OverflowError):
        # A date or number so far out that arithmetic on it fails: the input is at fault, not us.
        db.session.rollback()
        return _answer(400, {"code": "invalid", "message": error_message(N_("日期或数值超出范围"))})

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _answer(500, {"code": "server_error", "message": error_message(N_("系统出错，请稍后再试"))})
