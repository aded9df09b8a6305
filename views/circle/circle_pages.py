"""Pages of the 15-minute service circle: map and coverage, gaps, outreach, trend, and their CSV exports.

For staff and admins only, like the API (see views/circle/api_circle.py for why operators are left out).
"""

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import SERVICE_TYPES, ServicePoint, db
from services.circle import circle_store, circle_usage, circle_use_cases, gap_groups
from services.circle.circle import REPORT_GROUPS
from services.core.clock import parse_day
from services.core.spreadsheet import csv_text
from views.api.fields import centre_tz
from views.api.output import now
from views.circle.circle_map import map_figure
from views.core.formatting import long_date
from views.core.pages import page_actor
from views.security.roles import staff_required

bp = Blueprint("circle", __name__, url_prefix="/circle")
MAX_GAPS_SHOWN = 300

TYPE_LABELS = {
    "elderly_care": _l("养老服务"), "meal": _l("助餐"), "health": _l("卫生服务"),
    "nursery": _l("托育"), "kindergarten": _l("幼儿园"),
    "primary_school": _l("小学"), "supermarket": _l("超市"), "pharmacy": _l("药店"),
    "park": _l("公园"), "community_service": _l("社区服务"), "bus_stop": _l("公交站"),
}
GROUP_LABELS = {"elderly": _l("老年人"), "child": _l("儿童"), "special": _l("特殊群体"),
                "all": _l("全体居民")}


def about_minutes(minutes: float | None) -> str:
    """A walk as staff say it: "约 28 分钟" (to the whole minute), "不到 1 分钟", or "无法到达"."""
    if minutes is None:
        return _("无法到达")
    whole = int(minutes + 0.5)
    return _("不到 1 分钟") if whole < 1 else _("约 %(n)d 分钟", n=whole)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(circle_type_label=TYPE_LABELS.get, circle_group_label=GROUP_LABELS.get,
                                 about_minutes=about_minutes)


def _day():
    raw = request.args.get("date")
    return parse_day(raw, "date") if raw else now().astimezone(centre_tz()).date()


