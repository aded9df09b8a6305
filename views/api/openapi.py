"""The API described: OpenAPI 3.1 at /api/v1/openapi.json, kept true by tests/test_openapi.py,
which compares it with the routes and runs schemathesis against it with a staff and a resident token.
The JSON shapes are CONTRACT.md's; objects may carry more properties than listed."""
from flask import Blueprint, jsonify

bp = Blueprint("api_openapi", __name__, url_prefix="/api/v1")

INT, STR, BOOL, NUM = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}, {"type": "number"}
TIME = {"type": "string", "description": "ISO 8601; without an offset it is centre-local"}
DAY = {"type": "string", "format": "date"}
NULL_INT, NULL_STR = {"type": ["integer", "null"]}, {"type": ["string", "null"]}


def obj(required: dict, optional: dict | None = None) -> dict:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})
BOOKING = obj({"id": INT, "resource_id": INT, "resident_id": INT, "start": STR, "end": STR, "party_size": INT,
               "status": {"enum": ["confirmed", "cancelled", "checked_in", "no_show"]}, "series_id": NULL_INT})
SERIES = obj({"series_id": INT, "bookings": array(BOOKING), "skipped": array(obj({"start": STR, "code": STR}))})
RESOURCE = obj({"id": INT, "name": STR, "name_en": STR, "kind": STR, "capacity": INT, "exclusive": BOOL,
                "groups": array(STR), "operator": NULL_STR})
RESIDENT = obj({"id": INT, "name": STR, "birth_date": STR, "groups": array(STR), "building_id": NULL_INT})
WAITLIST = obj({"id": INT, "status": STR})
FEED = obj({"id": INT, "scope": STR}, {"url": STR, "webcal_url": STR})
MESSAGE = obj({"id": INT, "kind": STR, "channel": STR, "status": STR})
POINT = obj({"id": INT, "name": STR, "service_types": array(STR), "lat": NUM, "lon": NUM})
BUILDING = obj({"id": INT, "name": STR, "lat": NUM, "lon": NUM})
CIRCLE = obj({"date": STR, "coverage": {"type": "object"}, "gaps": array({"type": "object"})})
AVAILABILITY = obj({"slots": array(obj({"start": STR, "end": STR, "remaining": INT}))})
CLOSURE = obj({"id": INT, "cancelled": array(INT)})
SESSION = obj({"id": INT, "resource_id": INT, "start": STR, "end": STR, "seats": INT, "status": STR},
              {"enrolled": INT, "remaining": INT})
ACTIVITY = obj({"id": INT, "title": STR, "kind": STR, "seats": INT, "mode": {"enum": ["session", "course"]},
                "sessions": array(SESSION)})
ENROLMENT = obj({"id": INT, "status": STR}, {"session_ids": array(INT)})
PROBLEM = obj({"id": INT, "title": STR, "status": STR})
CHECKUP = obj({"period": {"type": "object"}, "population": {"type": "object"}, "facilities": array({"type": "object"}),
               "use": array({"type": "object"}), "problems": array({"type": "object"})})


def body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def answers(status: int, schema: dict | None) -> dict:
    ok = {"description": "done"}
    if schema is not None:
        ok["content"] = {"application/json": {"schema": schema}}
    return {str(status): ok, "default": {"description": "an error, naming its field",
                                         "content": {"application/json": {"schema": ERROR}}}}


def query(*names: str, schema: dict = STR) -> list[dict]:
    return [{"name": n, "in": "query", "required": False, "schema": schema} for n in names]


def path_id(name: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}]


def op(summary: str, status: int, schema: dict | None, params: list | None = None, request: dict | None = None) -> dict:
    found = {"summary": summary, "responses": answers(status, schema), "parameters": params or []}
    if request is not None:
        found["requestBody"] = request
    return found


NEW_BOOKING = obj({"resource_id": INT, "resident_id": INT, "start": TIME, "end": TIME},
                  {"party_size": INT, "rrule": STR, "skip_conflicts": BOOL, "note": STR, "channel": STR})
ACTION = body(obj({}, {"reason": STR, "scope": {"enum": ["occurrence", "following"]}}), required=False)

