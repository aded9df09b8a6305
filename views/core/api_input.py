"""Reading JSON bodies and query strings strictly: every mistake names its field."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, request

from services.core.clock import parse_day, parse_instant
from services.core.errors import Invalid

MAX_TEXT = 500
MAX_ID = 2**62


def centre_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("body", "请求体必须是 JSON 对象 / the body must be a JSON object", status=400)
    return data


def int_field(data: dict, name: str, required: bool = True, low: int = 1, high: int = MAX_ID,
              default: int | None = None) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(name, f"缺少 {name} / {name} is required")
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(name, f"{name} 必须是整数 / {name} must be a whole number")
    if not low <= value <= high:
        raise Invalid(name, f"{name} 必须在 {low} 到 {high} 之间 / {name} must be between {low} and {high}")
    return value


def text_field(data: dict, name: str, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
    value = data.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise Invalid(name, f"缺少 {name} / {name} is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise Invalid(name, f"{name} 必须是文字 / {name} must be text")
    if len(value) > max_length:
        raise Invalid(name, f"{name} 最长 {max_length} 字 / {name} is longer than {max_length} characters")
    return value.strip()


def bool_field(data: dict, name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(name, f"{name} 必须是 true 或 false / {name} must be true or false")
    return value


def instant_field(data: dict, name: str, required: bool = True) -> datetime | None:
    if data.get(name) is None:
        if required:
            raise Invalid(name, f"缺少 {name} / {name} is required")
        return None
    return parse_instant(data[name], name, centre_tz())


def day_field(data: dict, name: str, required: bool = True) -> date | None:
    if data.get(name) in (None, ""):
        if required:
            raise Invalid(name, f"缺少 {name} / {name} is required")
        return None
    return parse_day(data[name], name)


def query_int(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Invalid(name, f"{name} 必须是正整数 / {name} must be a positive whole number", status=400)
    return int(raw)
