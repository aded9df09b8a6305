"""Reading JSON bodies and query strings strictly: every mistake names its field."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, request

from services.core.clock import parse_day, parse_instant
from services.core.errors import N_, Invalid
from services.core.numbers import whole_number

MAX_TEXT = 500
MAX_ID = 2**62


def centre_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("body", N_("请求体必须是 JSON 对象"), status=400)
    return reject_unencodable(data)


def reject_unencodable(data: dict) -> dict:
    """JSON's "\\ud800" decodes to a lone surrogate no database can store: refuse it naming its field."""
    for name, value in data.items():
        field = name if _encodable(name) else "body"
        if field == "body" or not _encodable(value):
            raise Invalid(field, N_("%(field)s 含有无法保存的字符"))
    return data


def _encodable(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True


def int_field(data: dict, name: str, required: bool = True, low: int = 1, high: int = MAX_ID,
              default: int | None = None) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(name, N_("缺少 %(field)s"))
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(name, N_("%(field)s 必须是整数"))
    if not low <= value <= high:
        raise Invalid(name, N_("%(field)s 必须在 %(low)s 到 %(high)s 之间"), low=low, high=high)
    return value


def text_field(data: dict, name: str, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
    value = data.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise Invalid(name, N_("缺少 %(field)s"))
        return None
    if not isinstance(value, str) or not value.strip():
        raise Invalid(name, N_("%(field)s 必须是文字"))
    if len(value) > max_length:
        raise Invalid(name, N_("%(field)s 最长 %(max)s 字"), max=max_length)
    return value.strip()


def bool_field(data: dict, name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(name, N_("%(field)s 必须是 true 或 false"))
    return value


def instant_field(data: dict, name: str, required: bool = True) -> datetime | None:
    if data.get(name) is None:
        if required:
            raise Invalid(name, N_("缺少 %(field)s"))
        return None
    return parse_instant(data[name], name, centre_tz())


def day_field(data: dict, name: str, required: bool = True) -> date | None:
    if data.get(name) in (None, ""):
        if required:
            raise Invalid(name, N_("缺少 %(field)s"))
        return None
    return parse_day(data[name], name)


def query_int(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    return whole_number(raw, name, message=N_("%(field)s 必须是正整数"), status=400)
