"""Admins: spaces, their rules and opening hours, and closures (one space or the whole centre)."""
from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import GROUPS, Closure, OpeningHours, Resource, db
from services.booking.closures import close as close_space
from services.core.errors import N_, Invalid
from views.core.api_common import now
from views.core.pages import day_arg, int_arg, local_instant, or_404, page_actor, readable, today
from views.core.roles import admin_required

bp = Blueprint("admin_spaces", __name__, url_prefix="/admin")
# field, low, high: the rules an admin may set, with sane bounds.
NUMBERS = (("capacity", 1, 500), ("floor", -5, 50), ("slot_minutes", 10, 480), ("buffer_minutes", 0, 120),
           ("min_duration_minutes", 5, 480), ("max_duration_minutes", 10, 1440), ("min_notice_minutes", 0, 10080),
           ("window_days", 1, 365))
TEXTS = (("name", 120), ("name_en", 120), ("kind", 40))


@bp.get("/spaces")
@admin_required
def spaces():
    return render_template("admin/spaces.html", spaces=list(db.session.scalars(select(Resource).order_by(Resource.id))))


def _number(form, name: str, low: int, high: int, required: bool = True) -> int | None:
    raw = (form.get(name) or "").strip()
    if not raw and not required:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(name, N_("%(field)s 需要整数")) from None
    if not low <= value <= high:
        raise Invalid(name, N_("%(field)s 应在 %(low)s–%(high)s 之间"), low=low, high=high)
    return value


def _hours(text: str, weekday: int) -> list[OpeningHours]:
    """"08:00-12:00, 13:30-17:00" → two periods on that weekday."""
    periods = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        try:
            opens, closes = (time.fromisoformat(t.strip()) for t in part.replace("–", "-").split("-"))
        except ValueError:
            raise Invalid("hours", N_("开放时间格式应为 08:00-12:00：%(part)s"), part=part) from None
        if closes <= opens:
            raise Invalid("hours", N_("结束须晚于开始：%(part)s"), part=part)
        periods.append(OpeningHours(weekday=weekday, opens=opens, closes=closes))
    return periods


def apply_form(space: Resource, form) -> None:
    for name, limit in TEXTS:
        value = (form.get(name) or "").strip()
        if not value or len(value) > limit:
            raise Invalid(name, N_("请填写 %(field)s"))
        setattr(space, name, value)
    for name, low, high in NUMBERS:
        setattr(space, name, _number(form, name, low, high, required=name != "floor"))
    space.weekly_quota = _number(form, "weekly_quota", 1, 50, required=False)
    special = _number(form, "special_window_days", 1, 365, required=False)
    space.group_window_days = {"special": special} if special else {}
    space.groups = [g for g in GROUPS if form.get(f"group_{g}") == "1"]
    for flag in ("exclusive", "sensitive", "active"):
        setattr(space, flag, form.get(flag) == "1")
    space.operator = (form.get("operator") or "").strip()[:120] or None
    space.hours = [h for day in range(7) for h in _hours(form.get(f"hours_{day}", ""), day)]


def hours_text(space: Resource, weekday: int) -> str:
    return ", ".join(f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in space.hours if h.weekday == weekday)


def _edit_page(space: Resource, form=None, error: str | None = None, status: int = 200):
    return render_template("admin/space.html", space=space, form=form, error=error, groups=GROUPS,
                           hours={d: hours_text(space, d) for d in range(7)}), status


@bp.get("/spaces/new")
@admin_required
def new_space():
    return _edit_page(Resource(capacity=1, slot_minutes=60, buffer_minutes=0, min_duration_minutes=30,
                               max_duration_minutes=240, min_notice_minutes=60, window_days=14, groups=[],
                               group_window_days={}, active=True, exclusive=False, sensitive=False))


@bp.get("/spaces/<int:resource_id>")
@admin_required
def edit_space(resource_id: int):
    return _edit_page(or_404(db.session.get(Resource, resource_id)))


@bp.post("/spaces/new", endpoint="new_space_post")
@bp.post("/spaces/<int:resource_id>")
@admin_required
def save_space(resource_id: int | None = None):
    space = or_404(db.session.get(Resource, resource_id)) if resource_id else Resource()
    try:
        apply_form(space, request.form)
    except Invalid as err:
        db.session.rollback()
        return _edit_page(space if resource_id else Resource(groups=[], group_window_days={}), request.form,
                          readable(err), 422)
    db.session.add(space)
    db.session.commit()
    flash(_("已保存"), "ok")
    return redirect(url_for("admin_spaces.spaces"))


@bp.get("/closures")
@admin_required
def closures():
    upcoming = db.session.scalars(select(Closure).where(Closure.ends_at > now()).order_by(Closure.starts_at))
    spaces = list(db.session.scalars(select(Resource).order_by(Resource.id)))
    return render_template("admin/closures.html", closures=list(upcoming), spaces=spaces, error=None, today=today())


@bp.post("/closures")
@admin_required
def closures_post():
    resource_id = int_arg("resource_id")
    if resource_id:
        or_404(db.session.get(Resource, resource_id))
    start = local_instant(day_arg("start_date"), request.form.get("start", ""))
    end = local_instant(day_arg("end_date"), request.form.get("end", ""))
    resource = db.session.get(Resource, resource_id) if resource_id else None
    try:
        close_space(db.session, page_actor(), resource, start, end, request.form.get("reason"))
    except Invalid:
        flash(_("请填写原因，且结束时间须晚于开始时间"), "error")
        return redirect(url_for("admin_spaces.closures"))
    db.session.commit()
    flash(_("已添加闭馆时段"), "ok")
    return redirect(url_for("admin_spaces.closures"))


@bp.post("/closures/<int:closure_id>/delete")
@admin_required
def delete_closure(closure_id: int):
    db.session.delete(or_404(db.session.get(Closure, closure_id)))
    db.session.commit()
    flash(_("已删除闭馆时段"), "ok")
    return redirect(url_for("admin_spaces.closures"))
