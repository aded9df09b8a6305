"""Admins: the check-up's standards — each figure, whether it applies, and its source — and loading a file."""
import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import SEVERITIES, db
from services.checkup import standards
from services.core.errors import DomainError, Invalid
from views.core.pages import page_actor, readable
from views.security.roles import admin_required

bp = Blueprint("checkup_standards", __name__, url_prefix="/admin/checkup")
MAX_FILE = 200_000


@bp.get("/standards")
@admin_required
def index():
    return render_template("checkup/standards.html", rows=standards.in_force(db.session), severities=SEVERITIES)


def _value(raw: str | None) -> float:
    try:
        value = float(raw or "")
    except ValueError:
        raise Invalid("value", _("标准值需要数字")) from None
    if not math.isfinite(value) or value < 0:
        raise Invalid("value", _("标准值需要非负数"))
    return value


@bp.post("/standards/<code>")
@admin_required
def save(code: str):
    form = request.form
    try:
        standards.change(db.session, page_actor(), code, _value(form.get("value")), form.get("source") or "",
                         form.get("active") == "1", _severity(form.get("severity")))
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("checkup_standards.index"))
    flash(_("已保存"), "ok")
    return redirect(url_for("checkup_standards.index"))


def _severity(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise Invalid("severity", _("严重程度只能是 0、1、4、7、10")) from None


@bp.post("/standards")
@admin_required
def load_file():
    upload = request.files.get("file")
    text = upload.read(MAX_FILE + 1).decode("utf-8", errors="replace") if upload else ""
    try:
        if len(text) > MAX_FILE:
            raise Invalid("file", _("文件太大"))
        added, updated = standards.load_file(db.session, page_actor(), text)
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("checkup_standards.index"))
    flash(_("已导入标准：新增 %(added)d 条，更新 %(updated)d 条", added=added, updated=updated), "ok")
    return redirect(url_for("checkup_standards.index"))
