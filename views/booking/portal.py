"""Residents: book a space for themselves or someone they look after, see and cancel their bookings."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import Booking, Resident, Resource, db
from services.booking import availability, rules, space_settings, use_cases
from services.booking.use_cases import BookingInput
from services.core import access
from services.core.errors import DomainError, NotFound
from services.routines.scheduler_settings import settings_from
from views.api.fields import centre_tz
from views.api.output import now
from views.core.formatting import clock, long_datetime, space_name
from views.core.kept_pages import kept_page
from views.core.pages import ctx_for, day_arg, instant_arg, int_arg, or_404, page_actor, readable, today
from views.security.roles import resident_required

bp = Blueprint("portal", __name__, url_prefix="/my")
PAST_SHOWN = 10
DAYS_SHOWN = 7  # a week of day buttons first, so the times are on the first screen of a phone


def _people(actor) -> list[Resident]:
    """The signed-in resident first, then the people they look after."""
    people = list(db.session.scalars(select(Resident).where(Resident.id.in_(actor.resident_ids))))
    return sorted(people, key=lambda p: (p.id != actor.resident_id, p.name))


def _person(actor) -> Resident:
    wanted = int_arg("for") or actor.resident_id
    if wanted not in actor.resident_ids:
        raise NotFound()
    return or_404(db.session.get(Resident, wanted))


@bp.get("")
@resident_required
def index():
    actor = page_actor()
    mine = access.visible_bookings(actor)
    upcoming = list(db.session.scalars(mine.where(Booking.ends_at > now(), Booking.status != "cancelled")
                                       .order_by(Booking.starts_at)))
    past = list(db.session.scalars(mine.where(Booking.ends_at <= now()).order_by(Booking.starts_at.desc())
                                   .limit(PAST_SHOWN)))
    return render_template("portal/index.html", upcoming=upcoming, past=past, people=_people(actor))


def _may_use(person: Resident, space: Resource) -> bool:
    return not space.groups or bool(set(person.groups_on(today())) & set(space.groups))


def _eligible(person: Resident) -> list[Resource]:
    spaces = db.session.scalars(select(Resource).options(lazyload(Resource.hours)).where(Resource.active.is_(True))
                                .order_by(Resource.floor, Resource.id))
    return [s for s in spaces if _may_use(person, s)]


@bp.get("/book")
@resident_required
def choose():
    actor = page_actor()
    person = _person(actor)
    return render_template("portal/choose.html", person=person, people=_people(actor), spaces=_eligible(person))


def _space_for(person: Resident, resource_id: int) -> Resource:
    """The one space asked for, with its hours; 404 unless it is open to this person."""
    space = space_settings.space_with_hours(db.session, resource_id)
    return or_404(space if space is not None and space.active and _may_use(person, space) else None)


@bp.get("/book/<int:resource_id>")
@resident_required
def slots(resource_id: int):
    actor = page_actor()
    # The same for this account and question while nothing it shows changes, nor whom the account looks after
    # (residents move the occupancy counter, accounts the settings counter): kept like the day board.
    asked = tuple(request.args.get(name) for name in ("for", "date", "more"))
    return kept_page(("slot page", actor.user_id, resource_id, asked), now(), lambda: _slot_page(actor, resource_id))


def _slot_page(actor, resource_id: int) -> tuple[str, bool]:
    person = _person(actor)
    space = _space_for(person, resource_id)
    ctx = ctx_for(actor)
    window = rules.window_days(space, person, ctx)
    first = today()
    days = [first + timedelta(days=n) for n in range(window + 1)]
    day = day_arg() if request.args.get("date") else None
    if day not in days:  # no day asked for: open on the first day with something this person can book
        day = availability.first_day_with_free(db.session, space, days, ctx, person) or days[0]
    every = availability.day_slots(db.session, space, day, ctx, person)
    found = [s for s in every if s.status != "past"]
    all_days = bool(request.args.get("more")) or days.index(day) >= DAYS_SHOWN
    page = render_template("portal/slots.html", person=person, space=space, days=days, day=day, slots=found,
                           today=first, over_today=bool(every) and not found, all_days=all_days,
                           days_shown=DAYS_SHOWN)
    # Without a date the page opens on the first day with a free slot: that search is not kept.
    return page, bool(request.args.get("date")) and availability.minute_stable(every)


@bp.get("/book/<int:resource_id>/confirm")
@resident_required
def confirm(resource_id: int):
    actor = page_actor()
    person = _person(actor)
    space = _space_for(person, resource_id)
    start = instant_arg("start")
    return render_template("portal/confirm.html", person=person, space=space, start=start,
                           end=start + timedelta(minutes=space.slot_minutes), error=None, alternatives=[])


@bp.post("/book/<int:resource_id>/confirm")
@resident_required
def confirm_post(resource_id: int):
    actor = page_actor()
    person = _person(actor)
    space = _space_for(person, resource_id)
    start = instant_arg("start")
    end = start + timedelta(minutes=space.slot_minutes)
    wanted = BookingInput(space.id, person.id, start, end, 1, channel="online")
    try:
        made = use_cases.book(db.session, actor, wanted, now(), centre_tz())
    except DomainError as err:
        return render_template("portal/confirm.html", person=person, space=space, start=start, end=end,
                               error=readable(err), alternatives=err.details.get("alternatives", [])), 409
    flash(_("预约成功：%(space)s %(when)s", space=space_name(space), when=long_datetime(start)), "ok")
    return redirect(url_for("portal.index", booked=made.bookings[0].id))


def _own_booking(booking_id: int) -> Booking:
    return access.visible_booking(db.session, page_actor(), booking_id)


def _booking_words(target: Booking) -> str:
    """名字 · 空间 · 时间: what a confirmation names, so nobody wonders which booking went."""
    return f"{target.resident.name} · {space_name(target.resource)} · {long_datetime(target.starts_at)}–" \
        f"{clock(target.ends_at)}"


@bp.get("/bookings/<int:booking_id>/cancel")
@resident_required
def cancel(booking_id: int):
    return render_template("portal/cancel.html", booking=_own_booking(booking_id))


@bp.post("/bookings/<int:booking_id>/cancel")
@resident_required
def cancel_post(booking_id: int):
    try:
        target = use_cases.cancel(db.session, page_actor(), booking_id, now(), "居民本人取消",
                                  notify=settings_from(current_app.config))  # a confirmation, once
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        flash(readable(err), "error")
        return redirect(url_for("portal.index"))
    flash(_("已取消预约：%(what)s", what=_booking_words(target)), "ok")
    return redirect(url_for("portal.index"))
