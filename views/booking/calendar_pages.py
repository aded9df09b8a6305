"""Week and month calendars per space and per resident: readable on a phone, built on the slot service."""
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from models import Resident, Resource, db
from services.booking import calendar_views
from services.core.access import may_see_resident
from services.core.errors import NotFound
from views.core.pages import ctx_for, day_arg, page_actor, today

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
VIEWS = ("week", "month")


def _view() -> str:
    view = request.args.get("view", "week")
    if view not in VIEWS:
        abort(400, description=_("view 只能是 week 或 month"))
    return view


def _steps(view: str, day: date) -> tuple[date, date]:
    if view == "week":
        return day - timedelta(days=7), day + timedelta(days=7)
    first = day.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)


@bp.get("")
@login_required
def index():
    actor = page_actor()
    spaces = list(db.session.scalars(select(Resource).where(Resource.active.is_(True)).order_by(Resource.id)))
    people = []
    if actor.resident_ids:
        people = list(db.session.scalars(select(Resident).where(Resident.id.in_(actor.resident_ids))
                                         .order_by(Resident.id)))
    return render_template("calendar/index.html", spaces=spaces, people=people, today=today())


@bp.get("/spaces/<int:resource_id>")
@login_required
def space(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None or not resource.active:
        raise NotFound()
    view, day, actor = _view(), day_arg(), page_actor()
    ctx = ctx_for(actor)
    if view == "week":
        days = calendar_views.space_days(db.session, actor, resource, calendar_views.week_days(day), ctx)
        weeks = [days]
    else:
        weeks = [calendar_views.space_days(db.session, actor, resource, week, ctx)
                 for week in calendar_views.month_weeks(day)]
    previous, following = _steps(view, day)
    return render_template(f"calendar/{view}.html", subject=resource, kind="space", weeks=weeks, day=day,
                           view=view, previous=previous, following=following, today=today(),
                           show_bookings=calendar_views.sees_bookings(actor, resource))


@bp.get("/residents/<int:resident_id>")
@login_required
def resident(resident_id: int):
    actor = page_actor()
    person = db.session.get(Resident, resident_id)
    if person is None or not may_see_resident(actor, resident_id):
        raise NotFound()  # not yours to know of
    view, day = _view(), day_arg()
    ids = [i for i in calendar_views.household(db.session, person) if may_see_resident(actor, i)]
    ctx = ctx_for(actor)
    spans = [calendar_views.week_days(day)] if view == "week" else calendar_views.month_weeks(day)
    weeks = [calendar_views.resident_days(db.session, ids, span, ctx) for span in spans]
    previous, following = _steps(view, day)
    return render_template(f"calendar/{view}.html", subject=person, kind="resident", weeks=weeks, day=day,
                           view=view, previous=previous, following=following, today=today(), show_bookings=True)

