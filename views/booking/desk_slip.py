"""The desk's answer after a booking: one sentence saying what and when, and a printable slip (预约凭条)
that fits an 80 mm receipt printer and A6: the space, floor, time and the centre's phone."""
from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from models import Booking, db
from services.booking import rules, use_cases
from services.core import errors
from services.core.centre import current_centre
from views.api.output import now
from views.core.formatting import WEEKDAYS_EN, WEEKDAYS_ZH, clock, label, local, space_name
from views.core.i18n import current_lang
from views.core.pages import page_actor
from views.security.roles import staff_required

bp = Blueprint("desk_slip", __name__, url_prefix="/desk")


def day_and_time(booking: Booking) -> str:
    """12月3日 星期四 10:00–11:00: the year is plain from the context, the weekday is what people check."""
    start = local(booking.starts_at)
    if current_lang() == "en":
        day = f"{WEEKDAYS_EN[start.weekday()]} {start.day}/{start.month}"
    else:
        day = f"{start.month}月{start.day}日 {WEEKDAYS_ZH[start.weekday()]}"
    return f"{day} {clock(booking.starts_at)}–{clock(booking.ends_at)}"


def booked_sentence(made: list[Booking]) -> str:
    """已为 周桂兰 预约：康复理疗室 12月3日 星期四 10:00–11:00 (a series: the first date and how many)."""
    first = made[0]
    what = f"{space_name(first.resource)} {day_and_time(first)}"
    if len(made) == 1:
        return _("已为 %(name)s 预约：%(what)s", name=first.resident.name, what=what)
    return _("已为 %(name)s 预约 %(count)d 次：%(what)s 起，每周一次", name=first.resident.name, count=len(made),
             what=what)


def not_for(spaces: list, resident, ctx) -> dict[int, str]:
    """Spaces this resident may not use, with the reason to show beside them (仅限 老年人、特殊关爱)."""
    refused = {}
    for space in spaces:
        try:
            rules.check_eligible(space, resident, ctx)  # the booking's own rule, so the two never disagree
        except errors.NotEligible:
            refused[space.id] = _("仅限%(groups)s", groups=_("、").join(label(g) for g in space.groups))
    return refused


def _slip_bookings(booking: Booking) -> list[Booking]:
    if not booking.series_id:
        return [booking]
    return list(db.session.scalars(select(Booking).where(
        Booking.series_id == booking.series_id, Booking.status != "cancelled").order_by(Booking.starts_at)))


@bp.get("/bookings/<int:booking_id>/slip")
@staff_required
def slip(booking_id: int):
    target = use_cases.read_booking(db.session, page_actor(), booking_id, now())  # audited like the detail page
    return render_template("desk/slip.html", booking=target, bookings=_slip_bookings(target),
                           when=day_and_time, phone=current_app.config.get("CENTRE_PHONE"),
                           centre=current_centre(db.session))
