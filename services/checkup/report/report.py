"""The check-up as it leaves the centre: public figures, the trend, the problem ledger; and saving it."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from models import Problem
from services.checkup import compute, privacy, problems, snapshots
from services.checkup.period import Period
from services.core.access import Actor, require_staff
from services.core.storage.transaction import write_transaction


@dataclass
class Report:
    raw: dict  # exact counts: staff inside the app only
    public: dict  # what may leave: counts under 5 hidden
    trend: list[dict]
    ledger: list[Problem]


def build(session: Session, actor: Actor, period: Period, now: datetime, progress=lambda step: None,
          **options) -> Report:
    """Staff and admins only: operators and residents get 403 (per-building counts of vulnerable people)."""
    require_staff(actor)
    raw = compute.checkup(session, period, now, progress=progress, **options)
    public = privacy.public(raw)
    previous = snapshots.before(session, period)
    trend = snapshots.trend(snapshots.indicators(public), previous.indicators if previous else None)
    keyed = {p.key: p for p in problems.ledger(session) if p.key}
    for finding in public["findings"]:
        known = keyed.get(finding["key"])
        finding["id"], finding["status"] = (known.id, known.status) if known else (None, None)
    return Report(raw, public, trend, problems.ledger(session))


def save(session: Session, actor: Actor, period: Period, now: datetime, **options) -> tuple[int, int]:
    """Keep this check-up for the trend and put its findings in the ledger: (snapshot id, new problems)."""
    require_staff(actor)
    public = privacy.public(compute.checkup(session, period, now, **options))
    flat = snapshots.indicators(public)
    with write_transaction(session):
        row = snapshots.save(session, period, flat, actor.user_id, now)
        added = problems.sync_generated(session, public["findings"], actor.user_id, now)
    return row.id, added
