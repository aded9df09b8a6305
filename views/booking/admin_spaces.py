"""Admins: spaces, their rules and opening hours, and closures (one space or the whole centre)."""
from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import GROUPS, Closure, Resource, db
from services.booking import closures as closures_service
from services.booking import space_settings
from services.booking.space_settings import BOUNDS, SPACE_KINDS, TEXTS, SpaceSettings
from services.core.errors import N_, Invalid
from services.core.numbers import is_whole_number
from views.api.output import now
from views.booking import closure_pages
from views.core.pages import day_arg, int_arg, local_instant, or_404, page_actor, readable, today
from views.security.roles import admin_required

bp = Blueprint("admin_spaces", __name__, url_prefix="/admin")
KIND_LABELS = {
    "elderly_care": _l("养老驿站（日间照料、休闲活动）"), "rehab": _l("康复理疗、康复训练"), "counselling": _l("心理咨询"),
    "picture_book_library": _l("绘本馆、阅览室"), "early_education": _l("儿童早教"), "nursery": _l("托育（0–3岁）"),
    "after_school": _l("四点半课堂（课后托管）"), "play_area": _l("亲子游乐区"), "shared_kitchen": _l("共享厨房"),
    "meal": _l("助餐点、老年食堂"), "health": _l("健康小屋"), "activity_room": _l("多功能活动室"),
    "meeting_room": _l("议事厅、会议室"), "fitness": _l("健身房"), "activity_ground": _l("室外活动场地"),
}


@bp.get("/spaces")
@admin_required
def spaces():
    return render_template("admin/spaces.html", spaces=list(db.session.scalars(select(Resource).order_by(Resource.id))))


def _number(form, name: str) -> int | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    if not is_whole_number(raw.removeprefix("-")):  # int() would also read "٣" as 3
        raise Invalid(name, N_("%(field)s 需要整数"))
    return int(raw)


def _hours(text: str, weekday: int) -> list[tuple[int, time, time]]:
    """"08:00-12:00, 13:30-17:00" → two periods on that weekday."""
    periods = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        try:
            opens, closes = (time.fromisoformat(t.strip()) for t in part.replace("–", "-").split("-"))
        except ValueError:
            raise Invalid(f"hours_{weekday}", N_("%(day)s的开放时间格式应为 08:00-12:00：%(part)s"), weekday=weekday,
                          part=part) from None
        periods.append((weekday, opens, closes))
    return periods


def _area(form) -> float | None:
    raw = (form.get("area_m2") or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Invalid("area_m2", _("面积需要数字（平方米）")) from None


def settings_from(form) -> SpaceSettings:
    """The form as settings; their ranges are the booking rules' to check."""
    return SpaceSettings(
        texts={name: form.get(name) or "" for name in TEXTS},
        numbers={name: _number(form, name) for name in BOUNDS},
        groups=[g for g in GROUPS if form.get(f"group_{g}") == "1"],
        flags={flag: form.get(flag) == "1" for flag in ("exclusive", "sensitive", "active")},
        operator=form.get("operator"),
        hours=[h for day in range(7) for h in _hours(form.get(f"hours_{day}", ""), day)],
        area_m2=_area(form))


def hours_text(space: Resource, weekday: int) -> str:
    return ", ".join(f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in space.hours if h.weekday == weekday)


def _kinds(space: Resource) -> list[tuple[str, str]]:
    """The known kinds with their names; a space's own older kind stays on the list so saving keeps it."""
    known = [(kind, str(KIND_LABELS[kind])) for kind in SPACE_KINDS]
    return known if not space.kind or space.kind in SPACE_KINDS else [(space.kind, space.kind), *known]


def _edit_page(space: Resource, form=None, error: str | None = None, status: int = 200, field: str | None = None):
    return render_template("admin/space.html", space=space, form=form, error=error, groups=GROUPS,
                           hours={d: hours_text(space, d) for d in range(7)}, kinds=_kinds(space),
                           error_field=field), status


@bp.get("/spaces/new")
@admin_required
def new_space():
    return _edit_page(space_settings.new_space())


@bp.get("/spaces/<int:resource_id>")
@admin_required
def edit_space(resource_id: int):
    return _edit_page(or_404(db.session.get(Resource, resource_id)))


@bp.post("/spaces/new", endpoint="new_space_post")
@bp.post("/spaces/<int:resource_id>")
@admin_required
def save_space(resource_id: int | None = None):
    space = or_404(db.session.get(Resource, resource_id)) if resource_id else None
    try:
        space_settings.save_space(db.session, page_actor(), resource_id, settings_from(request.form))
    except Invalid as err:
        return _edit_page(space or Resource(groups=[], group_window_days={}), request.form, readable(err), 422,
                          err.details.get("field"))
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
    # One space unless the whole centre is chosen on purpose ("centre"), so nobody closes everything by accident.
    resource_id = None if request.form.get("resource_id") == "centre" else int_arg("resource_id", required=True)
    resource = or_404(db.session.get(Resource, resource_id)) if resource_id else None
    start = local_instant(day_arg("start_date"), request.form.get("start", ""))
    end = local_instant(day_arg("end_date"), request.form.get("end", ""))
    actor = page_actor()
    hit = closure_pages.needs_confirming(resource, start, end)
    if hit is not None:  # say who it hits before it is saved
        upcoming = db.session.scalars(select(Closure).where(Closure.ends_at > now()).order_by(Closure.starts_at))
        return closure_pages.preview("admin/closures.html", actor, hit, closures=list(upcoming), error=None,
                                     spaces=list(db.session.scalars(select(Resource).order_by(Resource.id))),
                                     today=today())
    try:
        _closure, cancelled = closure_pages.save(actor, resource, start, end, request.form.get("reason"))
    except Invalid:
        flash(_("请填写原因，且结束时间须晚于开始时间"), "error")
        return redirect(url_for("admin_spaces.closures"))
    flash(_("已添加闭馆时段") + (_("，已取消 %(n)d 个预约并通知居民", n=len(cancelled)) if cancelled else ""), "ok")
    return redirect(url_for("admin_spaces.closures"))


@bp.post("/closures/<int:closure_id>/delete")
@admin_required
def delete_closure(closure_id: int):
    closures_service.remove_closure(db.session, page_actor(), closure_id)
    flash(_("已删除闭馆时段"), "ok")
    return redirect(url_for("admin_spaces.closures"))
