"""一人不落下: the desk's list of residents to call or visit, its CSV, contacts, repeated no-show flags."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import CONTACT_METHODS, CONTACT_OUTCOMES, Resident, db
from services.core.errors import DomainError
from services.routines import no_shows, outreach
from services.routines.scheduler_settings import settings_from
from views.api.output import now
from views.core.pages import int_arg, page_actor, readable
from views.security.roles import staff_required

bp = Blueprint("outreach_pages", __name__)
METHODS = {"phone": _l("电话"), "visit": _l("上门"), "at_centre": _l("来中心"),
           "other": _l("其他")}
OUTCOMES = {"reached": _l("联系上了"), "no_answer": _l("没联系上"),
            "needs_help": _l("需要帮助")}
assert set(METHODS) == set(CONTACT_METHODS) and set(OUTCOMES) == set(CONTACT_OUTCOMES)


def _rows():
    settings = settings_from(current_app.config)
    return outreach.contact_list(db.session, page_actor(), now(), settings), settings


@bp.get("/desk/outreach")
@staff_required
def index():
    rows, settings = _rows()
    flags = no_shows.open_flags(db.session)
    people = {p.id: p for p in db.session.query(Resident).filter(Resident.id.in_([f.resident_id for f in flags]))}
    return render_template("outreach/index.html", rows=rows, settings=settings, now=now(), reasons=outreach.REASONS,
                           methods=METHODS, outcomes=OUTCOMES, flags=flags, people=people)


@bp.get("/desk/outreach.csv")
@staff_required
def download():
    rows, settings = _rows()
    day = now().astimezone(settings.tz).date().isoformat()
    return Response(outreach.as_csv(rows, now(), settings), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="outreach-{day}.csv"'})


@bp.post("/desk/outreach/contacts")
@staff_required
def record_contact():
    try:
        outreach.log_contact(db.session, page_actor(), int_arg("resident_id", required=True),
                             request.form.get("method", ""), request.form.get("outcome", ""), now())
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("outreach_pages.index")), 303
    flash(_("已记录联系"), "ok")
    return redirect(url_for("outreach_pages.index"), 303)


@bp.post("/desk/outreach/flags/<int:flag_id>/resolve")
@staff_required
def resolve_flag(flag_id: int):
    no_shows.resolve(db.session, page_actor(), flag_id, now())
    flash(_("已处理"), "ok")
    return redirect(url_for("outreach_pages.index"), 303)
