"""The front desk: the day board, booking for walk-ins and callers, check-in, no-show, cancel, the roster."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from models import Resource, db
from services.accounts import residents
from services.booking import availability, booking, dayboard, use_cases
from services.booking.use_cases import BookingInput
from services.core.errors import N_, DomainError, Invalid, NotFound, RuleViolation
from services.routines.scheduler_settings import settings_from
from views.api.fields import centre_tz
from views.api.output import now
from views.booking import desk_slip
from views.core.formatting import error_message, long_date
from views.core.kept_pages import kept_page
from views.core.pages import ctx_for, day_arg, int_arg, local_instant, or_404, page_actor, readable, today
from views.security.roles import staff_required

bp = Blueprint("desk", __name__, url_prefix="/desk")
MAX_MINUTES = 24 * 60
DURATIONS = (30, 60, 90, 120, 180)
REPEATS = (0, 2, 3, 4, 6, 8, 10, 12)
# Stored in Chinese (the centre's records); shown in the reader's language.
CANCEL_REASONS = {"居民本人取消": lazy_gettext("居民本人取消"), "身体不适": lazy_gettext("身体不适"),
                  "天气原因": lazy_gettext("天气原因"), "中心临时闭馆": lazy_gettext("中心临时闭馆"),
                  "其他": lazy_gettext("其他")}


@bp.get("")
@staff_required
def board():
    day = day_arg()
    ctx = ctx_for(page_actor())

    def render() -> tuple[str, bool]:
        days = dayboard.board(db.session, day, ctx)
        page = render_template("desk/board.html", day=day, days=days, hours=dayboard.hours_spanned(days, centre_tz()),
                               today=ctx.now.astimezone(centre_tz()).date(), prev_day=day - timedelta(days=1),
                               next_day=day + timedelta(days=1))
        return page, availability.minute_stable(slot for space_day in days for slot in space_day.slots)

    # The same for every desk reader of a kind while no booking, hold, closure, name or setting changes, within
    # the minute (slots turn "past" as time goes by): its one form is a GET.
    return kept_page(("day board", day), ctx.now, render)


def _form_values() -> dict:
    values = request.values
    return {"resident_id": int_arg("resident_id"), "resource_id": int_arg("resource_id"),
            # A slot button and the time field both send `start`: the first one filled in wins.
            "date": values.get("date") or today().isoformat(),
            "start": next((v for v in values.getlist("start") if v), ""),
            "minutes": int_arg("minutes"), "party_size": int_arg("party_size") or 1,
            "channel": values.get("channel") if values.get("channel") in ("desk", "phone") else "desk",
            "repeat": int_arg("repeat") or 0, "skip": values.get("skip") == "1",
            "note": (values.get("note") or "").strip()[:500], "q": (values.get("q") or "").strip()[:100]}


def _render_form(form: dict, error: DomainError | None = None, status: int = 200):
    resident = residents.find(db.session, form["resident_id"]) if form["resident_id"] else None
    found = residents.search_residents(db.session, page_actor(), form["q"], now()) if form["q"] else []
    spaces = list(db.session.scalars(dayboard.spaces_query()))
    space = next((s for s in spaces if s.id == form["resource_id"]), None)
    alternatives = error.details.get("alternatives", []) if error else []
    ctx = ctx_for(page_actor())
    closed_to = desk_slip.not_for(spaces, resident, ctx) if resident else {}
    slots = availability.day_slots(db.session, space, day_arg(), ctx, resident) \
        if space and resident and space.id not in closed_to else []
    return render_template("desk/book.html", form=form, resident=resident, found=found, spaces=spaces, space=space,
                           durations=DURATIONS, repeats=REPEATS, error=error and readable(error),
                           error_code=error and error.code, alternatives=alternatives,
                           today_day=today(), slots=slots, closed_to=closed_to,
                           chosen_day=day_arg()), status


@bp.get("/book")
@staff_required
def book():
    form = _form_values()
    if form["resource_id"] and not form["minutes"]:
        space = db.session.get(Resource, form["resource_id"])
        form["minutes"] = space.slot_minutes if space else 60
    return _render_form(form)


def _booking_input(form: dict) -> BookingInput:
    """The form as a booking request; its length defaults to one slot of the chosen space."""
    space = booking.find_space(db.session, form["resource_id"] or 0)
    start = local_instant(day_arg(), form["start"])
    minutes = form["minutes"] or space.slot_minutes
    if minutes > MAX_MINUTES:
        raise Invalid("minutes", N_("一次最多预约 24 小时"))
    return BookingInput(space.id, form["resident_id"] or 0, start, start + timedelta(minutes=minutes),
                        form["party_size"], form["channel"], form["note"] or None)



@bp.post("/book")
@staff_required
def book_post():
    form = _form_values()
    actor = page_actor()
    try:
        wanted = _booking_input(form)
        if form["repeat"] >= 2:
            made = use_cases.book_series(db.session, actor, wanted, f"FREQ=WEEKLY;COUNT={form['repeat']}", now(),
                                         centre_tz(), skip_conflicts=form["skip"])
        else:
            made = use_cases.book(db.session, actor, wanted, now(), centre_tz())
    except DomainError as err:
        return _render_form(form, err, 409 if isinstance(err, RuleViolation) else err.status)
    flash(desk_slip.booked_sentence(made.bookings), "ok")
    for each in made.skipped:  # a series lists the dates it could not book, and why
        flash(_("%(day)s 没有约上：%(why)s", day=long_date(each["start"]), why=error_message(each["message"], each.get("params"))),
              "error")
    return redirect(url_for("desk_slip.slip", booking_id=made.bookings[0].id))


@bp.get("/bookings/<int:booking_id>")
@staff_required
def booking_detail(booking_id: int):
    moment = now()
    target = use_cases.read_booking(db.session, page_actor(), booking_id, moment)
    return render_template("desk/booking.html", booking=target, reasons=CANCEL_REASONS,
                           can_check_in=booking.may_check_in(target, moment),
                           can_no_show=booking.may_mark_no_show(target, moment),
                           check_in_opens=booking.check_in_opens(target), ended=target.ends_at <= moment)


def _lifecycle(booking_id: int, change, done_message: str):
    try:
        target = change(page_actor())
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        flash(readable(err), "error")
        return redirect(url_for("desk.booking_detail", booking_id=booking_id))
    flash(done_message, "ok")
    return redirect(url_for("desk.board", date=target.starts_at.astimezone(centre_tz()).date().isoformat()))


@bp.post("/bookings/<int:booking_id>/check-in")
@staff_required
def check_in(booking_id: int):
    return _lifecycle(booking_id, lambda actor: use_cases.check_in(db.session, actor, booking_id, now()),
                      _("已签到"))


@bp.post("/bookings/<int:booking_id>/no-show")
@staff_required
def no_show(booking_id: int):
    return _lifecycle(booking_id, lambda actor: use_cases.mark_no_show(db.session, actor, booking_id, now()),
                      _("已标记为未到"))


@bp.post("/bookings/<int:booking_id>/cancel")
@staff_required
def cancel(booking_id: int):
    reason = (request.form.get("reason") or "").strip()[:200]
    detail = (request.form.get("detail") or "").strip()[:300]
    if reason not in CANCEL_REASONS:
        flash(_("请选择取消原因"), "error")
        return redirect(url_for("desk.booking_detail", booking_id=booking_id))
    full = f"{reason}：{detail}" if detail else reason
    following = request.form.get("following") == "1"
    told = settings_from(current_app.config)  # the resident (or guardian) is told, with the reason
    return _lifecycle(booking_id,
                      lambda actor: use_cases.cancel(db.session, actor, booking_id, now(), full, following,
                                                     notify=told),
                      _("已取消预约，已通知居民"))


@bp.get("/roster")
@staff_required
def roster():
    day = day_arg()
    space = or_404(db.session.get(Resource, int_arg("resource_id", required=True)))
    (space_day,) = use_cases.read_space_days(db.session, page_actor(), [space], ctx_for(page_actor()), day)
    return render_template("desk/roster.html", day=day, space=space, bookings=space_day.bookings)
