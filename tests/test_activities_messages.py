"""Messages about the programme go through the outbox: once per enrolment, change and reminder."""
from datetime import timedelta

import pytest

from models import ActivitySession, Booking
from services.activities import programme, rescheduling
from services.activities import reminders as session_reminders
from services.booking import availability
from services.booking import booking as bookings
from services.booking.rules import Request
from services.core import errors
from services.routines import housekeeping, jobs
from tests.activities_world import (
    COUNSELLOR,
    SATURDAY,
    SETTINGS,
    at,
    build,
    enrol,
    families,
    messages,
    place,
    storytime_input,
)
from tests.world import DESK, context, resident_actor


def test_reminders_go_the_evening_before_and_two_hours_before_once_each(session):
    world = build(session)
    sid = place(session, storytime_input(world)).sessions[0].id
    enrol(session, world.child, sid, actor=resident_actor(world.parent, world.child))
    friday_evening = at(SATURDAY - timedelta(days=1), 18, 1)
    assert session_reminders.queue_due(session, friday_evening, SETTINGS) == 1
    assert session_reminders.queue_due(session, friday_evening + timedelta(minutes=1), SETTINGS) == 0
    assert session_reminders.queue_due(session, at(SATURDAY, 8, 1), SETTINGS) == 1
    [evening] = messages(session, "reminder_day_before")
    [soon] = messages(session, "reminder_2h")
    assert evening.recipient == "13800000001" and "明天" in evening.body and "绘本故事会" in evening.body
    assert "两小时后" in soon.body


def test_the_reminder_job_runs_with_the_other_jobs_and_skips_cancelled_sessions(session):
    world = build(session)
    placed = place(session, storytime_input(world, rrule="FREQ=DAILY;COUNT=2"))
    first, second = placed.sessions
    for s in (first, second):
        enrol(session, world.child, s.id, actor=resident_actor(world.parent, world.child))
    programme.cancel_session(session, DESK, first.activity_id, first.id, "老师生病", at(SATURDAY, 7), SETTINGS)
    done = jobs.run_all(session, at(SATURDAY, 8, 30), SETTINGS)
    assert done["queue_session_reminders"] == 0  # Saturday's is cancelled, Sunday's not due until Saturday 18:00
    assert jobs.run_all(session, at(SATURDAY, 18, 30), SETTINGS)["queue_session_reminders"] == 1


def test_a_cancelled_session_tells_every_enrolee_or_guardian_exactly_once(session):
    world = build(session)
    sid = place(session, storytime_input(world)).sessions[0].id
    pairs = families(session, 3)
    for grown, child in pairs:
        enrol(session, child, sid, actor=resident_actor(grown, child))
    row = programme.cancel_session(session, DESK, _aid(session, sid), sid, "停电",
                                   at(SATURDAY, 7), SETTINGS)
    sent = messages(session, "session_cancelled")
    assert sorted(m.recipient for m in sent) == sorted(grown.phone for grown, _ in pairs)
    assert all("停电" in m.body for m in sent) and row.status == "cancelled"


def _aid(session, sid):
    return session.get(ActivitySession, sid).activity_id


def test_messages_about_a_sensitive_activity_do_not_name_it(session):
    world = build(session)
    data = storytime_input(world, title="情绪减压小组", resource_id=world.counselling.id, seats=1, groups=[],
                           min_age=None, max_age=None, sensitive=True)
    sid = place(session, data, actor=COUNSELLOR).sessions[0].id
    enrol(session, world.adult, sid)
    [confirmed] = messages(session, "enrolment_confirmed")
    assert "减压" not in confirmed.body and "减压" not in confirmed.subject and "心理" not in confirmed.body


def test_moving_a_session_rechecks_the_rules_and_tells_each_enrolee_once_per_move(session):
    world = build(session)
    row = place(session, storytime_input(world)).sessions[0]
    enrol(session, world.child, row.id, actor=resident_actor(world.parent, world.child))
    ctx = context(session, by_staff=True)
    moved = rescheduling.move_session(session, DESK, row.activity_id, row.id, at(SATURDAY, 14), at(SATURDAY, 15),
                                      None, ctx, SETTINGS)
    assert moved.starts_at == at(SATURDAY, 14) and moved.sequence == 1
    [told] = messages(session, "session_moved")
    assert told.recipient == "13800000001" and "14:00" in told.body
    rescheduling.move_session(session, DESK, row.activity_id, row.id, at(SATURDAY, 15), at(SATURDAY, 16), None,
                              ctx, SETTINGS)
    assert len(messages(session, "session_moved")) == 2
    with pytest.raises(errors.OutsideHours):
        rescheduling.move_session(session, DESK, row.activity_id, row.id, at(SATURDAY, 21), at(SATURDAY, 22), None,
                                  ctx, SETTINGS)
    slots = availability.day_slots(session, world.library, SATURDAY, ctx)
    assert {s.start.astimezone(at(SATURDAY, 0).tzinfo).hour: s.remaining for s in slots}[10] == 20


def test_the_purge_of_cancelled_bookings_is_not_stopped_by_a_cancelled_sessions_hold(session):
    world = build(session)
    row = place(session, storytime_input(world)).sessions[0]
    programme.cancel_session(session, DESK, row.activity_id, row.id, "停电", at(SATURDAY, 7), SETTINGS)
    req = Request(bookings.lock_space(session, world.kitchen.id), world.adult, at(SATURDAY, 15), at(SATURDAY, 16))
    made = bookings.book(session, req, DESK, context(session, by_staff=True))
    bookings.cancel(session, made, DESK, at(SATURDAY, 7))
    session.commit()
    made_id, hold_id = made.id, row.booking_id
    later_on = at(SATURDAY, 12) + timedelta(days=SETTINGS.cancelled_retention_days + 1)
    assert housekeeping.purge_personal_data(session, later_on, SETTINGS) >= 1
    session.expunge_all()
    assert session.get(Booking, made_id) is None and session.get(Booking, hold_id) is not None


def test_a_confirmation_is_chinese_then_english_whatever_language_the_enrolling_reader_used(app, session):
    world = build(session)
    sid = place(session, storytime_input(world)).sessions[0].id
    with app.test_request_context(headers={"Accept-Language": "en"}):  # a parent on the English pages
        enrol(session, world.child, sid, actor=resident_actor(world.parent, world.child))
    [confirmed] = messages(session, "enrolment_confirmed")
    assert confirmed.body.startswith("【") and "报名成功：绘本故事会" in confirmed.body
    assert "/ Enrolled: Storytime" in confirmed.body and "（陈一诺）" in confirmed.body
    assert confirmed.subject == "报名成功：绘本故事会 / Enrolled: Storytime"


def test_an_activity_refusal_keeps_its_chinese_msgid_and_is_translated_only_where_it_is_shown(app, session):
    from views.core.pages import readable
    world = build(session)
    sid = place(session, storytime_input(world)).sessions[0].id
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(errors.NotEligible) as refused:
            enrol(session, world.adult, sid)
        shown = readable(refused.value)
    assert refused.value.message == refused.value.text() == "该活动不对此居民开放"  # logs and the CLI read Chinese
    assert shown == "This activity is not open to this resident"
