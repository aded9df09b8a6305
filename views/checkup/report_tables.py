"""The report's tables, in committee order: one list feeds the page, the PDF and the workbook alike.

Everything here comes from the public check-up (counts under 5 already read "<5"); the ledger shows
accepted problems only, without who raised them: a resident's words reach the report through staff.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from models import Problem
from views.checkup.labels import checkup_label as label
from views.checkup.labels import punct, weekday_names
from views.core.i18n import current_lang


def _name(row: dict) -> str:
    """A space's name in the reader's language (service points have one name only)."""
    return row.get("name_en") or row["name"] if current_lang() == "en" else row["name"]

REACH_TYPES = ("elderly_care", "meal", "health", "nursery", "kindergarten", "primary_school", "park")
IN_LEDGER = ("open", "in_progress", "done", "verified")


@dataclass
class Table:
    key: str  # the sheet's name in the workbook
    section: str
    title: str
    headers: list[str]
    rows: list[list]
    on_page: bool = True  # False: the workbook only (the page shows the same figures as a chart)


def share(value) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else f"{value * 100:.1f}%"


def number(value) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else f"{value:g}"


def yes_no(value) -> str:
    return "—" if value is None else _("是") if value else _("否")


def _overview(p: dict, findings: list[dict]) -> Table:
    facilities = p["facilities"]
    met = sum(1 for f in facilities if f["meets"])
    spaces = [x for x in p["use"] if x["line"] == "space"]  # an activity's places lie within its space's seats
    offered = sum(x["seat_hours_offered"] for x in spaces)
    booked = sum(x["seat_hours_booked"] for x in spaces)
    rows = [[_("体检期"), f"{p['period']['from']} – {p['period']['to']}"],
            [_("登记居民"), number(p["population"]["residents"])], [_("户数"), number(p["population"]["households"])],
            [_("老年人占比"), share(p["population"]["shares"]["elderly"])],
            [_("设施达标"), f"{met} / {len(facilities)}"],
            [_("空间总体使用率（已约座时 ÷ 可约座时）"), share(booked / offered if offered else None)],
            [_("本期使用过服务的居民占比"), share(p["groups"]["all"]["share"])],
            [_("发现问题（严重程度 7 及以上）"), f"{len(findings)}{punct('（')}{sum(1 for f in findings if f['severity'] >= 7)}{punct('）')}"],
            [_("上次体检"), f"{p['previous']['from']} – {p['previous']['to']}" if p["previous"] else "—"]]
    return Table("overview", _("一、概览"), _("概览"), [_("项目"), _("数值")], rows)


def _people(p: dict) -> list[Table]:
    pop = p["population"]
    groups = [[label(g), number(n), share(pop["shares"][g])] for g, n in pop["groups"].items()]
    buildings = [[b["name"], number(b["households"]), number(b["residents"]), number(b["elderly"]),
                  number(b["aged_80"]), number(b["child"]), number(b["special"])] for b in pop["buildings"]]
    section = _("二、指标 · 人口画像")
    return [Table("population", section, _("人口结构"), [_("人群"), _("人数"), _("占比")], groups),
            Table("buildings", section, _("分楼栋人口"), [_("楼栋"), _("户数"), _("居民"), _("老年人"), _("80岁及以上"),
                                                      _("儿童"), _("特殊关爱")], buildings)]


def _facilities(p: dict) -> list[Table]:
    section = _("二、指标 · 设施达标")
    lines = [[f["name"], yes_no(f["exists"]), number(f["area_m2"]), number(f["amount"]),
              f"≥ {f['standard']:g} {f['unit']}", yes_no(f["meets"]),
              ", ".join(f["facilities_en"]) if current_lang() == "en" else "、".join(f["facilities"])]
             for f in p["facilities"]]
    inventory = [[_name(f), label(f["source"]), ", ".join(label(k) for k in f["type"].split(",")),
                  number(f["area_m2"])] for f in p["inventory"]]
    return [Table("facilities", section, _("设施对照标准"), [_("指标"), _("有无"), _("面积（㎡）"), _("现状"), _("标准"),
                                                        _("达标"), _("计入的设施")], lines),
            Table("inventory", section, _("设施清单"), [_("设施"), _("来源"), _("类型"), _("面积（㎡）")], inventory)]


def _reach(p: dict) -> list[Table]:
    section = _("二、指标 · 15分钟可达")
    coverage, change = p["reach"]["coverage"], p["reach"]["change"] or {}
    rows = [[label(g), *(share(coverage[g][t]) + (f"{punct('（')}{change[g][t] * 100:+.0f}{punct('）')}" if change.get(g, {}).get(t) else "")
                         for t in REACH_TYPES)] for g in ("all", "elderly", "child", "special")]
    gaps = [[g["building_name"], label(g["service_type"]), number(g["minutes"]), number(g["target_minutes"]),
             number(g["residents"]["elderly"]), number(g["residents"]["child"]), number(g["residents"]["special"])]
            for g in p["reach"]["gaps"]]
    return [Table("coverage", section, _("覆盖率（括号内为较上次体检的百分点变化）"), [_("人群"), *map(label, REACH_TYPES)],
                  rows),
            Table("gaps", section, _("可达缺口"), [_("楼栋"), _("服务"), _("步行分钟"), _("目标分钟"), _("老年人"),
                                               _("儿童"), _("特殊关爱")], gaps)]


def _use(p: dict) -> list[Table]:
    section = _("二、指标 · 服务供需")
    lines = [[_name(x), label(x["kind"]),
              number(x["seat_hours_offered"]), number(x["seat_hours_booked"]), number(x["seat_hours_attended"]),
              share(x["utilisation"]), share(x["no_show_rate"]), share(x["late_cancel_rate"]),
              number(x["unserved_waitlist"]), number(x["refused"])] for x in p["use"] if x["line"] == "space"]
    activities = [[_name(x), label(x["kind"]), number(x["sessions"]), number(x["seats_offered"]),
                   number(x["seats_enrolled"]), number(x["seats_attended"]), share(x["utilisation"]),
                   share(x["absence_rate"]), number(x["unserved_waitlist"])] for x in p["use"] if x["line"] == "activity"]
    refusals = [[label(code), number(n)] for code, n in p["refusals"].items()]
    heat = [[day, *(number(v) for v in row)] for day, row in zip(weekday_names(), p["heatmap"], strict=True)]
    return [Table("use", section, _("各空间供需"), [_("空间"), _("类型"), _("可约座时"), _("已约座时"), _("到场座时"),
                                                _("使用率"), _("爽约率"), _("临时取消率"), _("未获满足的候补"),
                                                _("被拒次数")], lines),
            Table("activities", section, _("各活动供需"), [_("活动"), _("类别"), _("场次"), _("提供名额"), _("报名"),
                                                      _("到场"), _("报名率"), _("缺席率"), _("候补未获名额")],
                  activities),
            Table("refusals", section, _("被拒预约（按原因）"), [_("原因"), _("次数")], refusals),
            Table("heatmap", section, _("高峰时段（已约座时，星期 × 小时）"), [_("星期"), *(f"{h}:00" for h in range(24))],
                  heat, on_page=False)]


def _groups(p: dict) -> list[Table]:
    section = _("二、指标 · 群体使用")
    rows = [[label(g), number(r["residents"]), number(r["users"]), share(r["share"])] for g, r in p["groups"].items()]
    buildings = [[b["name"], number(b["elderly"]), number(b["elderly_users"]), share(b["share"])]
                 for b in p["elderly_by_building"]]
    out = p["outreach"]
    outreach = [[_("名单上的居民"), number(out["on_list"])], [_("已联系"), number(out["contacted"])],
                [_("联系上"), number(out["reached"])],
                *([_("方式：") + label(m), number(n)] for m, n in out["by_method"].items()),
                [_("联系后来中心使用服务"), number(out["then_used"])]]
    return [Table("groups", section, _("各人群使用过服务的比例"), [_("人群"), _("居民"), _("使用过"), _("占比")], rows),
            Table("elderly_buildings", section, _("各楼栋老人到访"), [_("楼栋"), _("老年人"), _("来过"), _("占比")],
                  buildings),
            Table("outreach", _("二、指标 · 一人不落下"), _("一人不落下"), [_("项目"), _("人数")], outreach)]


def _findings(findings: list[dict]) -> Table:
    rows = [[f["severity"], f["title"], f["evidence"], f["location"], label(f["status"]) if f["status"] else _("未入台账")]
            for f in findings]
    return Table("findings", _("三、发现的问题"), _("发现的问题"), [_("严重程度"), _("问题"), _("依据"), _("位置"),
                                                          _("台账状态")], rows)


def _ledger(ledger: list[Problem]) -> Table:
    rows = [[p.id, p.title, label(p.source), p.severity, p.measure or "—", label(p.responsible) or "—",
             p.due_on.isoformat() if p.due_on else "—", label(p.status), p.updated_at.date().isoformat()]
            for p in ledger if p.status in IN_LEDGER]
    return Table("ledger", _("四、问题与整改清单"), _("问题与整改清单"), [_("编号"), _("问题"), _("来源"), _("严重程度"),
                                                               _("整改措施"), _("责任单位"), _("期限"), _("状态"),
                                                               _("最近更新")], rows)


def indicator_name(key: str, p: dict) -> str:
    """"use.space.3.utilisation" → "服务供需 · 绘本馆 · 使用率": each part in words where it has some."""
    words = {"population": _("人口"), "facility": _("设施"), "reach": _("可达"), "use": _("服务供需"),
             "groups": _("群体使用"), "outreach": _("一人不落下"), "share": _("占比"), "residents": _("居民"),
             "households": _("户数"), "utilisation": _("使用率"), "no_show_rate": _("爽约率"),
             "contacted": _("已联系"), "then_used": _("联系后来中心使用服务")}
    if key.startswith("use.activity."):  # "use.activity.5.utilisation": the activity's name, not space 5's
        activities = {str(x["activity_id"]): _name(x) for x in p["use"] if x["line"] == "activity"}
        _use, _line, activity_id, *rest = key.split(".")
        return " · ".join([words["use"], activities.get(activity_id, activity_id),
                           *(words.get(r) or label(r) for r in rest)])
    spaces = {str(x["resource_id"]): _name(x) for x in p["use"] if x["line"] == "space"}
    standards = {f["type"]: f["name"] for f in p["facilities"]}
    parts = [part for part in key.split(".") if part != "space"]
    return " · ".join(spaces.get(part) or standards.get(part) or words.get(part) or label(part) for part in parts)


def _appendix(p: dict, trend: list[dict]) -> list[Table]:
    section = _("五、附录")
    changes = [[indicator_name(t["indicator"], p), number(t["now"]), number(t["before"]), number(t["change"])]
               for t in trend if t["before"] is not None]
    sources = [[f["name"], f"≥ {f['standard']:g} {f['unit']}", f["source"]] for f in p["facilities"]]
    return [Table("trend", section, _("指标变化（与上次体检相比）"), [_("指标"), _("本次"), _("上次"), _("变化")], changes),
            Table("standards", section, _("标准及出处"), [_("指标"), _("标准"), _("出处")], sources)]


def tables(public: dict, trend: list[dict], ledger: list[Problem]) -> list[Table]:
    findings = public["findings"]
    return [_overview(public, findings), *_people(public), *_facilities(public), *_reach(public), *_use(public),
            *_groups(public), _findings(findings), _ledger(ledger), *_appendix(public, trend)]
