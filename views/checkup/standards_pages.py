"""Admins: the check-up's standards — each figure, whether it applies, and its source — and loading a file."""
import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import SEVERITIES, CheckupStandard, db
from services.checkup import standards
from services.core.database import begin_write
from services.core.errors import DomainError, Invalid, NotFound
from views.core.pages import readable
from views.core.roles import admin_required
from views.core.transactions import reads_first

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
@reads_first
@admin_required
def save(code: str):
    form = request.form
    try:
        value, source = _value(form.get("value")), (form.get("source") or "").strip()
        if not source or len(source) > 300:
            raise Invalid("source", _("请写明出处（300 字以内）"))
        severity = int(form.get("severity") or 7)
        begin_write(db.session)
        if not standards.in_force(db.session)[0].id:  # still the shipped defaults: store them first
            standards.load(db.session, [])
        row = db.session.query(CheckupStandard).filter_by(code=code).one_or_none()
        if row is None:
            raise NotFound()
        row.value, row.source, row.active = value, source, form.get("active") == "1"
        row.severity = severity if severity in SEVERITIES else row.severity
        db.session.commit()
    except (DomainError, ValueError) as err:
        db.session.rollback()
        flash(readable(err) if isinstance(err, DomainError) else _("严重程度只能是 0、1、4、7、10"), "error")
        return redirect(url_for("checkup_standards.index"))
    flash(_("已保存"), "ok")
    return redirect(url_for("checkup_standards.index"))


@bp.post("/standards")
@reads_first
@admin_required
def load_file():
    upload = request.files.get("file")
    text = upload.read(MAX_FILE + 1).decode("utf-8", errors="replace") if upload else ""
    try:
        if len(text) > MAX_FILE:
            raise Invalid("file", _("文件太大"))
        rows = standards.parse(text)
        begin_write(db.session)
        added, updated = standards.load(db.session, rows)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(readable(err), "error")
        return redirect(url_for("checkup_standards.index"))
    flash(_("已导入标准：新增 %(added)d 条，更新 %(updated)d 条", added=added, updated=updated), "ok")
    return redirect(url_for("checkup_standards.index"))
