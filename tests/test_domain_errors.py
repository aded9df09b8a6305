"""The domain errors' codes, statuses and default messages are public (CONTRACT.md): they never change by accident."""
import pytest

from services.core import errors

EVERY_ERROR = [  # class, code, status, default message
    (errors.DomainError, "invalid", 422, "请求无效"),
    (errors.Unauthenticated, "unauthenticated", 401, "请先登录"),
    (errors.Forbidden, "forbidden", 403, "您没有权限进行此操作"),
    (errors.NotFound, "not_found", 404, "找不到该记录"),
    (errors.InvalidState, "invalid_state", 409, "请求无效"),
    (errors.RuleViolation, "invalid", 409, "请求无效"),
    (errors.Conflict, "conflict", 409, "该时段已被预约"),
    (errors.CapacityExceeded, "capacity", 409, "名额不足"),
    (errors.Closed, "closed", 409, "该时段闭馆"),
    (errors.OutsideHours, "outside_hours", 409, "不在开放时间内"),
    (errors.NotEligible, "not_eligible", 409, "该空间不对此居民开放"),
    (errors.QuotaExceeded, "quota", 409, "已达到每周预约上限"),
    (errors.TooSoon, "too_soon", 409, "预约需要提前"),
    (errors.TooFar, "too_far", 409, "超出可预约范围"),
    (errors.NotOpen, "not_open", 409, "报名尚未开始或已经截止"),
]


@pytest.mark.parametrize(("cls", "code", "status", "message"), EVERY_ERROR, ids=lambda v: getattr(v, "__name__", ""))
def test_each_domain_error_keeps_its_code_status_and_message(cls, code, status, message):
    raised = cls()
    assert (raised.code, raised.status, raised.message, raised.text()) == (code, status, message, message)
    assert raised.to_dict() == {"code": code, "message": message}


def test_every_rule_refusal_is_a_409_rule_violation_named_by_its_own_code():
    refusals = [cls for cls, *_ in EVERY_ERROR if issubclass(cls, errors.RuleViolation) and cls is not errors.RuleViolation]
    assert all(cls().status == 409 for cls in refusals)
    assert len({cls.code for cls in refusals}) == len(refusals) == len(errors.RuleViolation.__subclasses__())


def test_a_refusal_keeps_its_own_message_and_details_when_given_them():
    refused = errors.TooFar("最多可提前 %(days)s 天安排", days=7)
    assert (refused.code, refused.text(), refused.details) == ("too_far", "最多可提前 7 天安排", {"days": 7})
    assert errors.Invalid("start", "坏了", status=400).status == 400 and errors.Invalid("x", "y").status == 422


def test_the_sign_in_errors_keep_their_codes_and_statuses():
    from services.accounts.login_limits import TooManyAttempts
    from services.accounts.signin import WrongCredentials
    assert (WrongCredentials.code, WrongCredentials.status) == ("unauthenticated", 401)
    assert (TooManyAttempts.code, TooManyAttempts.status) == ("rate_limited", 429)
    assert WrongCredentials().text() == "手机号/用户名或密码不对，请再试一次"
    assert TooManyAttempts().text() == "尝试次数过多，请一分钟后再试"
