"""One check-up for one period: every dimension, computed from the records with explicit dates."""
from datetime import datetime

from sqlalchemy.orm import Session

from services.checkup import facilities, findings, outreach, population, reach, snapshots, standards, use
from services.checkup.period import Period
from services.checkup.privacy import show_count
from services.core.centre import current_centre

REPORT_GROUPS = ("all", *population.GROUPS)


def groups_share(people: list[population.Person], users: set[int]) -> dict[str, dict]:
    """Per group: residents, how many used any service in the period, and the share."""
    result = {}
    for group in REPORT_GROUPS:
        members = [p.id for p in people if group == "all" or group in p.groups]
        used = sum(1 for rid in members if rid in users)
        result[group] = {"residents": len(members), "users": used, "share": used / len(members) if members else None}
    return result


def elderly_by_building(pop: dict, people: list[population.Person], users: set[int]) -> list[dict]:
    """Which buildings' elderly came, which never did."""
    rows = []
    for b in pop["buildings"]:
        elderly = [p.id for p in people if p.building_id == b["building_id"] and "elderly" in p.groups]
        if elderly:
            came = sum(1 for rid in elderly if rid in users)
            rows.append({"building_id": b["building_id"], "name": b["name"], "elderly": len(elderly),
                         "elderly_users": came, "share": came / len(elderly)})
    return sorted(rows, key=lambda r: (r["share"], -r["elderly"], r["building_id"]))


def checkup(session: Session, period: Period, now: datetime, outreach_days: int = 14, outreach_age: int = 80,
            progress=lambda step: None) -> dict:
    """The raw check-up (exact counts): for staff inside the app; privacy.public() makes what leaves."""
    people = population.register(session, period.end)
    pop = population.population(session, people)
    progress(1)
    inventory = facilities.inventory(session, period.end)
    lines = facilities.lines(standards.in_force(session), inventory, pop["households"], pop["residents"])
    progress(1)
    previous = snapshots.before(session, period)
    circle = reach.reach(session, period, previous.indicators if previous else None)
    progress(1)
    facts = use.gather(session, period, now, current_centre(session))
    use_lines = [line.as_dict() for line in facts.lines]
    groups = groups_share(people, facts.users)
    buildings = elderly_by_building(pop, people, facts.users)
    progress(1)
    reached = outreach.outreach(session, people, period, now, outreach_days, outreach_age)
    result = {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "population": pop, "facilities": lines, "inventory": facilities.inventory_json(inventory),
        "reach": circle, "use": use_lines, "heatmap": use.heatmap(facts.intervals, period),
        "refusals": use.refusals_by_code(facts.lines), "groups": groups, "elderly_by_building": buildings,
        "outreach": reached, "previous": previous.period() if previous else None,
    }
    result["findings"] = generate_findings(result)
    progress(1)
    return result


def generate_findings(result: dict) -> list[dict]:
    found = (findings.facility_findings(result["facilities"])
             + findings.gap_findings(result["reach"]["gaps"], show_count)
             + findings.refusal_findings(result["use"], show_count)
             + findings.full_findings(result["use"], show_count)
             + findings.group_findings(result["groups"], show_count)
             + findings.never_came_findings(result["elderly_by_building"], show_count))
    return sorted(found, key=lambda f: (-f["severity"], f["key"]))
