"""Residents' waitlist pages: join a full slot, see the line, accept or decline an offer."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import Resident, Resource, WaitlistEntry, db
from services.booking import booking
from services.booking.use_cases import BookingInput
from services.core.errors import DomainError, NotFound
from services.routines import waitlist, waitlist_use_cases
from services.routines.scheduler_settings import settings_from
from views.api.fields import centre_tz
from views.api.output import now
from views.core.pages import instant_arg, int_arg, page_actor, readable
from views.security.roles import resident_required

bp = Blueprint("waitlist_pages", __name__, url_prefix="/my/waitlist")
SHOWN = ("offered", "waiting", "booked", "declined", "expired", "lapsed")


@bp.get("")
@resident_required
def index():
    actor = page_actor()
    entries = list(db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.resident_id.in_(actor.resident_ids), WaitlistEntry.ends_at > now() - timedelta(days=7),
    ).order_by(WaitlistEntry.starts_at, WaitlistEntry.id)))
    entries.sort(key=lambda e: SHOWN.index(e.status) if e.status in SHOWN else len(SHOWN))
    spaces = {r.id: r for r in db.session.scalars(select(Resource))}
    people = {p.id: p for p in db.session.scalars(select(Resident).where(Resident.id.in_(actor.resident_ids)))}
    return render_template("waitlist/index.html", entries=entries, spaces=spaces, people=people, now=now(),
                           places=waitlist.places_in_line(db.session, entries))


@bp.post("")
@resident_required
def join():
    """Join from a full slot's page: resource_id, for (the resident), start; the space's slot length."""
    actor = page_actor()
    person_id = int_arg("for") or actor.resident_id
    if person_id not in actor.resident_ids:
        raise NotFound()
    try:
        resource = booking.find_space(db.session, int_arg("resource_id", required=True))
        start = instant_arg("start")
        wanted = BookingInput(resource.id, person_id, start, start + timedelta(minutes=resource.slot_minutes),
                              int_arg("party_size") or 1)
        waitlist_use_cases.join_waitlist(db.session, actor, wanted, now(), centre_tz(),
                                         settings_from(current_app.config))
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("waitlist_pages.index"))
    flash(_("已加入候补，有空位会通知您"), "ok")
    return redirect(url_for("waitlist_pages.index"))


def _respond(entry_id: int, accept: bool):
    settings = settings_from(current_app.config)
    try:
        if accept:
            waitlist_use_cases.accept_offer(db.session, page_actor(), entry_id, now(), settings)
        else:
            waitlist_use_cases.decline_offer(db.session, page_actor(), entry_id, now(), settings)
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("waitlist_pages.index"))
    flash(_("预约成功") if accept else _("已放弃，位置会让给下一位"),
          "ok")
    return redirect(url_for("portal.index") if accept else url_for("waitlist_pages.index"))


@bp.post("/<int:entry_id>/accept")
@resident_required
def accept(entry_id: int):
    return _respond(entry_id, accept=True)


@bp.post("/<int:entry_id>/decline")
@resident_required
def decline(entry_id: int):
    return _respond(entry_id, accept=False)
