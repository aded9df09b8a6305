"""API of the community check-up: GET /checkup, the problem ledger (POST /problems, PATCH /problems/{id}).

Staff and admins only; operators and residents get 403. The answer is the public check-up: counts
under 5 for a building, space or group read "<5", and `suppressed` says whether any did.
"""
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request

from models import db
from services.checkup import problems
from services.checkup.period import period
from services.checkup.report import report
from services.core import access
from services.core.clock import parse_day
from services.core.errors import Invalid
from views.api.fields import centre_tz, day_field, int_field, json_body, text_field
from views.api.output import current_actor, now
from views.checkup.problem_json import problem_json, usernames
from views.checkup.report_tables import IN_LEDGER

bp = Blueprint("api_checkup", __name__, url_prefix="/api/v1")
CONTRACT_KEYS = ("period", "population", "facilities", "reach", "use", "groups", "outreach", "problems", "suppressed")


def period_args():
    """?from=&to= (local dates, inclusive); by default the twelve months up to yesterday."""
    today = now().astimezone(centre_tz()).date()
    end = parse_day(request.args["to"], "to") if request.args.get("to") else today - timedelta(days=1)
    start = parse_day(request.args["from"], "from") if request.args.get("from") else end - timedelta(days=364)
    return period(start, end, centre_tz())


def outreach_options() -> dict:
    config = current_app.config
    return {"outreach_days": int(config.get("OUTREACH_DAYS", 14)), "outreach_age": int(config.get("OUTREACH_AGE", 80))}


def checkup_json(built: report.Report) -> dict:
    public = built.public
    answer = {key: public[key] for key in CONTRACT_KEYS if key in public}
    answer["reach"] = {k: public["reach"][k] for k in ("date", "coverage", "gaps", "affected", "change")}
    answer["problems"] = public["findings"]
    # Like the report, the answer holds accepted problems only: a resident's own words reach it through staff.
    accepted = [p for p in built.ledger if p.status in IN_LEDGER]
    names = usernames({e.user_id for p in accepted for e in p.history if e.user_id})
    answer.update(heatmap=public["heatmap"], refusals=public["refusals"], inventory=public["inventory"],
                  elderly_by_building=public["elderly_by_building"], previous=public["previous"], trend=built.trend,
                  ledger=[problem_json(p, names) for p in accepted])
    return answer


@bp.get("/checkup")
def get_checkup():
    actor = current_actor()
    access.require_staff(actor)
    built = report.build(db.session, actor, period_args(), now(), **outreach_options())
    return jsonify(checkup_json(built))


def _new_problem(data: dict) -> problems.NewProblem:
    return problems.NewProblem(
        title=text_field(data, "title", required=True, max_length=200),
        severity=int_field(data, "severity", low=0, high=10),
        indicator=text_field(data, "indicator", max_length=60), location=text_field(data, "location", max_length=120),
        responsible=text_field(data, "responsible", max_length=40), due_on=day_field(data, "due_on", required=False),
        evidence=text_field(data, "evidence"), measure=text_field(data, "measure"))


def _answer(problem, status: int = 200):
    return jsonify(problem_json(problem)), status


@bp.post("/problems")
def create_problem():
    actor = current_actor()
    access.require_staff(actor)
    made = problems.create(db.session, actor, _new_problem(json_body()), now())
    return _answer(made, 201)


@bp.patch("/problems/<int:problem_id>")
def update_problem(problem_id: int):
    actor = current_actor()
    access.require_staff(actor)
    data = json_body()
    status = data.get("status")
    if status is not None and status not in problems.PATCHABLE:
        raise Invalid("status", "status 只能是 open、in_progress、done、verified / status must be open, in_progress, "
                                "done or verified")
    change = problems.Change(status=status, note=text_field(data, "note"),
                             responsible=text_field(data, "responsible", max_length=40),
                             due_on=day_field(data, "due_on", required=False),
                             measure=text_field(data, "measure"))
    return _answer(problems.update(db.session, actor, problem_id, change, now()))


@bp.get("/problems")
def list_problems():
    actor = current_actor()
    access.require_staff(actor)
    ledger = problems.ledger(db.session)
    names = usernames({e.user_id for p in ledger for e in p.history if e.user_id})
    return jsonify([problem_json(p, names) for p in ledger])
