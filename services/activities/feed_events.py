"""Sessions in the calendar feeds.

public: the public programme's sessions (title, space, time) and nobody in them; resident: the sessions
of their own and their wards' enrolments; operator: its sessions with the number enrolled; resource:
the sessions held in that space. A counselling group's title stays out of every feed but the resident's own.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import TAKING_SEATS, Activity, ActivitySession, CalendarFeed, Enrolment, Resident
from services.activities import seats
from services.activities.notices import public_title
from services.core.access import Actor
from services.feeds import ics
from services.feeds.feeds import Window, booking_location, resident_ids_for


def _sessions(session: Session, win: Window):
    return (select(ActivitySession).join(Activity, Activity.id == ActivitySession.activity_id)
            .options(selectinload(ActivitySession.activity), selectinload(ActivitySession.resource))
            .where(ActivitySession.starts_at < win.end, ActivitySession.ends_at > win.start,
                   (ActivitySession.status == "scheduled") | (ActivitySession.updated_at >= win.cancelled_since))
            .order_by(ActivitySession.starts_at, ActivitySession.id))


def _event(session: Session, row: ActivitySession, uid: str, summary: str, description: str | None,
           private: bool) -> ics.IcsEvent:
    cancelled = row.status == "cancelled"
    return ics.IcsEvent(uid=uid, start=row.starts_at, end=row.ends_at,
                        summary=(ics.CANCELLED_PREFIX + summary) if cancelled else summary, stamp=row.updated_at,
                        sequence=row.sequence, status="CANCELLED" if cancelled else "CONFIRMED",
                        location=booking_location(session, row.resource), description=description, private=private)


def _title(activity: Activity, own: bool) -> str:
    title = activity.title if own or not activity.sensitive else public_title(activity)
    return f"{title} / {activity.title_en}" if activity.title_en and (own or not activity.sensitive) else title


def session_events(session: Session, owner: Actor, feed: CalendarFeed, win: Window,
                   uid_domain: str) -> list[ics.IcsEvent]:
    if feed.scope == "resident":
        return _resident_events(session, owner, feed, win, uid_domain)
    stmt = _sessions(session, win)
    if feed.scope == "public":
        stmt = stmt.where(Activity.public.is_(True), Activity.sensitive.is_(False))
    elif feed.scope == "operator":
        stmt = stmt.where(Activity.operator == feed.organisation)
    else:
        stmt = stmt.where(ActivitySession.resource_id == feed.resource_id)
    rows = list(session.scalars(stmt))
    if feed.scope == "public":
        return [_event(session, r, f"session-{r.id}@{uid_domain}", _title(r.activity, False), None, False)
                for r in rows]
    counts = seats.roster_counts(session, rows)
    return [_event(session, r, f"session-{r.id}@{uid_domain}", _title(r.activity, False),
                   f"已报名 / Enrolled: {counts.get(r.id, 0)}/{r.seats}", True) for r in rows]


def _resident_events(session: Session, owner: Actor, feed: CalendarFeed, win: Window,
                     uid_domain: str) -> list[ics.IcsEvent]:
    people = resident_ids_for(session, owner, feed.resident_id)
    names = dict(session.execute(select(Resident.id, Resident.name).where(Resident.id.in_(people))).all())
    stmt = _sessions(session, win).join(Enrolment, seats.covers(ActivitySession.id, ActivitySession.activity_id)) \
        .where(Enrolment.resident_id.in_(people), Enrolment.status.in_(TAKING_SEATS)) \
        .add_columns(Enrolment.resident_id)
    events = []
    for row, resident_id in session.execute(stmt).all():
        who = "" if resident_id == feed.resident_id else f" · {names.get(resident_id, '')}"
        events.append(_event(session, row, f"session-{row.id}-{resident_id}@{uid_domain}",
                             _title(row.activity, True) + who, None, True))
    return events
