"""The problem ledger (问题台账) for staff, and 居民提: residents raise a problem and see what became of it."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import PROBLEM_STATUSES, RESPONSIBLE_UNITS, SEVERITIES, Problem, db
from services.checkup import problems
from services.core.clock import parse_day
from services.core.errors import DomainError
from views.api.output import now
from views.checkup.problem_json import usernames
from views.core.pages import int_arg, page_actor, readable
from views.security.roles import resident_required, staff_required

bp = Blueprint("checkup_problems", __name__)
MAX_TITLE = 200


def _text(name: str, limit: int = 500) -> str | None:
    value = (request.form.get(name) or "").strip()
    return value[:limit] or None


@bp.get("/checkup/problems")
@staff_required
def ledger():
    rows = problems.ledger(db.session)
    proposed = [p for p in rows if p.status == "proposed"]
    names = usernames({e.user_id for p in rows for e in p.history if e.user_id})
    return render_template("checkup/problems.html", rows=[p for p in rows if p.status != "proposed"],
                           proposed=proposed, names=names, statuses=problems.PATCHABLE, units=RESPONSIBLE_UNITS,
                           severities=SEVERITIES, all_statuses=PROBLEM_STATUSES)


def _back(err: DomainError | None = None, message: str | None = None):
    if err is not None:
        flash(readable(err), "error")
    elif message:
        flash(message, "ok")
    return redirect(url_for("checkup_problems.ledger"))


@bp.post("/checkup/problems")
@staff_required
def create():
    title = _text("title", MAX_TITLE)
    if not title:
        flash(_("请填写问题"), "error")
        return _back()
    try:
        new = problems.NewProblem(title=title, severity=int_arg("severity") or 0, location=_text("location", 120),
                                  responsible=_text("responsible", 40), measure=_text("measure"),
                                  evidence=_text("evidence"))
        problems.create(db.session, page_actor(), new, now())
    except DomainError as err:
        return _back(err)
    return _back(message=_("已记入问题台账"))


@bp.post("/checkup/problems/<int:problem_id>")
@staff_required
def update(problem_id: int):
    try:
        due = request.form.get("due_on")
        change = problems.Change(status=_text("status", 20), note=_text("note"), responsible=_text("responsible", 40),
                                 due_on=parse_day(due, "due_on") if due else None, measure=_text("measure"))
        problems.update(db.session, page_actor(), problem_id, change, now())
    except DomainError as err:
        return _back(err)
    return _back(message=_("已更新"))


@bp.post("/checkup/problems/<int:problem_id>/review")
@staff_required
def review(problem_id: int):
    try:
        problems.review(db.session, page_actor(), problem_id, request.form.get("action", ""), now(),
                        answer=_text("answer"), into_id=int_arg("into"), severity=int_arg("severity"))
    except DomainError as err:
        return _back(err)
    return _back(message=_("已处理居民提出的问题"))


@bp.get("/my/problems")
@resident_required
def mine():
    rows = problems.raised_by(db.session, page_actor().user_id)
    merged_into = {p.id: db.session.get(Problem, p.merged_into_id) for p in rows if p.merged_into_id}
    return render_template("checkup/my_problems.html", rows=rows, merged_into=merged_into)


@bp.post("/my/problems")
@resident_required
def raise_problem():
    title = _text("title", MAX_TITLE)
    if not title:
        flash(_("请写下您发现的问题"), "error")
        return redirect(url_for("checkup_problems.mine"))
    problems.raise_by_resident(db.session, page_actor(), title, _text("location", 120), now())
    flash(_("已提交，工作人员会在议事日前答复您"), "ok")
    return redirect(url_for("checkup_problems.mine"))
