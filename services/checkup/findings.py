"""Problems generated from failing indicators (问题清单), each with a stable key, evidence and severity.

Severity follows the published problem records' 0/1/4/7/10 scale. Evidence is written with the
counts already as they may leave the centre (`show`), so a finding never carries a count under 5.
"""
from collections.abc import Callable

# Which groups a missing service type matters to; types not listed raise no finding.
RELEVANT_GROUPS = {"elderly_care": ("elderly", "special"), "meal": ("elderly", "special"),
                   "health": ("elderly", "child", "special"), "nursery": ("child",),
                   "kindergarten": ("child",), "primary_school": ("child",)}
LOW_SHARE = 0.10  # a group of which fewer than one in ten used any service "hardly comes"
MIN_BASE = 5  # too few members or attempts to draw a conclusion from
FINDING_GROUPS = ("elderly", "aged_80", "child", "special", "disability", "lives_alone")
# Problem records are the centre's own (Chinese) text, as a committee reads them.
GROUP_NAMES = {"elderly": "老年人", "aged_80": "80岁以上老人", "child": "儿童", "special": "特殊关爱人群",
               "disability": "残疾人", "lives_alone": "独居居民"}
TYPE_NAMES = {"elderly_care": "养老服务", "meal": "助餐", "health": "卫生服务", "nursery": "托育",
              "kindergarten": "幼儿园", "primary_school": "小学"}


def _severity(affected: int) -> int:
    return 7 if affected >= 50 else 4 if affected >= 10 else 1


def facility_findings(facilities: list[dict]) -> list[dict]:
    return [{
        "key": f"facility:{line['type']}", "code": "facility_below_standard", "indicator": line["type"],
        "title": f"{line['name']}未达标", "severity": line["severity"], "location": "中心及周边服务点",
        "evidence": (f"现有 {line['amount'] if line['amount'] is not None else '—'} {line['unit']}，"
                     f"标准 ≥ {line['standard']:g} {line['unit']}（{line['source']}）"
                     if line["exists"] else f"没有此类设施（标准 ≥ {line['standard']:g} {line['unit']}）"),
    } for line in facilities if line["meets"] is False]


def gap_findings(gaps: list[dict], show: Callable[[int], str]) -> list[dict]:
    by_type: dict[str, list[dict]] = {}
    for gap in gaps:
        if gap["service_type"] in RELEVANT_GROUPS:
            by_type.setdefault(gap["service_type"], []).append(gap)
    found = []
    for service_type, rows in by_type.items():
        groups = RELEVANT_GROUPS[service_type]
        affected = sum(row["residents"].get(g, 0) for row in rows for g in groups)
        if not affected:
            continue
        places = [row["building_name"] for row in rows if any(row["residents"].get(g, 0) for g in groups)]
        found.append({
            "key": f"circle_gap:{service_type}", "code": "circle_gap", "indicator": f"reach.{service_type}",
            "title": f"{'、'.join(places[:3])}{'等' if len(places) > 3 else ''}步行可达{TYPE_NAMES[service_type]}不足",
            "severity": _severity(affected), "location": "、".join(places)[:120],
            "evidence": f"{len(places)} 栋楼的{'、'.join(GROUP_NAMES[g] for g in groups)}共 {show(affected)} 人次在目标时间内走不到",
        })
    return found


def refusal_findings(use: list[dict], show: Callable[[int], str]) -> list[dict]:
    return [{
        "key": f"refused:{line['resource_id']}", "code": "refused_more_than_served",
        "indicator": f"use.{line['resource_id']}.refused", "title": f"{line['name']}拒绝多于接待",
        "severity": 7 if line["refused"] >= 2 * max(line["held"], 1) else 4, "location": line["name"],
        "evidence": f"被规则拒绝 {show(line['refused'])} 次，接待 {show(line['held'])} 次",
    } for line in use if line["line"] == "space" and line["refused"] >= MIN_BASE and line["refused"] > line["held"]]


# Seat-hours booked of those offered: "always full". Not 100 %: opening hours rarely divide into whole
# slots, and a late cancellation leaves a seat nobody can take at short notice.
FULL = 0.75


def full_findings(use: list[dict], show: Callable[[int], str]) -> list[dict]:
    """A space or an activity booked to the brim with people still turned away: demand the centre does not meet."""
    found = []
    for line in use:
        unmet = line["unserved_waitlist"] + line["refusals"].get("capacity", 0)
        if line["utilisation"] is not None and line["utilisation"] >= FULL and unmet >= MIN_BASE:
            found.append({
                "key": f"full:{line['line']}:{line['resource_id'] or line['activity_id']}", "code": "always_full",
                "indicator": f"use.{line['resource_id']}.utilisation" if line["line"] == "space"
                else f"use.activity.{line['activity_id']}.utilisation", "title": f"{line['name']}供不应求",
                "severity": 4, "location": line["name"],
                "evidence": f"使用率 {line['utilisation']:.0%}，仍有 {show(unmet)} 人次候补未轮到或因满员被拒"})
    return found


def group_findings(groups: dict[str, dict], show: Callable[[int], str]) -> list[dict]:
    found = []
    for group in FINDING_GROUPS:
        row = groups.get(group)
        if not row or row["residents"] < MIN_BASE or row["share"] is None or row["share"] >= LOW_SHARE:
            continue
        found.append({
            "key": f"group:{group}", "code": "group_hardly_comes", "indicator": f"groups.{group}.share",
            "title": f"{GROUP_NAMES[group]}很少来中心", "severity": 4, "location": "全社区",
            "evidence": f"{show(row['residents'])} 人中本期有 {show(row['users'])} 人使用过服务（{row['share']:.0%}）",
        })
    return found


def never_came_findings(buildings: list[dict], show: Callable[[int], str]) -> list[dict]:
    """The buildings whose elderly never came, together: one building's few elderly would point at people."""
    never = [b for b in buildings if b["elderly"] and b["elderly_users"] == 0]
    elderly = sum(b["elderly"] for b in never)
    if elderly < MIN_BASE:
        return []
    names = "、".join(b["name"] for b in never)
    return [{"key": "never_came:buildings", "code": "elderly_never_came", "indicator": "elderly_by_building.users",
             "title": f"{len(never)} 栋楼的老人本期没有来过", "severity": 7 if elderly >= 20 else 4,
             "location": names[:120], "evidence": f"{names}：共 {show(elderly)} 位老人，本期无人签到"}]
