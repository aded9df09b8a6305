"""Messages about the programme, through the outbox: each queued once per enrolment, change or reminder."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Enrolment, Resident
from services.activities import seats
from services.activities.wording import _
from services.messaging import outbox
from services.routines.scheduler_settings import Settings


def public_title(activity: Activity) -> str:
    """What a message that leaves the app may call the activity: a counselling group stays unnamed."""
    return _("活动") if activity.sensitive else activity.title


def _when(session_row: ActivitySession, settings: Settings) -> str:
    zh, _en = outbox.slot_text(session_row.resource, session_row.starts_at, session_row.ends_at, settings)
    return zh


def _send(session: Session, key: str, kind: str, resident: Resident, subject: str, text: str, now: datetime,
          settings: Settings) -> bool:
    address = outbox.address_for(session, resident, now.astimezone(settings.tz).date(), settings)
    who = _("（%(name)s）", name=resident.name) if address.via_guardian else ""
    body = f"{outbox.signature(session)}{text}{who}"
    return outbox.queue(session, key, kind, address, subject, body, now, resident.id)


def enrolment_confirmed(session: Session, enrolment: Enrolment, activity: Activity,
                        first: ActivitySession, now: datetime, settings: Settings) -> bool:
    course = _("（共 %(n)s 次课）", n=len(scheduled(activity))) if activity.mode == "course" else ""
    text = _("报名成功：%(title)s，%(when)s%(course)s。不能来请提前取消，把位置让给候补的邻居。",
             title=public_title(activity), when=_when(first, settings), course=course)
    return _send(session, f"enrolment_confirmed:{enrolment.id}", "enrolment_confirmed", enrolment.resident,
                 _("报名成功：%(title)s", title=public_title(activity)), text, now, settings)


def offer(session: Session, enrolment: Enrolment, activity: Activity, first: ActivitySession, now: datetime,
          settings: Settings) -> bool:
    until = enrolment.hold_until.astimezone(settings.tz).strftime("%H:%M")
    text = _("候补有位：%(title)s，%(when)s。已为您保留到 %(until)s，请登录“活动”确认或放弃。",
             title=public_title(activity), when=_when(first, settings), until=until)
    return _send(session, f"waitlist_offer:enrolment:{enrolment.id}", "waitlist_offer", enrolment.resident,
                 _("候补有位：%(title)s", title=public_title(activity)), text, now, settings)


def session_cancelled(session: Session, activity: Activity, session_row: ActivitySession, now: datetime,
                      settings: Settings) -> int:
    """Every enrolee of the session (or their guardian), once per change: the key carries the sequence."""
    people = session.scalars(select(Enrolment).where(
        seats.covers(session_row.id, activity.id), Enrolment.status.in_(("enrolled", "offered", "waitlisted")))
        .order_by(Enrolment.id)).all()
    text = _("%(title)s %(when)s 取消了：%(reason)s。给您带来不便，敬请谅解。", title=public_title(activity),
             when=_when(session_row, settings), reason=session_row.cancel_reason or "")
    sent = 0
    for person in {e.resident_id: e for e in people}.values():
        key = f"session_cancelled:{session_row.id}:{session_row.sequence}:{person.resident_id}"
        sent += _send(session, key, "session_cancelled", person.resident, _("活动取消：%(title)s",
                      title=public_title(activity)), text, now, settings)
    return sent


def reminder(session: Session, enrolment: Enrolment, session_row: ActivitySession, kind: str, now: datetime,
             settings: Settings) -> bool:
    activity = session_row.activity
    when = _("明天") if kind == "reminder_day_before" else _("两小时后")
    text = _("提醒：您报名的 %(title)s，%(slot)s，%(when)s开始。不能来请提前取消。", title=public_title(activity),
             slot=_when(session_row, settings), when=when)
    key = f"{kind}:session:{session_row.id}:{session_row.sequence}:{enrolment.resident_id}"
    return _send(session, key, kind, enrolment.resident, _("活动提醒：%(title)s", title=public_title(activity)),
                 text, now, settings)


def scheduled(activity: Activity) -> list[ActivitySession]:
    return [s for s in activity.sessions if s.status == "scheduled"]




def session_moved(session: Session, activity: Activity, session_row: ActivitySession, enrolment: Enrolment,
                  now: datetime, settings: Settings) -> bool:
    """One message per enrolee per move: the key carries the session's new sequence."""
    text = _("%(title)s 改到 %(when)s，报名仍然有效。不能来请取消。", title=public_title(activity),
             when=_when(session_row, settings))
    key = f"session_moved:{session_row.id}:{session_row.sequence}:{enrolment.resident_id}"
    return _send(session, key, "session_moved", enrolment.resident, _("活动改期：%(title)s",
                 title=public_title(activity)), text, now, settings)
