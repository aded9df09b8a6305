"""What the report page, the PDF and the workbook share: the period asked for, the tables and charts."""
from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from models import db
from services.checkup.period import Period
from services.checkup.report import charts, report
from views.api.output import now
from views.checkup.api_checkup import outreach_options, period_args
from views.checkup.labels import checkup_label, weekday_names
from views.checkup.report_tables import _name, tables
from views.core.pages import page_actor


def build_report(progress=lambda step: None) -> tuple[Period, report.Report]:
    period = period_args()
    return period, report.build(db.session, page_actor(), period, now(), progress=progress, **outreach_options())


def _charts(public: dict) -> dict[str, Markup]:
    use = [(_name(x), x["utilisation"], f"{x['utilisation'] * 100:.1f}%" if x["utilisation"] is not None else "—")
           for x in public["use"] if x["line"] == "space" and x["seat_hours_offered"]]
    groups = [(checkup_label(g), r["share"] if isinstance(r["share"], float) else None,
               f"{r['share'] * 100:.1f}%" if isinstance(r["share"], float) else str(r["share"] or "—"))
              for g, r in public["groups"].items()]
    elderly = public["reach"]["coverage"]["elderly"]
    reach = [(checkup_label(t), elderly[t], "—" if elderly[t] is None else f"{elderly[t] * 100:.0f}%")
             for t in ("elderly_care", "meal", "health", "park", "supermarket", "pharmacy", "bus_stop")]
    return {
        "use": Markup(charts.bars(use, _("各空间使用率"), maximum=1.0)),
        "heatmap": Markup(charts.heatmap(public["heatmap"], weekday_names(), _("高峰时段热力图"))),
        "groups": Markup(charts.bars(groups, _("各人群使用过服务的比例"), maximum=1.0)),
        "coverage": Markup(charts.bars(reach, _("老年人步行可达各类服务的比例"), maximum=1.0)),
    }


def render_report(template: str, period: Period, built: report.Report, **extra) -> str:
    return render_template(template, period=period, public=built.public, tables=tables(built.public, built.trend,
                                                                                       built.ledger),
                           charts=_charts(built.public), **extra)
