"""The JSON shape of a problem and its history, shared by the API and the pages' downloads."""
from sqlalchemy import select

from models import Problem, User, db
from views.api.output import iso


def usernames(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def problem_json(p: Problem, names: dict[int, str] | None = None) -> dict:
    names = names if names is not None else usernames({e.user_id for e in p.history if e.user_id})
    return {
        "id": p.id, "title": p.title, "indicator": p.indicator, "evidence": p.evidence, "location": p.location,
        "severity": p.severity, "source": p.source, "status": p.status, "measure": p.measure,
        "responsible": p.responsible, "due_on": p.due_on.isoformat() if p.due_on else None, "answer": p.answer,
        "merged_into_id": p.merged_into_id, "created_at": iso(p.created_at), "updated_at": iso(p.updated_at),
        "history": [{"at": iso(e.at), "by": names.get(e.user_id), "from_status": e.from_status,
                     "to_status": e.to_status, "note": e.note, "changes": e.changes} for e in p.history],
    }
