"""Admins: the overview and centre settings, users and roles, and the audit log."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import ROLES, User, db
from services.accounts import accounts, signin
from services.core import audit
from services.core.centre import current_centre
from services.core.errors import DomainError
from views.core.pages import or_404, page_actor, readable
from views.core.roles import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
STAFF_ROLES = ("admin", "staff", "operator")




@bp.get("")
@admin_required
def index():
    return render_template("admin/index.html", centre=current_centre(db.session))


@bp.post("/centre")
@admin_required
def centre_post():
    centre = current_centre(db.session)
    centre.close_on_public_holidays = request.form.get("close_on_public_holidays") == "1"
    days = request.form.get("staff_window_days", "")
    if days.isdigit() and 1 <= int(days) <= 365:
        centre.staff_window_days = int(days)
    db.session.commit()
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
        signin.check_new_password(form.get("password", ""), form.get("password", ""))
        accounts.create_user(db.session, (form.get("username") or "").strip()[:80], form.get("password", ""), role,
                             organisation=(form.get("organisation") or "").strip()[:120] or None)
    except DomainError as err:
        db.session.rollback()
        flash(readable(err), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(_("已创建账号"), "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int):
    user = or_404(db.session.get(User, user_id))
    role = request.form.get("role", "")
    organisation = (request.form.get("organisation") or "").strip()[:120] or None
    if role not in STAFF_ROLES or user.role == "resident" or (role == "operator" and not organisation):
        flash(_("无法修改该账号的角色"), "error")
        return redirect(url_for("admin.users"))
    if user.id == page_actor().user_id and role != "admin":
        flash(_("不能取消自己的管理员身份"), "error")
        return redirect(url_for("admin.users"))
    user.role, user.organisation = role, organisation if role == "operator" else None
    signin.end_sessions(user)  # the old role's cookie must not keep working
    db.session.commit()
    flash(_("已修改角色，该账号需重新登录"), "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/sign-out")
@admin_required
def sign_out_user(user_id: int):
    signin.end_sessions(or_404(db.session.get(User, user_id)))
    db.session.commit()
    flash(_("该账号已在所有设备上退出"), "ok")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@admin_required
def audit_log():
    kind = request.args.get("type") if request.args.get("type") in ("booking", "resident") else None
    return render_template("admin/audit.html", rows=audit.recent(db.session, object_type=kind), kind=kind)
