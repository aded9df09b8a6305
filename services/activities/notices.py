"""Messages about the programme, through the outbox: each queued once per enrolment, change or reminder.

Like every message that leaves the app (services/routines, services/messaging), a body is written in Chinese
then English, "中文 / English": it is sent later, by the scheduler, to a phone or an inbox that has no reader's
language attached, so nothing here goes through the catalogue.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Enrolment, Resident
from services.activities import seats
from services.messaging import outbox
from services.routines.scheduler_settings import Settings

REDACTED_TITLE, REDACTED_TITLE_EN = "活动", "an activity"


def public_title(activity: Activity) -> str:
    """What a message that leaves the app may call the activity: a counselling group stays unnamed."""
    return REDACTED_TITLE if activity.sensitive else activity.title


def public_title_en(activity: Activity) -> str:
    return REDACTED_TITLE_EN if activity.sensitive else (activity.title_en or activity.title)


@dataclass(frozen=True)
class Said:
    """One message in both languages: the subject's and the body's Chinese and English."""
    subject_zh: str
    subject_en: str
    zh: str
    en: str


def _when(session_row: ActivitySession, settings: Settings) -> tuple[str, str]:
    return outbox.slot_text(session_row.resource, session_row.starts_at, session_row.ends_at, settings)


def _send(session: Session, key: str, kind: str, resident: Resident, said: Said, now: datetime,
          settings: Settings) -> bool:
    address = outbox.address_for(session, resident, now.astimezone(settings.tz).date(), settings)
    who_zh, who_en = (f"（{resident.name}）", f" ({resident.name})") if address.via_guardian else ("", "")
    body = f"{outbox.signature(session)}{said.zh}{who_zh} / {said.en}{who_en}"
    subject = f"{said.subject_zh} / {said.subject_en}"
    return outbox.queue(session, key, kind, address, subject, body, now, resident.id)


def enrolment_confirmed(session: Session, enrolment: Enrolment, activity: Activity,
                        first: ActivitySession, now: datetime, settings: Settings) -> bool:
    title, title_en = public_title(activity), public_title_en(activity)
    (when, when_en), n = _when(first, settings), len(scheduled(activity))
    course, course_en = (f"（共 {n} 次课）", f" ({n} sessions)") if activity.mode == "course" else ("", "")
    said = Said(f"报名成功：{title}", f"Enrolled: {title_en}",
                f"报名成功：{title}，{when}{course}。不能来请提前取消，把位置让给候补的邻居。",
                f"Enrolled: {title_en}, {when_en}{course_en}. If you cannot come, please cancel so a neighbour "
                "on the waiting list can go.")
    return _send(session, f"enrolment_confirmed:{enrolment.id}", "enrolment_confirmed", enrolment.resident, said,
                 now, settings)


def offer(session: Session, enrolment: Enrolment, activity: Activity, first: ActivitySession, now: datetime,
          settings: Settings) -> bool:
    title, title_en = public_title(activity), public_title_en(activity)
    (when, when_en), until = _when(first, settings), enrolment.hold_until.astimezone(settings.tz).strftime("%H:%M")
    said = Said(f"候补有位：{title}", f"A place is free: {title_en}",
                f"候补有位：{title}，{when}。已为您保留到 {until}，请登录“活动”确认或放弃。",
                f"A place is free: {title_en}, {when_en}. Held for you until {until}; sign in to Activities "
                "to accept or decline.")
    return _send(session, f"waitlist_offer:enrolment:{enrolment.id}", "waitlist_offer", enrolment.resident, said,
                 now, settings)


def session_cancelled(session: Session, activity: Activity, session_row: ActivitySession, now: datetime,
                      settings: Settings) -> int:
    """Every enrolee of the session (or their guardian), once per change: the key carries the sequence."""
    people = session.scalars(select(Enrolment).where(
        seats.covers(session_row.id, activity.id), Enrolment.status.in_(("enrolled", "offered", "waitlisted")))
        .order_by(Enrolment.id)).all()
    title, title_en = public_title(activity), public_title_en(activity)
    (when, when_en), reason = _when(session_row, settings), session_row.cancel_reason or ""
    said = Said(f"活动取消：{title}", f"Cancelled: {title_en}",
                f"{title} {when} 取消了：{reason}。给您带来不便，敬请谅解。",
                f"{title_en} on {when_en} is cancelled: {reason}. We are sorry for the trouble.")
    sent = 0
    for person in {e.resident_id: e for e in people}.values():
        key = f"session_cancelled:{session_row.id}:{session_row.sequence}:{person.resident_id}"
        sent += _send(session, key, "session_cancelled", person.resident, said, now, settings)
    return sent


def reminder(session: Session, enrolment: Enrolment, session_row: ActivitySession, kind: str, now: datetime,
             settings: Settings) -> bool:
    activity = session_row.activity
    title, title_en = public_title(activity), public_title_en(activity)
    slot, slot_en = _when(session_row, settings)
    when, when_en = ("明天", "tomorrow") if kind == "reminder_day_before" else ("两小时后", "in two hours")
    said = Said(f"活动提醒：{title}", f"Reminder: {title_en}",
                f"提醒：您报名的 {title}，{slot}，{when}开始。不能来请提前取消。",
                f"Reminder: {title_en}, {slot_en}, starts {when_en}. Please cancel if you cannot come.")
    key = f"{kind}:session:{session_row.id}:{session_row.sequence}:{enrolment.resident_id}"
    return _send(session, key, kind, enrolment.resident, said, now, settings)


def scheduled(activity: Activity) -> list[ActivitySession]:
    return [s for s in activity.sessions if s.status == "scheduled"]


def session_moved(session: Session, activity: Activity, session_row: ActivitySession, enrolment: Enrolment,
                  now: datetime, settings: Settings) -> bool:
    """One message per enrolee per move: the key carries the session's new sequence."""
    title, title_en = public_title(activity), public_title_en(activity)
    when, when_en = _when(session_row, settings)
    said = Said(f"活动改期：{title}", f"Moved: {title_en}", f"{title} 改到 {when}，报名仍然有效。不能来请取消。",
                f"{title_en} has moved to {when_en}; your place is kept. Please cancel if you cannot come.")
    key = f"session_moved:{session_row.id}:{session_row.sequence}:{enrolment.resident_id}"
    return _send(session, key, "session_moved", enrolment.resident, said, now, settings)
