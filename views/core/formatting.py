"""Dates and times as people read them: 2026年12月1日 星期二 09:30, or Tue 1 Dec 2026, 09:30 in English."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup, escape

from services.core.errors import fill
from views.core.i18n import current_lang

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def local(instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def long_date(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = local(day).date()
    if current_lang() == "en":
        return f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日 {WEEKDAYS_ZH[day.weekday()]}"


def month_title(day: date) -> str:
    """2026年11月, or November 2026."""
    if current_lang() == "en":
        return f"{MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月"


def short_date(day: date):
    """The day button's label: the year is read out but not shown (11月24日 星期二)."""
    full = long_date(day)
    year = f"{day.year}年" if current_lang() != "en" else ""
    shown = full[len(year):] if year else full
    return Markup(f'<span class="sr">{escape(year)}</span>{escape(shown)}') if year else shown


def clock(instant: datetime) -> str:
    return local(instant).strftime("%H:%M")


def long_datetime(instant: datetime) -> str:
    """The full spoken form used in slot buttons and confirmations."""
    separator = ", " if current_lang() == "en" else " "
    return f"{long_date(instant)}{separator}{clock(instant)}"


def time_range(start: datetime, end: datetime) -> str:
    return f"{long_datetime(start)}–{clock(end)}"


def space_name(resource) -> str:
    return resource.name_en if current_lang() == "en" and resource.name_en else resource.name


LABELS = {
    "confirmed": _l("已预约"), "checked_in": _l("已签到"), "no_show": _l("未到"), "cancelled": _l("已取消"),
    "elderly": _l("老年人"), "child": _l("儿童"), "special": _l("特殊关爱"),
    "desk": _l("到访"), "phone": _l("电话"), "online": _l("网上"), "api": _l("系统"),
    "admin": _l("管理员"), "staff": _l("前台"), "operator": _l("运营机构"), "resident": _l("居民"),
    "free": _l("可预约"), "full": _l("已满"), "closed": _l("闭馆"), "past": _l("已过"),
    "too_soon": _l("来不及预约"), "too_far": _l("还未开放预约"), "not_eligible": _l("不对此人开放"),
    "quota": _l("本周次数已满"), "buffer": _l("缓冲时间"),
    "read": _l("查看"), "change": _l("修改"), "create": _l("新建"), "booking": _l("预约记录"),
    "enrolled": _l("已报名"), "waitlisted": _l("候补中"), "offered": _l("有空位待确认"), "declined": _l("已放弃"),
    "expired": _l("已过期"), "scheduled": _l("按计划"),
}


def label(code: str | None) -> str:
    return str(LABELS.get(code, code or ""))


@pass_context
def label_filter(_context, code: str | None) -> str:
    """`{{ "confirmed"|label }}` in a template. Taking the context stops Jinja from folding a constant
    argument at compile time, which would bake the first reader's language into the compiled template
    for the life of the worker (the day board's status words flipped between languages that way)."""
    return label(code)


def masked(name: str) -> str:
    """周丽娟 → 周*娟: enough for the desk to recognise, not for a passer-by (PIPL art. 51)."""
    if len(name) <= 1:
        return name
    return name[0] + "*" if len(name) == 2 else name[0] + "*" * (len(name) - 2) + name[-1]


def iso_day(instant: datetime) -> str:
    return local(instant).date().isoformat()


def iso_local(instant: datetime) -> str:
    """2026-12-01T09:30, the centre's wall clock (for links and hidden fields)."""
    return local(instant).strftime("%Y-%m-%dT%H:%M")


def local_hour(instant: datetime) -> int:
    return local(instant).hour


def error_message(message: str, params: dict | None = None) -> str:
    """A domain message (a catalogue msgid and its parameters) in the reader's language.

    A booking's status among the parameters also reads as its label (`status_label`), a weekday
    number as the day's name (`day`)."""
    params = dict(params or {})
    if "booking_status" in params:
        params["status_label"] = label(params["booking_status"])
    if isinstance(params.get("weekday"), int) and 0 <= params["weekday"] <= 6:  # a day of the week, by name
        params["day"] = (WEEKDAYS_EN if current_lang() == "en" else WEEKDAYS_ZH)[params["weekday"]]
    return fill(gettext(message), params)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(long_date=long_date, clock=clock, long_datetime=long_datetime,
                                 space_name=space_name, label=label_filter, masked=masked,
                                 iso_day=iso_day, iso_local=iso_local, short_date=short_date)
    app.jinja_env.globals.update(time_range=time_range, local_hour=local_hour, month_title=month_title)
