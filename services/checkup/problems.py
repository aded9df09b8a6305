"""The problem ledger (问题台账) and its rectification (整改): staff's, residents' and generated problems.

Status: open → in_progress → done → verified (复核销号); done may go back to in_progress when the
check finds it not fixed. A resident's problem starts `proposed`; staff accept it (open), merge
it into another or answer it. Every change is a ProblemEvent: who, when, from, to, what changed.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import RESPONSIBLE_UNITS, SEVERITIES, Problem, ProblemEvent
from services.core import errors
from services.core.access import Actor, require_staff
from services.core.storage.transaction import write_transaction

NEXT = {"proposed": {"open", "merged", "answered"}, "open": {"in_progress", "done"},
        "in_progress": {"done", "open"}, "done": {"verified", "in_progress"},
        "verified": set(), "merged": set(), "answered": set()}
PATCHABLE = ("open", "in_progress", "done", "verified")


@dataclass(frozen=True)
class NewProblem:
    title: str
    severity: int
    indicator: str | None = None
    location: str | None = None
    responsible: str | None = None
    due_on: date | None = None
    evidence: str | None = None
    measure: str | None = None


@dataclass(frozen=True)
class Change:
    status: str | None = None
    note: str | None = None
    responsible: str | None = None
    due_on: date | None = None
    measure: str | None = None


def check_new(new: NewProblem) -> None:
    if new.severity not in SEVERITIES:
        raise errors.Invalid("severity", "severity 只能是 0、1、4、7、10 / severity must be 0, 1, 4, 7 or 10")
    _check_unit(new.responsible)


def _check_unit(unit: str | None) -> None:
    if unit is not None and unit not in RESPONSIBLE_UNITS:
        raise errors.Invalid("responsible", f"responsible 只能是 {'、'.join(RESPONSIBLE_UNITS)} / responsible must be "
                                            "one of those units")


def _event(problem: Problem, user_id: int | None, now: datetime, to_status: str, note: str | None = None,
           changes: dict | None = None, from_status: str | None = None) -> None:
    problem.history.append(ProblemEvent(at=now, user_id=user_id, from_status=from_status, to_status=to_status,
                                        note=note, changes=changes or {}))
    problem.updated_at = now


def create(session: Session, actor: Actor, new: NewProblem, now: datetime, source: str = "staff") -> Problem:
    require_staff(actor)
    check_new(new)
    with write_transaction(session):
        problem = Problem(title=new.title, severity=new.severity, indicator=new.indicator, location=new.location,
                          responsible=new.responsible, due_on=new.due_on, evidence=new.evidence,
                          measure=new.measure, source=source, status="open", created_at=now)
        session.add(problem)
        _event(problem, actor.user_id, now, "open")
        session.flush()
    return problem


def visible(session: Session, actor: Actor, problem_id: int) -> Problem:
    problem = session.get(Problem, problem_id)
    if problem is None or not (actor.is_staff or (problem.raised_by_id and problem.raised_by_id == actor.user_id)):
        raise errors.NotFound()
    return problem


def _changes(problem: Problem, change: Change) -> dict:
    found = {}
    for name in ("responsible", "due_on", "measure"):
        value = getattr(change, name)
        if value is not None and value != getattr(problem, name):
            found[name] = value.isoformat() if isinstance(value, date) else value
            setattr(problem, name, value)
    return found


def update(session: Session, actor: Actor, problem_id: int, change: Change, now: datetime) -> Problem:
    """Move a problem along its rectification or change who fixes it by when; recorded in its history."""
    require_staff(actor)
    _check_unit(change.responsible)
    if change.status is not None and change.status not in PATCHABLE:
        raise errors.Invalid("status", "status 只能是 open、in_progress、done、verified / status must be one of those")
    with write_transaction(session):
        problem = session.get(Problem, problem_id, with_for_update=True)
        if problem is None:
            raise errors.NotFound()
        before = problem.status
        target = change.status or before
        if target != before and target not in NEXT[before]:
            raise errors.InvalidState(f"问题状态为 {before}，不能改为 {target} / a {before} problem cannot become {target}")
        changes = _changes(problem, change)
        problem.status = target
        _event(problem, actor.user_id, now, target, change.note, changes, before)
    return problem


def raise_by_resident(session: Session, actor: Actor, title: str, location: str | None, now: datetime) -> Problem:
    """居民提: a resident's problem waits for staff as `proposed`; only its author and staff see it."""
    if actor.role != "resident":
        raise errors.Forbidden()
    with write_transaction(session):
        problem = Problem(title=title, location=location, severity=1, source="resident", status="proposed",
                          raised_by_id=actor.user_id, created_at=now)
        session.add(problem)
        _event(problem, actor.user_id, now, "proposed")
        session.flush()
    return problem


