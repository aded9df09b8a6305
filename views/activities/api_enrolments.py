"""API: enrolments — enrol oneself or a ward, list, leave, answer an offered seat."""
from flask import Blueprint, current_app, jsonify

from models import db
from services.activities import enrolment, listing
from services.activities.enrolment import EnrolInput
from services.core import audit
from services.routines.scheduler_settings import settings_from
from views.activities.api_json import enrolment_json
from views.api.fields import bool_field, int_field, json_body, query_int
from views.api.output import current_actor, now

bp = Blueprint("api_enrolments", __name__, url_prefix="/api/v1")


@bp.post("/enrolments")
def create_enrolment():
    actor = current_actor()
    data = json_body()
    parsed = EnrolInput(resident_id=int_field(data, "resident_id"),
                        session_id=int_field(data, "session_id", required=False),
                        activity_id=int_field(data, "activity_id", required=False),
                        waitlist=bool_field(data, "waitlist"))
    made = enrolment.enrol(db.session, actor, parsed, now(), settings_from(current_app.config))
    return jsonify(enrolment_json(made)), 201


@bp.get("/enrolments")
def list_enrolments():
    actor = current_actor()
    rows = listing.enrolments(db.session, actor, resident_id=query_int("resident_id"),
                              session_id=query_int("session_id"), activity_id=query_int("activity_id"))
    answer = [enrolment_json(r) for r in rows]
    # Who read a counselling group's list (PIPL art. 51).
    audit.reads_recorded(db.session, actor.user_id, [("enrolment", r.id) for r in rows if r.activity.sensitive], now())
    return jsonify(answer)


def _answer(change, enrolment_id: int):
    actor = current_actor()
    row = change(db.session, actor, enrolment_id, now(), settings_from(current_app.config))
    return jsonify(enrolment_json(row))


@bp.post("/enrolments/<int:enrolment_id>/cancel")
def cancel_enrolment(enrolment_id: int):
    return _answer(enrolment.cancel, enrolment_id)


@bp.post("/enrolments/<int:enrolment_id>/accept")
def accept_offer(enrolment_id: int):
    return _answer(enrolment.accept, enrolment_id)


@bp.post("/enrolments/<int:enrolment_id>/decline")
def decline_offer(enrolment_id: int):
    return _answer(enrolment.decline, enrolment_id)
