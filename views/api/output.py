"""What every API view needs: the caller, the rule context, the JSON shapes."""
from datetime import datetime

from flask import Flask, current_app
from flask_login import current_user

from models import Booking, Resident, Resource, db, utcnow
from services.booking.rules import Context
from services.core import centre
from services.core.access import Actor, actor_for
from services.core.clock import to_local_iso
from services.core.errors import Unauthenticated
from views.api.fields import centre_tz


def current_actor() -> Actor:
    if not current_user.is_authenticated:
        raise Unauthenticated()
    return actor_for(db.session, current_user)


def now(app: Flask | None = None) -> datetime:
    """The request's clock; tests of the HTTP layer may pin it with the FIXED_NOW setting."""
    fixed = (app or current_app).config.get("FIXED_NOW")
    return fixed if fixed is not None else utcnow()


def rule_context(actor: Actor) -> Context:
    return centre.context(db.session, now(), centre_tz(), by_staff=actor.is_staff)


def iso(instant: datetime | None) -> str | None:
    return to_local_iso(instant, centre_tz()) if instant else None


def resource_json(r: Resource) -> dict:
    return {"id": r.id, "name": r.name, "name_en": r.name_en, "kind": r.kind, "capacity": r.capacity,
            "exclusive": r.exclusive, "groups": list(r.groups), "operator": r.operator, "floor": r.floor,
            "slot_minutes": r.slot_minutes, "buffer_minutes": r.buffer_minutes, "sensitive": r.sensitive,
            "area_m2": r.area_m2}


def resident_json(r: Resident, today) -> dict:
    return {"id": r.id, "name": r.name, "birth_date": r.birth_date.isoformat(), "groups": r.groups_on(today),
            "building_id": r.building_id, "phone": r.phone, "guardian_id": r.guardian_id,
            "disability": r.disability, "lives_alone": r.lives_alone}


def booking_json(b: Booking) -> dict:
    return {"id": b.id, "resource_id": b.resource_id, "resident_id": b.resident_id, "start": iso(b.starts_at),
            "end": iso(b.ends_at), "party_size": b.party_size, "status": b.status, "series_id": b.series_id,
            "channel": b.channel, "note": b.note, "cancel_reason": b.cancel_reason,
            "checked_in_at": iso(b.checked_in_at)}