PATHS = {
    "/bookings": {
        "get": op("Bookings the caller may see", 200, array(BOOKING),
                  query("from", "to", "status") + query("resource_id", "resident_id", schema=INT)),
        "post": op("Book one slot, or a series with rrule", 201, {"oneOf": [BOOKING, SERIES]},
                   request=body(NEW_BOOKING))},
    "/bookings/{booking_id}": {"get": op("One booking", 200, BOOKING, path_id("booking_id"))},
    "/bookings/{booking_id}/cancel": {"post": op("Cancel", 200, BOOKING, path_id("booking_id"), ACTION)},
    "/bookings/{booking_id}/check-in": {"post": op("Check in", 200, BOOKING, path_id("booking_id"), ACTION)},
    "/bookings/{booking_id}/no-show": {"post": op("Mark a no-show", 200, BOOKING, path_id("booking_id"), ACTION)},
    "/resources": {"get": op("Spaces", 200, array(RESOURCE), query("kind", "group"))},
    "/resources/{resource_id}/availability": {
        "get": op("Free slots on a day", 200, AVAILABILITY, path_id("resource_id") + query("date", schema=DAY))},
    "/residents": {
        "get": op("Search residents (staff)", 200, array(RESIDENT), query("q")),
        "post": op("Register a resident", 201, RESIDENT, request=body(obj(
            {"name": STR, "birth_date": DAY}, {"phone": STR, "building_id": INT, "disability": BOOL,
                                               "lives_alone": BOOL, "guardian_id": INT})))},
    "/residents/{resident_id}": {"get": op("One resident", 200, RESIDENT, path_id("resident_id"))},
    "/closures": {"post": op("Close a space or the centre", 201, CLOSURE, request=body(obj(
        {"start": TIME, "end": TIME, "reason": STR}, {"resource_id": NULL_INT})))},
    "/waitlist": {
        "get": op("Waitlist entries the caller may see", 200, array(WAITLIST)),
        "post": op("Join the waitlist", 201, WAITLIST, request=body(obj(
            {"resource_id": INT, "resident_id": INT, "start": TIME, "end": TIME}, {"party_size": INT})))},
    "/waitlist/{entry_id}/accept": {"post": op("Take an offered seat", 200, WAITLIST, path_id("entry_id"))},
    "/waitlist/{entry_id}/decline": {"post": op("Decline an offer", 200, WAITLIST, path_id("entry_id"))},
    "/feeds": {
        "get": op("One's feeds (no URLs)", 200, array(FEED)),
        "post": op("Make a private calendar feed", 201, FEED, request=body(obj(
            {"scope": {"enum": ["resource", "operator", "resident", "public"]}},
            {"resource_id": INT, "resident_id": INT, "organisation": STR})))},
    "/feeds/{feed_id}": {"delete": op("Revoke a feed", 204, None, path_id("feed_id"))},
    "/outbox": {"get": op("Messages (admin)", 200, array(MESSAGE), query("booking_id", "resident_id", schema=INT))},
    "/buildings": {"post": op("Add a building (WGS-84)", 201, BUILDING, request=body(obj(
        {"name": STR, "lat": NUM, "lon": NUM}, {"households": INT})))},
    "/service-points": {
        "get": op("Service points", 200, array(POINT)),
        "post": op("Add a service point", 201, POINT, request=body(obj(
            {"name": STR, "service_types": array(STR), "lat": NUM, "lon": NUM}, {"opens_on": DAY})))},
    "/activities": {
        "get": op("The programme", 200, array(ACTIVITY), query("from", "to", "group", "kind")),
        "post": op("Place an activity and its sessions", 201, ACTIVITY, request=body(obj(
            {"title": STR, "kind": STR, "seats": INT, "mode": {"enum": ["session", "course"]}, "resource_id": INT,
             "start": TIME, "end": TIME},
            {"title_en": STR, "description": STR, "operator": STR, "groups": array(STR), "min_age": INT,
             "max_age": INT, "registration_opens_at": TIME, "registration_closes_at": TIME, "rrule": STR,
             "skip_conflicts": BOOL})))},
    "/activities/{activity_id}/sessions/{session_id}/cancel": {"post": op(
        "Cancel a session; enrolees are told", 200, SESSION, path_id("activity_id") + path_id("session_id"),
        body(obj({"reason": STR})))},
    "/activities/{activity_id}/sessions/{session_id}/move": {"post": op(
        "Move a session; enrolees are told", 200, SESSION, path_id("activity_id") + path_id("session_id"),
        body(obj({"start": TIME, "end": TIME}, {"resource_id": INT})))},
    "/enrolments": {
        "get": op("Enrolments the caller may see", 200, array(ENROLMENT),
                  query("resident_id", "session_id", "activity_id", schema=INT)),
        "post": op("Enrol in a session or a course", 201, ENROLMENT, request=body(obj(
            {"resident_id": INT}, {"session_id": INT, "activity_id": INT, "waitlist": BOOL})))},
    "/enrolments/{enrolment_id}/cancel": {"post": op("Leave", 200, ENROLMENT, path_id("enrolment_id"))},
    "/enrolments/{enrolment_id}/accept": {"post": op("Take an offered seat", 200, ENROLMENT,
                                                     path_id("enrolment_id"))},
    "/enrolments/{enrolment_id}/decline": {"post": op("Decline an offer", 200, ENROLMENT, path_id("enrolment_id"))},
    "/sessions/{session_id}/attendance": {"post": op("Take attendance", 200, {"type": "object"},
                                                     path_id("session_id"),
                                                     body(obj({"resident_id": INT, "present": BOOL})))},
    "/checkup": {"get": op("The community check-up for a period (staff)", 200, CHECKUP,
                           query("from", "to", schema=DAY))},
    "/problems": {
        "get": op("The problem ledger (staff)", 200, array(PROBLEM)),
        "post": op("Log a problem", 201, PROBLEM, request=body(obj(
            {"title": STR, "severity": {"enum": [0, 1, 4, 7, 10]}},
            {"indicator": STR, "location": STR, "responsible": STR, "due_on": DAY})))},
    "/problems/{problem_id}": {"patch": op("Move a problem along", 200, PROBLEM, path_id("problem_id"), body(obj(
        {}, {"status": {"enum": ["open", "in_progress", "done", "verified"]}, "note": STR, "responsible": STR,
             "due_on": DAY})))},
    "/service-circle": {"get": op("The 15-minute circle on a day", 200, CIRCLE, query("date", schema=DAY))},
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "邻里中心预约 API / Neighbourhood centre API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": PATHS,
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
