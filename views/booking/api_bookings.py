"""API: bookings and their lifecycle (the waitlist lives in api_waitlist)."""
from flask import Blueprint, current_app, jsonify, request

from models import CHANNELS, STATUSES, db
from services.booking import use_cases
from services.booking.use_cases import BookingInput
from services.core import access
from services.core.clock import parse_instant
from services.core.errors import N_, Invalid
from services.routines.scheduler_settings import settings_from
from views.api.fields import (
    bool_field,
    centre_tz,
    instant_field,
    int_field,
    json_body,
    query_int,
    reject_unencodable,
    text_field,
)
from views.api.output import booking_json, current_actor, iso, now
from views.core.formatting import error_message

bp = Blueprint("api_bookings", __name__, url_prefix="/api/v1")
MAX_PARTY = 500
LIST_LIMIT = 1000


def _booking_input(data: dict, actor: access.Actor) -> BookingInput:
    note, channel = text_field(data, "note"), _channel(data, actor)
    resource_id, resident_id = int_field(data, "resource_id"), int_field(data, "resident_id")
    party = int_field(data, "party_size", required=False, high=MAX_PARTY, default=1)
    return BookingInput(resource_id, resident_id, instant_field(data, "start"), instant_field(data, "end"), party,
                        channel, note)


def _channel(data: dict, actor: access.Actor) -> str:
    channel = text_field(data, "channel", max_length=20) or ("desk" if actor.is_staff else "online")
    if channel not in CHANNELS:
        raise Invalid("channel", N_("%(field)s 只能是 %(choices)s 之一"), choices=", ".join(CHANNELS))
    return channel


@bp.post("/bookings")
def create_booking():
    actor = current_actor()
    data = json_body()
    rrule = text_field(data, "rrule", max_length=300)
    skip = bool_field(data, "skip_conflicts")
    wanted = _booking_input(data, actor)
    if rrule is None:
        made = use_cases.book(db.session, actor, wanted, now(), centre_tz())
        return jsonify(booking_json(made.bookings[0])), 201
    made = use_cases.book_series(db.session, actor, wanted, rrule, now(), centre_tz(), skip_conflicts=skip)
    return jsonify({"series_id": made.series.id, "bookings": [booking_json(b) for b in made.bookings],
                    "skipped": [{"start": iso(s["start"]), "code": s["code"],
                                 "message": error_message(s["message"], s["params"])}
                                for s in made.skipped]}), 201


def _instant_arg(name: str):
    return parse_instant(request.args[name], name, centre_tz()) if request.args.get(name) else None


def _status_arg() -> str | None:
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise Invalid("status", N_("%(field)s 只能是 %(choices)s 之一"), status=400, choices=", ".join(STATUSES))
    return status


@bp.get("/bookings")
def list_bookings():
    actor = current_actor()
    wanted = use_cases.BookingFilter(resource_id=query_int("resource_id"), resident_id=query_int("resident_id"),
                                     ends_after=_instant_arg("from"), starts_before=_instant_arg("to"),
                                     status=_status_arg(), limit=LIST_LIMIT)
    return jsonify([booking_json(b) for b in use_cases.list_bookings(db.session, actor, wanted, now())])


@bp.get("/bookings/<int:booking_id>")
def get_booking(booking_id: int):
    return jsonify(booking_json(use_cases.read_booking(db.session, current_actor(), booking_id, now())))


def _optional_body() -> dict:
    """Lifecycle actions take an optional JSON object ({reason?}); anything else is a 400."""
    data = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        raise Invalid("body", N_("请求体必须是 JSON 对象"), status=400)
    return reject_unencodable(data)


@bp.post("/bookings/<int:booking_id>/cancel")
def cancel_booking(booking_id: int):
    actor = current_actor()
    data = _optional_body()
    scope = data.get("scope", "occurrence")
    if scope not in ("occurrence", "following"):
        raise Invalid("scope", N_("scope 只能是 occurrence 或 following"))
    target = use_cases.cancel(db.session, actor, booking_id, now(), text_field(data, "reason"),
                              following=scope == "following", notify=settings_from(current_app.config))
    return jsonify(booking_json(target))


@bp.post("/bookings/<int:booking_id>/check-in")
def check_in_booking(booking_id: int):
    actor = current_actor()
    _optional_body()
    return jsonify(booking_json(use_cases.check_in(db.session, actor, booking_id, now())))


@bp.post("/bookings/<int:booking_id>/no-show")
def no_show_booking(booking_id: int):
    actor = current_actor()
    _optional_body()
    return jsonify(booking_json(use_cases.mark_no_show(db.session, actor, booking_id, now())))
