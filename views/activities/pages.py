"""Residents' 活动 page: what is on this week and next for them and the people they look after; enrol, leave."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import Resident, db
from services.activities import attendance, enrolment, listing
from services.activities.enrolment import EnrolInput
from services.core.clock import local_day_bounds
from services.core.errors import DomainError
from services.routines.scheduler_settings import settings_from
from views.api.fields import centre_tz
from views.api.output import now
from views.core.pages import int_arg, page_actor, readable, today
from views.security.roles import resident_required

bp = Blueprint("activities", __name__, url_prefix="/activities")
DAYS_SHOWN = 14  # this week and next


def _people(actor) -> list[Resident]:
    people = list(db.session.scalars(select(Resident).where(Resident.id.in_(actor.resident_ids))))
    return sorted(people, key=lambda p: (p.id != actor.resident_id, p.name))


def _offers(actor, people):
    """Each upcoming session with the household members it admits."""
    monday = today() - timedelta(days=today().weekday())
    start, _ = local_day_bounds(max(monday, today()), centre_tz())
    _, end = local_day_bounds(monday + timedelta(days=DAYS_SHOWN - 1), centre_tz())
    found, counts = listing.activities(db.session, actor, listing.Window(start=max(start, now()), end=end))
    shown = []
    for activity, rows in found:
        for row in rows:
            who = [p for p in people if listing.may_join(activity, p, row, centre_tz())]
            if row.status == "scheduled" and who:
                shown.append((activity, row, who, max(row.seats - listing.seats.enrolled_in(counts, row), 0)))
    return sorted(shown, key=lambda item: item[1].starts_at)


@bp.get("")
@resident_required
def index():
    actor = page_actor()
    people = _people(actor)
    mine = listing.household_enrolments(db.session, sorted(actor.resident_ids))
    taken = {(e.resident_id, e.session_id or e.activity_id) for e in mine}
    return render_template("activities/index.html", people=people, sessions=_offers(actor, people), mine=mine,
                           taken=taken)


def _settings():
    return settings_from(current_app.config)


@bp.post("/enrol")
@resident_required
def enrol():
    actor = page_actor()
    data = EnrolInput(resident_id=int_arg("resident_id") or 0, session_id=int_arg("session_id"),
                      activity_id=int_arg("activity_id"), waitlist=request.form.get("waitlist") == "1")
    try:
        made = enrolment.enrol(db.session, actor, data, now(), _settings())
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("activities.index"))
    flash(_("报名成功") if made.status == "enrolled" else _("已排队候补，有空位会通知您"), "ok")
    return redirect(url_for("activities.index"))


def _change(change, enrolment_id: int, done: str):
    try:
        change(db.session, page_actor(), enrolment_id, now(), _settings())
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("activities.index"))
    flash(done, "ok")
    return redirect(url_for("activities.index"))


@bp.post("/enrolments/<int:enrolment_id>/cancel")
@resident_required
def leave(enrolment_id: int):
    return _change(enrolment.cancel, enrolment_id, _("已退出，位置会让给候补的邻居"))


@bp.post("/enrolments/<int:enrolment_id>/accept")
@resident_required
def accept(enrolment_id: int):
    return _change(enrolment.accept, enrolment_id, _("报名成功"))


@bp.post("/enrolments/<int:enrolment_id>/decline")
@resident_required
def decline(enrolment_id: int):
    return _change(enrolment.decline, enrolment_id, _("已放弃"))


@bp.route("/check-in/<token>", methods=["GET", "POST"])
@resident_required
def check_in(token: str):
    """The page the session's QR code opens: one large button, then a clear answer."""
    if request.method == "GET":
        return render_template("activities/checkin.html", token=token, done=None, error=None)
    try:
        row, marked = attendance.self_check_in(db.session, page_actor(), token, now())
    except DomainError as err:
        return render_template("activities/checkin.html", token=token, done=None, error=readable(err)), 409
    return render_template("activities/checkin.html", token=token, done=row, error=None, count=len(marked))
