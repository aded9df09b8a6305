"""The check-up report (体检报告) for staff: the page, its PDF and workbook, saving it, and the audited drill-down.

The report is the public one (it leaves the centre): counts under 5 read "<5" and no names appear.
Staff may open the names behind one building's figure; each name shown is an audit entry.
"""
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import db
from services.checkup import drilldown
from services.checkup.report import report
from services.checkup.report.pdf import pdf_bytes
from services.checkup.report.workbook import workbook
from views.api.output import now
from views.checkup.api_checkup import outreach_options, period_args
from views.checkup.report_tables import tables
from views.checkup.report_view import build_report, render_report
from views.core.pages import int_arg, page_actor
from views.security.roles import staff_required

bp = Blueprint("checkup", __name__, url_prefix="/checkup")


def _filename(period, suffix: str) -> str:
    return f"checkup-{period.start.isoformat()}-{period.end.isoformat()}.{suffix}"


@bp.get("")
@staff_required
def report_page():
    period, built = build_report()
    return render_report("checkup/report.html", period, built)


@bp.get("/report.pdf")
@staff_required
def report_pdf():
    period, built = build_report()
    css = Path(current_app.static_folder, "checkup.css").read_text(encoding="utf-8")
    html = render_report("checkup/report_print.html", period, built, inline_css=css)
    return Response(pdf_bytes(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={_filename(period, 'pdf')}"})


@bp.get("/report.xlsx")
@staff_required
def report_xlsx():
    period, built = build_report()
    data = workbook(tables(built.public, built.trend, built.ledger), _("社区体检报告"))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={_filename(period, 'xlsx')}"})


@bp.post("/save")
@staff_required
def save():
    period = period_args()
    added = report.save(db.session, page_actor(), period, now(), **outreach_options())[1]
    flash(_("本次体检已保存，新增 %(count)d 条问题进入台账", count=added), "ok")
    return redirect(url_for("checkup.report_page", **{"from": period.start.isoformat(), "to": period.end.isoformat()}))


@bp.get("/names")
@staff_required
def names():
    """Staff only, inside the centre: the elderly of one building who did not come in the period."""
    period = period_args()
    building_id = int_arg("building_id", required=True)
    found = drilldown.elderly_who_never_came(db.session, page_actor(), period, building_id, now())
    return render_template("checkup/names.html", period=period, found=found, back=request.args)
