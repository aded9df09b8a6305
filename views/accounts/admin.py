"""Admins: the overview and centre settings, users and roles, and the audit log."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import ROLES, User, db
from services.accounts import accounts, roles, signin
from services.accounts.roles import STAFF_ROLES
from services.backup import backups
from services.booking import holiday_calendar
from services.core import audit_log as audit_log_service
from services.core.centre import change_settings, current_centre
from services.core.clock import parse_day
from services.core.errors import DomainError, Invalid, InvalidState
from services.core.numbers import is_whole_number
from views.api.fields import centre_tz
from views.api.output import now
from views.core.pages import int_arg, page_actor, readable, today
from views.security.roles import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_TYPES = ("booking", "resident", "enrolment")


@bp.get("")
@admin_required
def index():
    centre = current_centre(db.session)
    # The booking window reaches into years whose holiday notice may not be out yet: say so.
    unpublished = holiday_calendar.unpublished_years(today(), centre.staff_window_days)
    return render_template("admin/index.html", centre=centre, unpublished_years=unpublished,
                           backup=backups.status(db.session, current_app.config.get("BACKUP_DIR")))


@bp.post("/centre")
@admin_required
def centre_post():
    days = request.form.get("staff_window_days", "")
    try:
        change_settings(db.session, page_actor(), request.form.get("close_on_public_holidays") == "1",
                        int(days) if is_whole_number(days) and len(days) < 6 else None)
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("admin.index"))
    flash(_("已保存"), "ok")
    return redirect(url_for("admin.index"))


@bp.get("/users")
@admin_required
def users():
    rows = list(db.session.scalars(select(User).order_by(User.role, User.username)))
    return render_template("admin/users.html", users=rows, roles=ROLES, staff_roles=STAFF_ROLES, error=None)


@bp.post("/users")
@admin_required
def users_post():
    form = request.form
    role = form.get("role", "")
    if role not in STAFF_ROLES:
        flash(_("居民账号请在前台通过激活码开通"), "error")
        return redirect(url_for("admin.users"))
    try:
        roles.create_staff_user(db.session, page_actor(), form.get("username") or "", form.get("password", ""),
                                role, form.get("organisation"))
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("admin.users"))
    flash(_("已创建账号"), "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int):
    try:
        roles.change_role(db.session, page_actor(), user_id, request.form.get("role", ""),
                          request.form.get("organisation"))
    except (Invalid, InvalidState) as err:
        flash(_("不能取消自己的管理员身份") if isinstance(err, InvalidState) else _("无法修改该账号的角色"), "error")
        return redirect(url_for("admin.users"))
    flash(_("已修改角色，该账号需重新登录"), "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/sign-out")
@admin_required
def sign_out_user(user_id: int):
    signin.sign_out_everywhere(db.session, user_id, now())
    flash(_("该账号已在所有设备上退出"), "ok")
    return redirect(url_for("admin.users"))


@bp.get("/tokens")
@admin_required
def tokens():
    rows = accounts.list_tokens(db.session)
    return render_template("admin/tokens.html", tokens=rows, state=lambda t: accounts.token_state(t, now()))


@bp.post("/tokens/<int:token_id>/revoke")
@admin_required
def revoke_token(token_id: int):
    try:
        accounts.revoke_token_by_id(db.session, token_id, now())
    except DomainError:
        abort(404)
    flash(_("该令牌已作废"), "ok")
    return redirect(url_for("admin.tokens"))


@bp.get("/audit")
@admin_required
def audit_log():
    """Names and links instead of ids, with date, actor and action filters, 50 entries a page."""
    kind = request.args.get("type") if request.args.get("type") in AUDIT_TYPES else None
    action = request.args.get("action") or None
    filters = audit_log_service.Filters(first_day=_optional_day("from"), last_day=_optional_day("until"),
                                        user_id=int_arg("actor"), action=action, object_type=kind)
    try:
        page = audit_log_service.read_log(db.session, page_actor(), filters, int_arg("page") or 1, centre_tz(), now())
    except Invalid as err:
        abort(400, description=readable(err))
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    others = {k: v for k, v in query.items() if k != "type"}  # the type buttons keep the other filters
    return render_template("admin/audit.html", page=page, kind=kind, filters=filters, query=query, others=others,
                           actors=audit_log_service.actors(db.session), actions=audit_log_service.ACTIONS)


def _optional_day(name: str):
    raw = request.args.get(name, "")
    try:
        return parse_day(raw, name) if raw else None
    except Invalid as err:
        abort(400, description=readable(err))