def _choice(name: str, allowed, default: str) -> str:
    value = request.args.get(name) or default
    if value not in allowed:
        abort(400, description=_("%(name)s 无效：%(value)s", name=name, value=value))
    return value


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def csv_response(filename: str, header: list[str], rows) -> Response:
    """UTF-8 with a byte-order mark and formulas neutralised (services/core/spreadsheet.py)."""
    return Response(csv_text(header, rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Content-Type": "text/csv; charset=utf-8"})


@bp.get("/")
@staff_required
def overview():
    day = _day()
    group = _choice("group", REPORT_GROUPS, "elderly")
    service_type = _choice("type", SERVICE_TYPES, "elderly_care")
    result = circle_store.circle_on(db.session, day)
    return render_template("circle/overview.html", day=day, group=group, service_type=service_type,
                           result=result, figure=map_figure(result, group, service_type), percent=_percent,
                           groups=REPORT_GROUPS, types=SERVICE_TYPES)


@bp.get("/coverage.csv")
@staff_required
def coverage_csv():
    result = circle_store.circle_on(db.session, _day())
    rows = [[g, *("" if result.coverage[g][t] is None else round(result.coverage[g][t], 4) for t in SERVICE_TYPES)]
            for g in REPORT_GROUPS]
    return csv_response(f"coverage-{result.day}.csv", ["group", *SERVICE_TYPES], rows)


@bp.get("/gaps")
@staff_required
def gaps():
    day = _day()
    service_type = request.args.get("type") or ""
    if service_type and service_type not in SERVICE_TYPES:
        abort(400, description=_("type 无效"))
    by = _choice("by", gap_groups.BY, "building")
    result = circle_store.circle_on(db.session, day)
    rows = [g for g in result.gaps if not service_type or g["service_type"] == service_type]
    return render_template("circle/gaps.html", day=day, rows=rows[:MAX_GAPS_SHOWN], total=len(rows),
                           groups=gap_groups.grouped(rows[:MAX_GAPS_SHOWN], by), by=by, result=result,
                           service_type=service_type, types=SERVICE_TYPES)


@bp.get("/gaps.csv")
@staff_required
def gaps_csv():
    result = circle_store.circle_on(db.session, _day())
    rows = [[g["building_id"], g["building_name"], g["service_type"], g["minutes"], g["target_minutes"],
             g["shortfall_minutes"], *(g["residents"][k] for k in REPORT_GROUPS)] for g in result.gaps]
    return csv_response(f"gaps-{result.day}.csv", ["building_id", "building", "service_type", "minutes",
                        "target_minutes", "shortfall_minutes", *REPORT_GROUPS], rows)


def _use_rows():
    result = circle_store.circle_on(db.session, _day())
    return result, circle_usage.building_use(db.session, result, now())


@bp.get("/outreach")
@staff_required
def outreach():
    result, rows = _use_rows()
    never, outside = circle_usage.outreach_lists(rows)
    return render_template("circle/outreach.html", day=result.day, rows=rows, never=never, outside=outside,
                           percent=_percent, window=circle_usage.WINDOW_DAYS)


@bp.get("/outreach.csv")
@staff_required
def outreach_csv():
    result, rows = _use_rows()
    return csv_response(f"outreach-{result.day}.csv", ["building_id", "building", "elderly", "elderly_users_30d",
                        "share", "inside_circle", "minutes_to_elderly_care"],
                        [[r.building_id, r.name, r.elderly, r.elderly_users, "" if r.share is None else
                          round(r.share, 4), int(r.inside), "" if r.minutes is None else round(r.minutes, 2)]
                         for r in rows])


@bp.get("/trend")
@staff_required
def trend():
    group = _choice("group", REPORT_GROUPS, "elderly")
    service_type = _choice("type", SERVICE_TYPES, "elderly_care")
    snaps = circle_store.snapshots(db.session)
    openings = sorted((p for p in db.session.query(ServicePoint) if p.opens_on), key=lambda p: p.opens_on)
    return render_template("circle/trend.html", snaps=snaps, openings=openings, group=group,
                           service_type=service_type, chart=_trend_chart(snaps, group, service_type),
                           percent=_percent, groups=REPORT_GROUPS, types=SERVICE_TYPES, today=_day())


def _trend_chart(snaps, group: str, service_type: str) -> dict:
    """A polyline of one group's share for one type, dates spaced evenly."""
    width, height, pad = 720, 260, 40
    values = [(s.day, (s.coverage.get(group) or {}).get(service_type)) for s in snaps]
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    dots = [{"x": round(pad + i * step, 1), "y": round(height - pad - (v or 0) * (height - 2 * pad), 1),
             "day": d, "value": v} for i, (d, v) in enumerate(values)]
    return {"width": width, "height": height, "pad": pad, "dots": dots,
            "line": " ".join(f"{d['x']},{d['y']}" for d in dots if d["value"] is not None)}


@bp.post("/snapshots")
@staff_required
def save_snapshot():
    day = parse_day(request.form.get("date") or now().astimezone(centre_tz()).date().isoformat(), "date")
    circle_use_cases.keep_snapshot(db.session, page_actor(), day, now())
    flash(_("已保存 %(day)s 的快照", day=long_date(day)), "ok")
    return redirect(url_for("circle.trend"))


@bp.get("/trend.csv")
@staff_required
def trend_csv():
    snaps = circle_store.snapshots(db.session)
    header = ["date", "open_points", "gaps", "affected", *(f"{g}.{t}" for g in REPORT_GROUPS for t in SERVICE_TYPES)]
    rows = [[s.day.isoformat(), s.open_points, s.gap_count, s.affected,
             *("" if (s.coverage.get(g) or {}).get(t) is None else round(s.coverage[g][t], 4)
               for g in REPORT_GROUPS for t in SERVICE_TYPES)] for s in snaps]
    return csv_response("trend.csv", header, rows)
