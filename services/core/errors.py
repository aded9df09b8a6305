"""The domain's errors: one hierarchy, each with a stable `code`, an HTTP status and its parameters (CONTRACT.md).

An error's `message` is a catalogue msgid: the Chinese text, with %(name)s placeholders filled from the error's
details. The domain knows no reader, so it never translates: the web layer renders the message in the reader's
language (views.core.formatting.error_message); `text()` gives the Chinese for logs and the command line.
"""


def N_(message: str) -> str:
    """Mark a message for the catalogue (`pybabel extract -k N_`); it is translated where it is shown."""
    return message


class DomainError(Exception):
    """The root: a subclass names its code, status and default message in its header,
    `class NotFound(DomainError, code="not_found", status=404, message=N_("找不到该记录"))`."""

    code = "invalid"
    status = 422
    message = N_("请求无效")

    def __init_subclass__(cls, code: str | None = None, status: int | None = None, message: str | None = None,
                          **kwargs):
        super().__init_subclass__(**kwargs)
        for name, value in (("code", code), ("status", status), ("message", message)):
            if value is not None:
                setattr(cls, name, value)

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


class Unauthenticated(DomainError, code="unauthenticated", status=401, message=N_("请先登录")):
    """No one is signed in, or the token is unknown."""


class Forbidden(DomainError, code="forbidden", status=403, message=N_("您没有权限进行此操作")):
    """Signed in, but not allowed to do this."""


class NotFound(DomainError, code="not_found", status=404, message=N_("找不到该记录")):
    """No such record, or not one the reader may know of."""


class InvalidState(DomainError, code="invalid_state", status=409):
    """The record is in a state that forbids the change (already cancelled, already started…)."""


class RuleViolation(DomainError, status=409):
    """A booking rule refused the request; `request` is the refused booking request, if any.

    Each rule is one subclass below, named by its stable code, with the default message."""

    request = None
    channel = None  # how the refused request came in (desk, phone, online, api), for the check-up


class Conflict(RuleViolation, code="conflict", message=N_("该时段已被预约")):
    """Someone (or the person themselves) already has that time."""


class CapacityExceeded(RuleViolation, code="capacity", message=N_("名额不足")):
    """Not enough seats left."""


class Closed(RuleViolation, code="closed", message=N_("该时段闭馆")):
    """A closure or a holiday."""


class OutsideHours(RuleViolation, code="outside_hours", message=N_("不在开放时间内")):
    """Outside the space's opening hours."""


class NotEligible(RuleViolation, code="not_eligible", message=N_("该空间不对此居民开放")):
    """The person's groups or age are not admitted."""


class QuotaExceeded(RuleViolation, code="quota", message=N_("已达到每周预约上限")):
    """A per-person weekly (or live) limit is reached."""


class TooSoon(RuleViolation, code="too_soon", message=N_("预约需要提前")):
    """Less notice than the space asks for, or already past."""


class TooFar(RuleViolation, code="too_far", message=N_("超出可预约范围")):
    """Beyond the booking window."""


class NotOpen(RuleViolation, code="not_open", message=N_("报名尚未开始或已经截止")):
    """Registration has not opened yet, or has closed."""
