"""API: the programme — list and place activities, cancel a session, take attendance."""
from flask import Blueprint, current_app, jsonify, request

from models import GROUPS, db
from services.activities import attendance, listing, programme, rescheduling, seats
from services.activities.programme import ActivityInput
from services.core.clock import parse_instant
from services.core.errors import Invalid
from services.routines.scheduler_settings import settings_from
from views.activities.api_json import activity_json, attendance_json, session_json
from views.api.fields import bool_field, centre_tz, instant_field, int_field, json_body, text_field
from views.api.output import current_actor, iso, now, rule_context

bp = Blueprint("api_activities", __name__, url_prefix="/api/v1")
MAX_SEATS = 500
MAX_AGE = 130


def _groups(data: dict) -> list[str]:
    value = data.get("groups", [])
    if not isinstance(value, list) or not all(isinstance(g, str) and g in GROUPS for g in value):
        raise Invalid("groups", f"groups 只能包含 {', '.join(GROUPS)}")
    return value


def _optional_age(data: dict, name: str) -> int | None:
    return int_field(data, name, required=False, low=0, high=MAX_AGE)


def parse_activity(data: dict) -> ActivityInput:
    return ActivityInput(
        title=text_field(data, "title", required=True, max_length=120), kind=text_field(data, "kind", required=True,
                                                                                         max_length=40),
        seats=int_field(data, "seats", high=MAX_SEATS), resource_id=int_field(data, "resource_id"),
        start=instant_field(data, "start"), end=instant_field(data, "end"),
        mode=text_field(data, "mode", max_length=10) or "session",
        title_en=text_field(data, "title_en", max_length=120), description=text_field(data, "description",
                                                                                       max_length=2000),
        description_en=text_field(data, "description_en", max_length=2000),
        operator=text_field(data, "operator", max_length=120), groups=_groups(data),
        min_age=_optional_age(data, "min_age"), max_age=_optional_age(data, "max_age"),
        guardian_present=bool_field(data, "guardian_present"),
        guardian_takes_seat=bool_field(data, "guardian_takes_seat"), sensitive=bool_field(data, "sensitive"),
        public=bool_field(data, "public", default=True),
        weekly_limit=int_field(data, "weekly_limit", required=False, high=50),
        registration_opens_at=instant_field(data, "registration_opens_at", required=False),
        registration_closes_at=instant_field(data, "registration_closes_at", required=False),
        rrule=text_field(data, "rrule", max_length=300), skip_conflicts=bool_field(data, "skip_conflicts"))


@bp.get("/activities")
def list_activities():
    actor = current_actor()
    args = request.args
    group = args.get("group") or None
    if group is not None and group not in GROUPS:
        raise Invalid("group", f"group 只能是 {', '.join(GROUPS)}", status=400)
    window = listing.Window(
        start=parse_instant(args["from"], "from", centre_tz()) if args.get("from") else None,
        end=parse_instant(args["to"], "to", centre_tz()) if args.get("to") else None,
        group=group, kind=(args.get("kind") or None))
    found, counts = listing.activities(db.session, actor, window)
    return jsonify([activity_json(a, rows, counts) for a, rows in found])


@bp.post("/activities")
def create_activity():
    actor = current_actor()
    data = parse_activity(json_body())
    placed = programme.create_activity(db.session, actor, data, rule_context(actor))
    activity = placed.sessions[0].activity
    answer = activity_json(activity, placed.sessions, {})
    answer["skipped"] = [{"start": iso(s["start"]), "code": s["code"], "message": s["message"]}
                         for s in placed.skipped]
    return jsonify(answer), 201


@bp.post("/activities/<int:activity_id>/sessions/<int:session_id>/cancel")
def cancel_session(activity_id: int, session_id: int):
    actor = current_actor()
    data = json_body()
    row = programme.cancel_session(db.session, actor, activity_id, session_id, text_field(data, "reason"), now(),
                                   settings_from(current_app.config))
    return jsonify(session_json(row, seats.taken_by_session(db.session, [row.activity_id])))


@bp.post("/activities/<int:activity_id>/sessions/<int:session_id>/move")
def move_session(activity_id: int, session_id: int):
    actor = current_actor()
    data = json_body()
    start, end = instant_field(data, "start"), instant_field(data, "end")
    resource_id = int_field(data, "resource_id", required=False)
    row = rescheduling.move_session(db.session, actor, activity_id, session_id, start, end, resource_id,
                                    rule_context(actor), settings_from(current_app.config))
    return jsonify(session_json(row, seats.taken_by_session(db.session, [row.activity_id])))


@bp.post("/sessions/<int:session_id>/attendance")
def take_attendance(session_id: int):
    actor = current_actor()
    data = json_body()
    resident_id = int_field(data, "resident_id")
    present = data.get("present")
    if not isinstance(present, bool):
        raise Invalid("present", "present 必须是 true 或 false")
    mark = attendance.record(db.session, actor, session_id, resident_id, present, now(),
                             settings_from(current_app.config))
    return jsonify(attendance_json(mark))
