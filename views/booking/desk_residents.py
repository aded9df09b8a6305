"""The front desk's resident register: search, register, the personal record, activation codes."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import Building, Resident, db
from services.accounts import activation, residents
from services.core.errors import N_, DomainError, Invalid
from services.core.numbers import optional_whole_number
from views.api.output import now
from views.core.pages import or_404, page_actor, readable, today
from views.security.roles import staff_required

bp = Blueprint("desk_residents", __name__, url_prefix="/desk/residents")
RECENT_BOOKINGS = 30


@bp.get("", endpoint="residents")
@staff_required
def search():
    q = (request.args.get("q") or "").strip()[:100]
    found = residents.search_residents(db.session, page_actor(), q, now()) if q else []
    return render_template("desk/residents.html", q=q, found=found, today=today())


def _buildings() -> list[Building]:
    return list(db.session.scalars(select(Building).where(Building.households.is_not(None)).order_by(Building.name)))


@bp.get("/new")
@staff_required
def new():
    return render_template("desk/resident_new.html", form=request.args, buildings=_buildings(), error=None)


def _new_from_form(form) -> residents.NewResident:
    try:
        born = date.fromisoformat(form.get("birth_date", ""))
    except ValueError:
        raise Invalid("birth_date", N_("请填写出生日期")) from None
    building = form.get("building_id", "")
    guardian = form.get("guardian_id", "")
    name = (form.get("name") or "").strip()
    if not name or len(name) > 80:
        raise Invalid("name", N_("请填写姓名"))
    return residents.NewResident(
        name=name, birth_date=born, phone=(form.get("phone") or "").strip()[:32] or None,
        building_id=optional_whole_number(building),
        disability=form.get("disability") == "1", lives_alone=form.get("lives_alone") == "1",
        guardian_id=optional_whole_number(guardian))


@bp.post("/new")
@staff_required
def new_post():
    try:
        person = residents.register_resident(db.session, page_actor(), _new_from_form(request.form), today(), now())
    except DomainError as err:
        return render_template("desk/resident_new.html", form=request.form, buildings=_buildings(),
                               error=readable(err)), 422
    flash(_("已登记居民 %(name)s", name=person.name), "ok")
    return redirect(url_for("desk_residents.record", resident_id=person.id))


@bp.get("/<int:resident_id>")
@staff_required
def record(resident_id: int):
    found = residents.read_record(db.session, page_actor(), resident_id, now(), recent=RECENT_BOOKINGS)
    return render_template("desk/resident.html", person=found.resident, bookings=found.bookings, wards=found.wards,
                           today=today(), login=activation.login_for(db.session, found.resident))


@bp.post("/<int:resident_id>/activation")
@staff_required
def issue_code(resident_id: int):
    person = or_404(db.session.get(Resident, resident_id))
    try:
        issued = activation.issue_code(db.session, page_actor(), resident_id, now())
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("desk_residents.record", resident_id=resident_id))
    return render_template("desk/activation.html", person=person, code=activation.readable(issued.code),
                           expires_at=issued.expires_at, username=issued.user.username)
