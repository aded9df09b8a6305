"""Operators: the schedule of the spaces their organisation runs, and blocking time for their own staff."""
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import Closure, Resource, db
from services.booking import closures as closures_service
from services.booking import dayboard, use_cases
from services.core.errors import Invalid, NotFound
from views.api.output import now
from views.booking import closure_pages
from views.core.pages import ctx_for, day_arg, int_arg, local_instant, page_actor, today
from views.security.roles import operator_required

bp = Blueprint("operator", __name__, url_prefix="/operator")
UPCOMING_CLOSURES = 50


def _our_spaces() -> list[Resource]:
    actor = page_actor()
    stmt = dayboard.spaces_query().where(Resource.operator == actor.organisation)
    return list(db.session.scalars(stmt)) if actor.organisation else []


@bp.get("")
@operator_required
def schedule():
    day = day_arg()
    actor = page_actor()
    days = use_cases.read_space_days(db.session, actor, _our_spaces(), ctx_for(actor), day)
    return render_template("operator/schedule.html", day=day, days=days, today=today(),
                           prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1))


def _upcoming(spaces: list[Resource]) -> list[Closure]:
    ids = [s.id for s in spaces]
    return list(db.session.scalars(select(Closure).where(Closure.resource_id.in_(ids), Closure.ends_at > now())
                                   .order_by(Closure.starts_at).limit(UPCOMING_CLOSURES)))


@bp.get("/closures")
@operator_required
def closures():
    spaces = _our_spaces()
    return render_template("operator/closures.html", spaces=spaces, closures=_upcoming(spaces), error=None,
                           form=request.args, today=today())


@bp.post("/closures")
@operator_required
def closures_post():
    spaces = _our_spaces()
    space = next((s for s in spaces if s.id == int_arg("resource_id", required=True)), None)
    if space is None:
        raise NotFound()  # not a space this organisation runs
    day = day_arg()
    start, end = local_instant(day, request.values.get("start", "")), local_instant(day, request.values.get("end", ""))
    error = _("该时段已过") if start < end < now() else None
    hit = closure_pages.needs_confirming(space, start, end) if error is None and start < end else None
    if hit is not None:  # how many it hits, before saving; an operator is not shown who
        return closure_pages.preview("operator/closures.html", page_actor(), hit, spaces=spaces,
                                     closures=_upcoming(spaces), error=None, form=request.form, today=today())
    cancelled = []
    if error is None:
        try:
            _closure, cancelled = closure_pages.save(page_actor(), space, start, end, request.values.get("reason"))
        except Invalid as err:
            error = {"end": _("结束时间必须晚于开始时间"), "reason": _("请填写原因，如：员工培训")}[err.details["field"]]
    if error:
        return render_template("operator/closures.html", spaces=spaces, closures=_upcoming(spaces), error=error,
                               form=request.form, today=today()), 422
    flash(_("已占用该时段，居民无法预约") + (_("，已取消 %(n)d 个预约并通知居民", n=len(cancelled)) if cancelled else ""),
          "ok")
    return redirect(url_for("operator.closures"))


@bp.post("/closures/<int:closure_id>/delete")
@operator_required
def delete_closure(closure_id: int):
    closures_service.remove_closure(db.session, page_actor(), closure_id)
    flash(_("已取消占用"), "ok")
    return redirect(url_for("operator.closures"))

