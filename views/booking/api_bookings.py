"""API: bookings and their lifecycle (the waitlist lives in api_waitlist)."""
from flask import Blueprint, jsonify, request
from sqlalchemy import or_, select

from models import CHANNELS, STATUSES, Booking, Resource, db
from services.booking import booking
from services.booking.rules import Request
from services.core import access, audit
from services.core.clock import parse_instant
from services.core.database import begin_read, begin_write
from services.core.errors import N_, Invalid, RuleViolation
from views.core.api_common import audit_api, booking_json, current_actor, iso, now, rule_context
from views.core.api_input import bool_field, centre_tz, instant_field, int_field, json_body, query_int, text_field
from views.core.formatting import error_message
from views.core.transactions import reads_first

bp = Blueprint("api_bookings", __name__, url_prefix="/api/v1")
MAX_PARTY = 500
LIST_LIMIT = 1000


def _request_from(data: dict) -> Request:
    """Validate every field first, then load (and lock) the space and the resident."""
    resource_id, resident_id = int_field(data, "resource_id"), int_field(data, "resident_id")
    party = int_field(data, "party_size", required=False, high=MAX_PARTY, default=1)
    start, end = instant_field(data, "start"), instant_field(data, "end")
    begin_write(db.session)
    resource = booking.lock_space(db.session, resource_id)
    return Request(resource, booking.find_resident(db.session, resident_id), start, end, party)


def _channel(data: dict, actor: access.Actor) -> str:
    channel = text_field(data, "channel", max_length=20) or ("desk" if actor.is_staff else "online")
    if channel not in CHANNELS:
        raise Invalid("channel", N_("%(field)s 只能是 %(choices)s 之一"), choices=", ".join(CHANNELS))
    return channel


@bp.post("/bookings")
@reads_first
def create_booking():
    actor = current_actor()
    data = json_body()
    rrule = text_field(data, "rrule", max_length=300)
    skip = bool_field(data, "skip_conflicts")
    note, channel = text_field(data, "note"), _channel(data, actor)
    req = _request_from(data)
    ctx = rule_context(actor)
    try:
        if rrule is None:
            made = booking.book(db.session, req, actor, ctx, channel=channel, note=note, with_alternatives=False)
        else:
            result = booking.book_series(db.session, req, rrule, actor, ctx, skip_conflicts=skip, channel=channel,
                                         note=note, with_alternatives=False)
    except RuleViolation as err:
        begin_read(db.session)  # the nearest free slots are advice: look them up without the lock
        booking.offer_alternatives(db.session, err, ctx)
        raise
    audit_api(actor, audit.CREATE, bookings=[made] if rrule is None else result.bookings)
    # Serialised before the commit: afterwards every attribute would be re-read under a new lock.
    if rrule is None:
        answer = booking_json(made)
    else:
        answer = {"series_id": result.series.id, "bookings": [booking_json(b) for b in result.bookings],
                  "skipped": [{"start": iso(s["start"]), "code": s["code"], "message": error_message(s["message"], s["params"])}
                              for s in result.skipped]}
    db.session.commit()
    return jsonify(answer), 201


def _visible_bookings_query(actor: access.Actor):
    stmt = select(Booking).join(Resource, Booking.resource_id == Resource.id)
    if actor.is_staff:
        return stmt
    conditions = [Booking.resident_id.in_(actor.resident_ids)]
    if actor.role == "operator" and actor.organisation:
        conditions.append(Resource.operator == actor.organisation)
    return stmt.where(or_(*conditions))


@bp.get("/bookings")
def list_bookings():
    actor = current_actor()
    stmt = _visible_bookings_query(actor)
    for name, column in (("resource_id", Booking.resource_id), ("resident_id", Booking.resident_id)):
        value = query_int(name)
        if value is not None:
            stmt = stmt.where(column == value)
    if request.args.get("from"):
        stmt = stmt.where(Booking.ends_at > parse_instant(request.args["from"], "from", centre_tz()))
    if request.args.get("to"):
        stmt = stmt.where(Booking.starts_at < parse_instant(request.args["to"], "to", centre_tz()))
    status = request.args.get("status")
    if status:
        if status not in STATUSES:
            raise Invalid("status", N_("%(field)s 只能是 %(choices)s 之一"), status=400, choices=", ".join(STATUSES))
        stmt = stmt.where(Booking.status == status)
    rows = list(db.session.scalars(stmt.order_by(Booking.starts_at, Booking.id).limit(LIST_LIMIT)))
    answer = [booking_json(b) for b in rows]
    audit_api(actor, audit.READ, bookings=rows)
    return jsonify(answer)


@bp.get("/bookings/<int:booking_id>")
def get_booking(booking_id: int):
    actor = current_actor()
    found = access.visible_booking(db.session, actor, booking_id)
    answer = booking_json(found)
    audit_api(actor, audit.READ, bookings=[found])
    return jsonify(answer)


def _optional_body() -> dict:
    """Lifecycle actions take an optional JSON object ({reason?}); anything else is a 400."""
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        raise Invalid("body", N_("请求体必须是 JSON 对象"), status=400)
    return data


@bp.post("/bookings/<int:booking_id>/cancel")
@reads_first
def cancel_booking(booking_id: int):
    actor = current_actor()
    data = _optional_body()
    scope = data.get("scope", "occurrence")
    if scope not in ("occurrence", "following"):
        raise Invalid("scope", N_("scope 只能是 occurrence 或 following"))
    begin_write(db.session)
    target = access.visible_booking(db.session, actor, booking_id)
    cancelled = booking.cancel(db.session, target, actor, now(), text_field(data, "reason"),
                               following=scope == "following")
    audit_api(actor, audit.CHANGE, bookings=cancelled)
    answer = booking_json(target)
    db.session.commit()
    return jsonify(answer)


@bp.post("/bookings/<int:booking_id>/check-in")
@reads_first
def check_in_booking(booking_id: int):
    actor = current_actor()
    _optional_body()
    begin_write(db.session)
    target = access.visible_booking(db.session, actor, booking_id)
    booking.check_in(db.session, target, actor, now())
    audit_api(actor, audit.CHANGE, bookings=[target])
    answer = booking_json(target)
    db.session.commit()
    return jsonify(answer)


@bp.post("/bookings/<int:booking_id>/no-show")
@reads_first
def no_show_booking(booking_id: int):
    actor = current_actor()
    _optional_body()
    begin_write(db.session)
    target = access.visible_booking(db.session, actor, booking_id)
    booking.mark_no_show(target, actor, now())
    audit_api(actor, audit.CHANGE, bookings=[target])
    answer = booking_json(target)
    db.session.commit()
    return jsonify(answer)

