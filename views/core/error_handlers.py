"""One place turns errors into answers: JSON under /api, a page elsewhere. Never a bare 500."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from models import db
from services.core.errors import DomainError

HTTP_CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "invalid",
              413: "invalid", 415: "invalid", 429: "rate_limited"}


def _jsonable(value):
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).isoformat()
    if isinstance(value, dict):
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


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        return _answer(err.status, err.to_dict())

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        db.session.rollback()
        code = HTTP_CODES.get(err.code or 500, "error")
        return _answer(err.code or 500, {"code": code, "message": err.description})

    @app.errorhandler(OverflowError)
    def _overflow(err: OverflowError):
        # A date or number so far out that arithmetic on it fails: the input is at fault, not us.
        db.session.rollback()
        return _answer(400, {"code": "invalid", "message": "日期或数值超出范围 / A date or number is out of range"})

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _answer(500, {"code": "server_error", "message": "系统出错，请稍后再试 / Something went wrong"})
