"""15分钟可达: the service circle on the period's last day (services/circle), against the previous check-up."""
from sqlalchemy.orm import Session

from services.checkup.period import Period
from services.circle import circle_store

PRIORITY_GROUPS = ("elderly", "child", "special")


def reach(session: Session, period: Period, previous: dict | None) -> dict:
    """Coverage by group and type, the gaps, and each share's change since `previous` (a saved check-up's)."""
    circle = circle_store.circle_on(session, period.end)
    gaps = [{k: gap[k] for k in ("building_id", "building_name", "service_type", "minutes", "target_minutes",
                                 "shortfall_minutes", "residents", "priority_residents")} for gap in circle.gaps]
    before = (previous or {}).get("coverage")
    return {"date": period.end.isoformat(), "coverage": circle.coverage, "gaps": gaps, "affected": circle.affected,
            "used_network": circle.used_network, "previous_coverage": before,
            "change": _change(circle.coverage, before) if before else None}


def _change(now: dict, before: dict) -> dict:
    return {group: {t: (None if share is None or before.get(group, {}).get(t) is None
                        else round(share - before[group][t], 4))
                    for t, share in types.items()}
            for group, types in now.items()}
