"""The domain's errors: one hierarchy, each with a stable `code` and HTTP status (CONTRACT.md)."""


class DomainError(Exception):
    code = "invalid"
    status = 422
    message = "请求无效 / Invalid request"

    def __init__(self, message: str | None = None, **details):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.details}


class Invalid(DomainError):
    """A field is missing or wrong; `field` names it."""

    def __init__(self, field: str, message: str, status: int = 422):
        super().__init__(message, field=field)
        self.status = status


class Unauthenticated(DomainError):
    code, status, message = "unauthenticated", 401, "请先登录 / Please sign in"


class Forbidden(DomainError):
    code, status, message = "forbidden", 403, "您没有权限进行此操作 / You are not allowed to do this"


class NotFound(DomainError):
    code, status, message = "not_found", 404, "找不到该记录 / Not found"


class InvalidState(DomainError):
    code, status = "invalid_state", 409


class RuleViolation(DomainError):
    """A booking rule refused the request (409); `request` is the refused booking request, if any."""

    status = 409
    request = None


class Conflict(RuleViolation):
    code, message = "conflict", "该时段已被预约 / This time is already booked"


class CapacityExceeded(RuleViolation):
    code, message = "capacity", "名额不足 / Not enough places left"


class Closed(RuleViolation):
    code, message = "closed", "该时段闭馆 / The space is closed then"


class OutsideHours(RuleViolation):
    code, message = "outside_hours", "不在开放时间内 / Outside opening hours"


class NotEligible(RuleViolation):
    code, message = "not_eligible", "该空间不对此居民开放 / This space is not open to this resident"


class QuotaExceeded(RuleViolation):
    code, message = "quota", "已达到每周预约上限 / Weekly booking limit reached"


class TooSoon(RuleViolation):
    code, message = "too_soon", "预约需要提前 / Please book further in advance"


class TooFar(RuleViolation):
    code, message = "too_far", "超出可预约范围 / Too far ahead to book yet"
