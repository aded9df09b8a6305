"""What the server-rendered pages share: the actor, the local day, form parsing and readable errors."""
from datetime import date, datetime, time

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from models import db
from services.core.access import Actor, actor_for
from services.core.errors import DomainError, NotFound
from services.core.numbers import is_whole_number
from views.api.fields import centre_tz
from views.api.output import now, rule_context
from views.core.formatting import error_message

MAX_DAYS_AWAY = 400


def page_actor() -> Actor:
    return actor_for(db.session, current_user)


def today() -> date:
    return now().astimezone(centre_tz()).date()


def day_arg(name: str = "date") -> date:
    """A YYYY-MM-DD query or form value; today when absent; 404 for nonsense rather than a 500."""
    raw = request.values.get(name, "")
    if not raw:
        return today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("日期格式应为 年-月-日"))
    if abs((day - today()).days) > MAX_DAYS_AWAY:
        abort(400, description=_("日期超出范围"))
    return day


def int_arg(name: str, required: bool = False) -> int | None:
    raw = request.values.get(name, "")
    if is_whole_number(raw):
        return int(raw)
    if required or raw:
        abort(400, description=_("缺少或无效的参数：%(name)s", name=name))
    return None


def local_instant(day: date, hhmm: str) -> datetime:
    try:
        moment = time.fromisoformat(hhmm)
    except ValueError:
        abort(400, description=_("时间格式应为 时:分"))
    return datetime.combine(day, moment, centre_tz())


def instant_arg(name: str) -> datetime:
    """An ISO local time such as 2026-12-01T09:30 from the query or form."""
    raw = request.values.get(name, "")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("时间格式不对"))
    if abs((parsed.date() - today()).days) > MAX_DAYS_AWAY:
        abort(400, description=_("日期超出范围"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=centre_tz())


def readable(err: DomainError) -> str:
    """The error's message in the reader's language, for a page or a flash."""
    return error_message(err.message, err.details)


def or_404(found):
    if found is None:
        raise NotFound()
    return found


def ctx_for(actor: Actor):
    return rule_context(actor)

