"""API: join a full slot's waitlist, see your place in line, accept or decline an offer."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import select

from models import WaitlistEntry, db
from services.booking.use_cases import BookingInput
from services.routines import waitlist_use_cases
from services.routines.scheduler_settings import settings_from
from views.api.fields import centre_tz, instant_field, int_field, json_body, query_int
from views.api.output import booking_json, current_actor, iso, now

bp = Blueprint("api_waitlist", __name__, url_prefix="/api/v1")
MAX_PARTY = 500
LIST_LIMIT = 500


def entry_json(entry: WaitlistEntry) -> dict:
    return {"id": entry.id, "resource_id": entry.resource_id, "resident_id": entry.resident_id,
            "start": iso(entry.starts_at), "end": iso(entry.ends_at), "party_size": entry.party_size,
            "status": entry.status, "offered_at": iso(entry.offered_at), "hold_until": iso(entry.hold_until),
            "booking_id": entry.booking_id, "created_at": iso(entry.created_at)}


@bp.post("/waitlist")
def join_waitlist():
    actor = current_actor()
    data = json_body()
    resource_id, resident_id = int_field(data, "resource_id"), int_field(data, "resident_id")
    party = int_field(data, "party_size", required=False, high=MAX_PARTY, default=1)
    wanted = BookingInput(resource_id, resident_id, instant_field(data, "start"), instant_field(data, "end"), party)
    entry = waitlist_use_cases.join_waitlist(db.session, actor, wanted, now(), centre_tz(),
                                             settings_from(current_app.config))
    return jsonify(entry_json(entry)), 201


@bp.get("/waitlist")
def list_waitlist():
    actor = current_actor()
    stmt = select(WaitlistEntry)
    if not actor.is_staff:
        stmt = stmt.where(WaitlistEntry.resident_id.in_(actor.resident_ids))
    for name, column in (("resource_id", WaitlistEntry.resource_id), ("resident_id", WaitlistEntry.resident_id)):
        value = query_int(name)
        if value is not None:
            stmt = stmt.where(column == value)
    rows = db.session.scalars(stmt.order_by(WaitlistEntry.starts_at, WaitlistEntry.id).limit(LIST_LIMIT))
    return jsonify([entry_json(e) for e in rows])


@bp.post("/waitlist/<int:entry_id>/accept")
def accept_offer(entry_id: int):
    made = waitlist_use_cases.accept_offer(db.session, current_actor(), entry_id, now(),
                                           settings_from(current_app.config))
    entry = db.session.get(WaitlistEntry, entry_id)
    return jsonify({**entry_json(entry), "booking": booking_json(made)})


@bp.post("/waitlist/<int:entry_id>/decline")
def decline_offer(entry_id: int):
    entry = waitlist_use_cases.decline_offer(db.session, current_actor(), entry_id, now(),
                                             settings_from(current_app.config))
    return jsonify(entry_json(entry))
