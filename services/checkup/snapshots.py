"""Saved check-ups and the trend: every indicator of this check-up against the one before."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckupSnapshot
from services.checkup.period import Period


class Previous:
    def __init__(self, row: CheckupSnapshot):
        self.row, self.indicators = row, row.indicators

    def period(self) -> dict:
        return {"from": self.row.period_from.isoformat(), "to": self.row.period_to.isoformat()}


def before(session: Session, period: Period) -> Previous | None:
    """The latest saved check-up that ended before this period ends (not this period's own)."""
    row = session.scalar(select(CheckupSnapshot).where(
        CheckupSnapshot.period_to < period.end).order_by(CheckupSnapshot.period_to.desc()).limit(1))
    return Previous(row) if row else None


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def indicators(public: dict) -> dict:
    """The public check-up flattened to {indicator: number}; hidden values are left out."""
    flat: dict[str, float] = {"population.residents": public["population"]["residents"],
                              "population.households": public["population"]["households"]}
    for group, share in public["population"]["shares"].items():
        flat[f"population.share.{group}"] = share
    for line in public["facilities"]:
        flat[f"facility.{line['type']}"] = line["amount"]
    for group, types in public["reach"]["coverage"].items():
        for service_type, share in types.items():
            flat[f"reach.{group}.{service_type}"] = share
    for line in public["use"]:
        key = f"use.{line['line']}.{line['resource_id'] if line['line'] == 'space' else line['activity_id']}"
        flat[f"{key}.utilisation"] = line["utilisation"]
        flat[f"{key}.no_show_rate"] = line["no_show_rate"]
    for group, row in public["groups"].items():
        flat[f"groups.{group}.share"] = row["share"]
    flat["outreach.contacted"] = public["outreach"]["contacted"]
    flat["outreach.then_used"] = public["outreach"]["then_used"]
    # reach.coverage is kept whole as well, so the next check-up's reach can show each share's change.
    return {**{k: v for k, v in flat.items() if _number(v)}, "coverage": public["reach"]["coverage"]}


def trend(current: dict, previous: dict | None) -> list[dict]:
    """[{indicator, now, before, change}] for every numeric indicator of this check-up."""
    before_values = previous or {}
    rows = []
    for key, value in current.items():
        if key == "coverage":
            continue
        old = before_values.get(key)
        rows.append({"indicator": key, "now": value, "before": old,
                     "change": round(value - old, 4) if _number(old) else None})
    return rows


def save(session: Session, period: Period, flat: dict, user_id: int | None, now: datetime) -> CheckupSnapshot:
    """Keep this check-up; saving the same period again replaces it. The caller ends the transaction."""
    row = session.scalar(select(CheckupSnapshot).where(
        CheckupSnapshot.period_from == period.start, CheckupSnapshot.period_to == period.end))
    if row is None:
        row = CheckupSnapshot(period_from=period.start, period_to=period.end)
        session.add(row)
    row.indicators, row.computed_at, row.created_by_id = flat, now, user_id
    session.flush()
    return row


def history(session: Session) -> list[CheckupSnapshot]:
    return list(session.scalars(select(CheckupSnapshot).order_by(CheckupSnapshot.period_to)))
