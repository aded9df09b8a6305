"""API: spaces, their availability, residents and closures."""
from flask import Blueprint, current_app, jsonify, request

from models import db
from services.accounts import residents
from services.booking import answers, availability, closures, space_settings
from services.core import access
from services.core.clock import parse_day
from services.core.errors import N_, Invalid, NotFound
from views.api.fields import bool_field, centre_tz, day_field, instant_field, int_field, json_body, text_field
from views.api.output import current_actor, iso, now, resident_json, resource_json, rule_context
from views.booking import closure_pages

bp = Blueprint("api_people", __name__, url_prefix="/api/v1")


@bp.get("/resources")
def list_resources():
    current_actor()
    spaces = space_settings.active_spaces(db.session, resource_json)
    kind, group = request.args.get("kind"), request.args.get("group")
    return jsonify([r for r in spaces if (not kind or r["kind"] == kind)
                    and (not group or not r["groups"] or group in r["groups"])])


@bp.get("/resources/<int:resource_id>/availability")
def resource_availability(resource_id: int):
    actor = current_actor()
    asking = _asking_for(actor)
    ctx = rule_context(actor)  # one clock reading: the answer is kept under the minute it was worked out at
    day = parse_day(request.args["date"], "date") if request.args.get("date") else ctx.now.astimezone(ctx.tz).date()
    key = availability_key(resource_id, day, actor.is_staff, asking.id if asking else None)
    body = answers.reused(db.session, key, ctx.now, lambda: _availability_body(ctx, resource_id, day, asking))
    return current_app.response_class(body, mimetype="application/json")


def availability_key(resource_id: int, day, by_staff: bool, asking_id: int | None) -> tuple:
    """What an availability answer depends on besides the counters and the minute (availability_http reads it too)."""
    return "availability", resource_id, day, by_staff, asking_id


def _availability_body(ctx, resource_id: int, day, asking) -> tuple[bytes, bool]:
    resource = space_settings.space_with_hours(db.session, resource_id)
    if resource is None or not resource.active:
        raise NotFound(N_("找不到该空间"))
    slots = availability.day_slots(db.session, resource, day, ctx, asking)
    body = current_app.json.dumps({"resource_id": resource.id, "date": day.isoformat(), "slots": [
        {"start": iso(s.start), "end": iso(s.end), "remaining": s.remaining, "status": s.status} for s in slots]},
        separators=(",", ":"))  # as jsonify writes it
    return body.encode() + b"\n", availability.minute_stable(slots)


def _asking_for(actor):
    """The resident availability answers for: ?resident_id= (someone the caller may book for) or the caller."""
    wanted = request.args.get("resident_id")
    if not wanted:
        return residents.find(db.session, actor.resident_id) if actor.resident_id else None
    found = None
    if wanted.isdigit() and len(wanted) < 12 and access.may_see_resident(actor, int(wanted)):
        found = residents.find(db.session, int(wanted))
    if found is None:
        raise NotFound(N_("找不到该居民"), field="resident_id")
    return found


@bp.get("/residents")
def list_residents():
    actor = current_actor()
    access.require_staff(actor)
    q = request.args.get("q")
    if q is not None and len(q) > 100:
        raise Invalid("q", N_("搜索词太长"), status=400)
    today = now().astimezone(centre_tz()).date()
    return jsonify([resident_json(r, today) for r in residents.search_residents(db.session, actor, q, now())])


@bp.post("/residents")
def create_resident():
    actor = current_actor()
    access.require_staff(actor)
    data = json_body()
    new = residents.NewResident(
        name=text_field(data, "name", required=True, max_length=80),
        birth_date=day_field(data, "birth_date"),
        phone=text_field(data, "phone", max_length=32),
        building_id=int_field(data, "building_id", required=False),
        disability=bool_field(data, "disability"),
        lives_alone=bool_field(data, "lives_alone"),
        guardian_id=int_field(data, "guardian_id", required=False),
    )
    today = now().astimezone(centre_tz()).date()
    resident = residents.register_resident(db.session, actor, new, today, now())
    return jsonify(resident_json(resident, today)), 201


@bp.post("/closures")
def create_closure():
    actor = current_actor()
    data = json_body()
    resource_id = int_field(data, "resource_id", required=False)
    closure, cancelled = closures.close_and_tell(
        db.session, actor, resource_id, instant_field(data, "start"), instant_field(data, "end"),
        text_field(data, "reason", required=True, max_length=200), closure_pages.telling())
    return jsonify({"id": closure.id, "resource_id": resource_id, "start": iso(closure.starts_at),
                    "end": iso(closure.ends_at), "reason": closure.reason,
                    "cancelled": [b.id for b in cancelled]}), 201


@bp.get("/residents/<int:resident_id>")
def get_resident(resident_id: int):
    actor = current_actor()
    resident = residents.read_resident(db.session, actor, resident_id, now())
    return jsonify(resident_json(resident, now().astimezone(centre_tz()).date()))