def review(session: Session, actor: Actor, problem_id: int, action: str, now: datetime, answer: str | None = None,
           into_id: int | None = None, severity: int | None = None) -> Problem:
    """Staff accept a resident's problem into the ledger, merge it into another, or answer it."""
    require_staff(actor)
    if action not in ("accept", "merge", "answer"):
        raise errors.Invalid("action", "action 只能是 accept、merge、answer / action must be accept, merge or answer")
    if action == "answer" and not answer:
        raise errors.Invalid("answer", "请填写答复 / an answer is required")
    if action == "merge" and (into_id is None or into_id == problem_id):
        raise errors.Invalid("into", "请选择要合并到的问题 / choose the problem to merge into")
    if severity is not None and severity not in SEVERITIES:
        raise errors.Invalid("severity", "severity 只能是 0、1、4、7、10 / severity must be 0, 1, 4, 7 or 10")
    with write_transaction(session):
        problem = session.get(Problem, problem_id, with_for_update=True)
        if problem is None:
            raise errors.NotFound()
        if problem.status != "proposed":
            raise errors.InvalidState("这条问题已处理过 / this problem has already been reviewed")
        if action == "merge" and session.get(Problem, into_id) is None:
            raise errors.NotFound("找不到要合并到的问题 / no such problem to merge into", field="into")
        target = {"accept": "open", "merge": "merged", "answer": "answered"}[action]
        problem.answer = answer or problem.answer
        problem.merged_into_id = into_id if action == "merge" else None
        problem.severity = severity if severity is not None else problem.severity
        problem.status = target
        _event(problem, actor.user_id, now, target, answer, {"merged_into": into_id} if into_id else {}, "proposed")
    return problem


def sync_generated(session: Session, found: list[dict], user_id: int | None, now: datetime) -> int:
    """Put the check-up's findings in the ledger once each (by key); later check-ups refresh the evidence.

    The caller ends the transaction. Returns how many were new.
    """
    existing = {p.key: p for p in session.scalars(select(Problem).where(Problem.key.in_([f["key"] for f in found])))}
    added = 0
    for finding in found:
        problem = existing.get(finding["key"])
        if problem is None:
            problem = Problem(key=finding["key"], title=finding["title"][:200], indicator=finding["indicator"],
                              evidence=finding["evidence"][:500], location=finding["location"],
                              severity=finding["severity"], source="generated", status="open", created_at=now)
            session.add(problem)
            _event(problem, user_id, now, "open", "体检发现 / found by the check-up")
            added += 1
        else:
            problem.evidence, problem.severity = finding["evidence"][:500], finding["severity"]
    session.flush()
    return added


def ledger(session: Session) -> list[Problem]:
    """Every problem but the merged ones, most severe and oldest first."""
    return list(session.scalars(select(Problem).where(Problem.status != "merged")
                                .order_by(Problem.severity.desc(), Problem.created_at, Problem.id)))


def raised_by(session: Session, user_id: int) -> list[Problem]:
    return list(session.scalars(select(Problem).where(Problem.raised_by_id == user_id)
                                .order_by(Problem.created_at.desc(), Problem.id.desc())))
