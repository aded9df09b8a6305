"""The programme for the desk, operators and admins: sessions with numbers, rosters, attendance, enrol on behalf."""
from datetime import timedelta

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import ActivitySession, Resident, db
from services.activities import attendance, enrolment, listing, seats
from services.activities.enrolment import EnrolInput
from services.core import audit
from services.core.errors import DomainError, Forbidden
from services.routines.scheduler_settings import settings_from
from views.api.output import now
from views.core.pages import int_arg, or_404, page_actor, readable
from views.security.roles import roles_required, staff_required

bp = Blueprint("programme", __name__, url_prefix="/programme")
managers_required = roles_required("staff", "admin", "operator")
WEEKS_SHOWN = 4


@bp.get("")
@managers_required
def index():
    """Staff and admins see the whole programme; an operator only the activities it runs."""
    actor = page_actor()
    window = listing.Window(start=now() - timedelta(days=1), end=now() + timedelta(weeks=WEEKS_SHOWN))
    found, counts = listing.activities(db.session, actor, window)
    if not actor.is_staff:
        found = [(a, rows) for a, rows in found if listing.runs(actor, a)]
    return render_template("activities/programme.html", found=found, counts=counts,
                           enrolled_in=seats.enrolled_in)


def _managed_session(session_id: int) -> ActivitySession:
    actor = page_actor()
    row = or_404(db.session.get(ActivitySession, session_id))
    if not (actor.is_staff or listing.runs(actor, row.activity)):
        raise Forbidden()
    return row


def _qr_svg(row: ActivitySession) -> str:
    """The self check-in code, drawn here (no outside service): it opens the check-in page for this session."""
    url = url_for("activities.check_in", token=row.checkin_token, _external=True)
    return segno.make(url, error="m").svg_inline(scale=5, title=_("扫码签到"))


@bp.get("/sessions/<int:session_id>")
@managers_required
def roster(session_id: int):
    """Printable roster with a signature column; names partly hidden for sensitive activities."""
    actor = page_actor()
    row = _managed_session(session_id)
    people = listing.enrolments(db.session, actor, session_id=row.id)
    marks = attendance.attendance_of(db.session, row.id)
    if row.activity.sensitive:  # who read a counselling group's list (PIPL art. 51)
        audit.reads_recorded(db.session, actor.user_id, [("enrolment", p.id) for p in people], now())
    return render_template("activities/roster.html", row=row, activity=row.activity, people=people, marks=marks,
                           qr=_qr_svg(row), staff=actor.is_staff, day=row.starts_at)


@bp.post("/sessions/<int:session_id>/attendance")
@managers_required
def take_attendance(session_id: int):
    resident_id = int_arg("resident_id", required=True)
    present = request.form.get("present")
    if present not in ("1", "0"):
        abort(400, description=_("缺少或无效的参数：%(name)s", name="present"))
    try:
        attendance.record(db.session, page_actor(), session_id, resident_id, present == "1", now(),
                          settings_from(current_app.config))
    except DomainError as err:
        flash(readable(err), "error")
    return redirect(url_for("programme.roster", session_id=session_id))


@bp.post("/sessions/<int:session_id>/enrol")
@staff_required
def enrol_on_behalf(session_id: int):
    """The desk enrols a resident who walked in or phoned."""
    row = or_404(db.session.get(ActivitySession, session_id))
    resident_id = int_arg("resident_id", required=True)
    course = row.activity.mode == "course"
    data = EnrolInput(resident_id=resident_id, session_id=None if course else row.id,
                      activity_id=row.activity_id if course else None, waitlist=request.form.get("waitlist") == "1")
    try:
        made = enrolment.enrol(db.session, page_actor(), data, now(), settings_from(current_app.config))
    except DomainError as err:
        flash(readable(err), "error")
        return redirect(url_for("programme.roster", session_id=session_id))
    person = db.session.get(Resident, resident_id)
    flash(_("%(name)s 报名成功", name=person.name) if made.status == "enrolled"
          else _("%(name)s 已排队候补", name=person.name), "ok")
    return redirect(url_for("programme.roster", session_id=session_id))
