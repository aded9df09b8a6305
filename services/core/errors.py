"""The domain's errors: one hierarchy, each with a stable `code`, an HTTP status and its parameters (CONTRACT.md).

An error's `message` is a catalogue msgid: the Chinese text, with %(name)s placeholders filled from the error's
details. The domain knows no reader, so it never translates: the web layer renders the message in the reader's
language (views.core.i18n.error_message); `text()` gives the Chinese for logs and the command line.
"""


def N_(message: str) -> str:
    """Mark a message for the catalogue (`pybabel extract -k N_`); it is translated where it is shown."""
    return message


class DomainError(Exception):
    code = "invalid"
    status = 422
    message = N_("请求无效")

    def __init__(self, message: str | None = None, **details):
        self.message = message or type(self).message
        self.details = details
        super().__init__(self.text())

    def text(self) -> str:
        """The message in the default language (zh_CN)."""
        return fill(self.message, self.details)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.text(), **self.details}


def fill(message: str, params: dict) -> str:
    """A message with its %(name)s placeholders filled; a message without placeholders is returned as it is.

    Placeholders the web layer adds (a status's label) read as the raw value here."""
    return message % _Params(params) if "%(" in message else message


class _Params(dict):
    def __missing__(self, key: str):
        return self.get("booking_status", "") if key == "status_label" else ""


class Invalid(DomainError):
    """A field is missing or wrong; `field` names it."""

    def __init__(self, field: str, message: str, status: int = 422, **params):
        super().__init__(message, field=field, **params)
        self.status = status


class Unauthenticated(DomainError):
    code, status, message = "unauthenticated", 401, N_("请先登录")


class Forbidden(DomainError):
    code, status, message = "forbidden", 403, N_("您没有权限进行此操作")


class NotFound(DomainError):
    code, status, message = "not_found", 404, N_("找不到该记录")


class InvalidState(DomainError):
    code, status = "invalid_state", 409


class RuleViolation(DomainError):
    """A booking rule refused the request (409); `request` is the refused booking request, if any."""

    status = 409
    request = None
    channel = None  # how the refused request came in (desk, phone, online, api), for the check-up


class Conflict(RuleViolation):
    code, message = "conflict", N_("该时段已被预约")


class CapacityExceeded(RuleViolation):
    code, message = "capacity", N_("名额不足")


class Closed(RuleViolation):
    code, message = "closed", N_("该时段闭馆")


class OutsideHours(RuleViolation):
    code, message = "outside_hours", N_("不在开放时间内")


class NotEligible(RuleViolation):
    code, message = "not_eligible", N_("该空间不对此居民开放")


class QuotaExceeded(RuleViolation):
    code, message = "quota", N_("已达到每周预约上限")


class TooSoon(RuleViolation):
    code, message = "too_soon", N_("预约需要提前")


class TooFar(RuleViolation):
    code, message = "too_far", N_("超出可预约范围")


class NotOpen(RuleViolation):
    code, message = "not_open", N_("报名尚未开始或已经截止")
