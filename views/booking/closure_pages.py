"""What the closure forms (admin, operator) and the API share: the hits shown before saving, the one-tap
links in the notices, and saving with the people told."""
from datetime import datetime

from flask import current_app, render_template, request, url_for

from models import Resource, db
from services.booking import closure_effects, closures
from services.core.access import Actor
from services.routines.scheduler_settings import settings_from
from views.api.fields import centre_tz
from views.api.output import now

# The form fields a closure is made of, carried from the preview to the confirming POST.
FIELDS = ("resource_id", "date", "start_date", "end_date", "start", "end", "reason")


def booking_link(resource_id: int, resident_id: int, start: datetime) -> str:
    """The resident's confirm page for that slot: one tap, then 确认预约."""
    local = start.astimezone(centre_tz()).strftime("%Y-%m-%dT%H:%M")
    return url_for("portal.confirm", resource_id=resource_id, start=local, _external=True, **{"for": resident_id})


def telling() -> closure_effects.Telling:
    return closure_effects.Telling(settings_from(current_app.config), booking_link, now())


def needs_confirming(resource: Resource | None, start: datetime, end: datetime) -> closure_effects.Hit | None:
    """What the closure would hit, unless the person already saw it (confirm=1) or it hits nothing."""
    if request.form.get("confirm") == "1":
        return None
    hit = closure_effects.hit_by(db.session, resource, start, end)
    return hit if hit.bookings or hit.offers else None


def preview(template: str, actor: Actor, hit: closure_effects.Hit, **page):
    """The page again, listing the hits (names for staff only) and a button that saves and tells them."""
    carried = {k: request.form.get(k, "") for k in FIELDS if request.form.get(k) is not None}
    return render_template(template, hit=hit, carried=carried, show_names=actor.is_staff, **page)


def save(actor: Actor, resource: Resource | None, start: datetime, end: datetime, reason: str | None):
    """The closure use-case, telling the people it hits; returns (closure, cancelled bookings)."""
    return closures.close_and_tell(db.session, actor, resource.id if resource else None, start, end, reason,
                                   telling())
