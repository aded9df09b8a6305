"""Enrolment rules: who may join, when, how often, and what happens when it is full."""
import sqlite3
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Activity, Enrolment
from services.activities import enrolment, offers
from services.activities.enrolment import EnrolInput
from services.core import errors
from tests.activities_world import (
    SATURDAY,
    SETTINGS,
    at,
    build,
    enrol,
    families,
    later,
    messages,
    place,
    storytime_input,
)
from tests.world import DESK, NOW, resident, resident_actor


def storytime(session, world, **fields):
    return place(session, storytime_input(world, **fields)).sessions[0]


def test_a_parent_enrols_a_five_year_old_in_storytime(both):
    world = build(both)
    sid = storytime(both, world).id
    made = enrol(both, world.child, sid, actor=resident_actor(world.parent, world.child))
    assert made.status == "enrolled" and made.resident_id == world.child.id
    [confirmed] = messages(both, "enrolment_confirmed")
    assert confirmed.resident_id == world.child.id and "绘本故事会" in confirmed.body
    assert confirmed.recipient == "13800000001"  # the guardian's phone: the child has none


def test_an_adult_without_a_child_in_the_age_range_is_refused(both):
    world = build(both)
    sid = storytime(both, world).id
    with pytest.raises(errors.NotEligible):
        enrol(both, world.adult, sid)


def test_age_is_judged_on_the_sessions_date_not_today(session):
    world = build(session)
    turns_three = resident(session, name="小满", born=date(2023, 11, 26), guardian_id=world.parent.id)
    sid = storytime(session, world).id  # Saturday 28 November: three by then, two today
    assert enrol(session, turns_three, sid, actor=resident_actor(world.parent, turns_three)).status == "enrolled"
    too_old = resident(session, name="大宝", born=date(2019, 1, 1), guardian_id=world.parent.id)
    with pytest.raises(errors.NotEligible) as refused:
        enrol(session, too_old, sid, actor=resident_actor(world.parent, too_old))
    assert refused.value.details["max_age"] == 6


def test_registration_is_refused_before_it_opens_and_after_it_closes(session):
    world = build(session)
    sid = storytime(session, world, registration_opens_at=later(60), registration_closes_at=later(120)).id
    actor = resident_actor(world.parent, world.child)
    with pytest.raises(errors.NotOpen):
        enrol(session, world.child, sid, actor=actor, now=later(59))
    with pytest.raises(errors.NotOpen):
        enrol(session, world.child, sid, actor=actor, now=later(120))
    assert enrol(session, world.child, sid, actor=actor, now=later(60)).status == "enrolled"


def test_a_resident_cannot_enrol_a_stranger_and_an_operator_enrols_no_one(session):
    world = build(session)
    sid = storytime(session, world).id
    with pytest.raises(errors.Forbidden):
        enrol(session, world.child, sid, actor=resident_actor(world.adult))
    from tests.activities_world import EARLY_YEARS
    with pytest.raises(errors.Forbidden):
        enrol(session, world.child, sid, actor=EARLY_YEARS)


def test_one_person_cannot_be_in_two_sessions_at_once(both):
    world = build(both)
    first = storytime(both, world).id
    other = place(both, storytime_input(world, title="亲子烘焙", resource_id=world.kitchen.id, seats=8,
                                        start=at(SATURDAY, 10, 30), end=at(SATURDAY, 12))).sessions[0].id
    actor = resident_actor(world.parent, world.child)
    enrol(both, world.child, first, actor=actor)
    with pytest.raises(errors.Conflict):
        enrol(both, world.child, other, actor=actor)


def test_the_weekly_limit_is_per_resident_and_kind(session):
    world = build(session)
    actor = resident_actor(world.parent, world.child)
    ids = [storytime(session, world, weekly_limit=1, start=at(SATURDAY, h), end=at(SATURDAY, h, 45)).id
           for h in (10, 14)]
    enrol(session, world.child, ids[0], actor=actor)
    with pytest.raises(errors.QuotaExceeded):
        enrol(session, world.child, ids[1], actor=actor)


def test_a_full_session_answers_capacity_unless_asked_to_waitlist(both):
    world = build(both)
    sid = storytime(both, world, seats=1).id
    (p1, c1), (p2, c2) = families(both, 2)
    enrol(both, c1, sid, actor=resident_actor(p1, c1))
    with pytest.raises(errors.CapacityExceeded) as refused:
        enrol(both, c2, sid, actor=resident_actor(p2, c2))
    assert refused.value.details["remaining"] == 0
    assert enrol(both, c2, sid, actor=resident_actor(p2, c2), waitlist=True).status == "waitlisted"


@contextmanager
def activity_locked_elsewhere(session, activity_id: int):
    """Another enrolment's transaction, holding what an enrolment waits for: the write lock on SQLite, the
    activity's row lock on PostgreSQL."""
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        writer = sqlite3.connect(engine.url.database, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            writer.close()
        return
    with engine.connect() as other:
        other.execute(select(Activity.id).where(Activity.id == activity_id).with_for_update())
        try:
            yield
        finally:
            other.rollback()


def test_a_refusal_for_a_full_session_does_not_wait_for_the_lock(both):
    """In a registration rush the hundreds refused for a full class are answered without queueing behind
    the enrolments that are being written (waiting would end in the busy or statement timeout instead)."""
    world = build(both)
    story = storytime(both, world, seats=1)
    (p1, c1), (p2, c2) = families(both, 2)
    enrol(both, c1, story.id, actor=resident_actor(p1, c1))
    activity_id, asked = story.activity_id, EnrolInput(resident_id=c2.id, session_id=story.id)
    second = resident_actor(p2, c2)
    both.commit()  # from here on, only the enrolment reads
    with activity_locked_elsewhere(both, activity_id), pytest.raises(errors.CapacityExceeded):
        enrolment.enrol(both, second, asked, NOW, SETTINGS)


def test_the_eleventh_of_ten_seats_waitlists_and_is_offered_the_seat_when_someone_leaves(both):
    world = build(both)
    sid = storytime(both, world).id
    pairs = families(both, 11)
    made = [enrol(both, child, sid, actor=resident_actor(grown, child), waitlist=True) for grown, child in pairs]
    assert [m.status for m in made] == ["enrolled"] * 10 + ["waitlisted"]
    leaver, (grown, child) = made[3], pairs[3]
    enrolment.cancel(both, resident_actor(grown, child), leaver.id, later(10), SETTINGS)
    eleventh = both.get(Enrolment, made[10].id)
    assert eleventh.status == "offered" and eleventh.hold_until == later(10) + SETTINGS.hold
    [offer] = messages(both, "waitlist_offer")
    assert offer.resident_id == pairs[10][1].id and "候补有位" in offer.body
    with pytest.raises(errors.CapacityExceeded):  # the held seat is nobody else's
        enrol(both, child, sid, actor=resident_actor(grown, child), now=later(11))
    taken = enrolment.accept(both, resident_actor(*pairs[10]), eleventh.id, later(20), SETTINGS)
    assert taken.status == "enrolled"


def test_an_expired_offer_passes_to_the_next_in_line(session):
    world = build(session)
    sid = storytime(session, world, seats=1).id
    pairs = families(session, 3)
    made = [enrol(session, c, sid, actor=resident_actor(p, c), waitlist=True) for p, c in pairs]
    enrolment.cancel(session, resident_actor(*pairs[0]), made[0].id, NOW, SETTINGS)
    assert offers.expire_offers(session, NOW + SETTINGS.hold, SETTINGS) == 1
    session.expire_all()
    assert [session.get(Enrolment, m.id).status for m in made] == ["cancelled", "expired", "offered"]


def test_declining_an_offer_passes_it_on_at_once(session):
    world = build(session)
    sid = storytime(session, world, seats=1).id
    pairs = families(session, 3)
    made = [enrol(session, c, sid, actor=resident_actor(p, c), waitlist=True) for p, c in pairs]
    enrolment.cancel(session, resident_actor(*pairs[0]), made[0].id, NOW, SETTINGS)
    enrolment.decline(session, resident_actor(*pairs[1]), made[1].id, later(1), SETTINGS)
    session.expire_all()
    assert [session.get(Enrolment, m.id).status for m in made] == ["cancelled", "declined", "offered"]


def course(session, world, **fields):
    values = dict(title="康复操", kind="rehab_class", seats=2, mode="course", groups=["elderly"], min_age=None,
                  max_age=None, resource_id=world.kitchen.id, start=at(SATURDAY, 9), end=at(SATURDAY, 10),
                  rrule="FREQ=WEEKLY;COUNT=8", guardian_present=False)
    values.update(fields)
    return place(session, storytime_input(world, **values))


def test_course_mode_enrols_all_sessions_and_a_course_seat_is_offered_whole(both):
    world = build(both)
    placed = course(both, world, seats=1)
    aid = placed.sessions[0].activity_id
    first = enrol(both, world.elder, activity_id=aid)
    assert first.status == "enrolled" and first.session_id is None
    other = resident(both, name="李阿婆", born=date(1950, 1, 1))
    waiting = enrol(both, other, session_id=placed.sessions[3].id, waitlist=True)  # any session means the course
    assert waiting.status == "waitlisted" and waiting.session_id is None
    enrolment.cancel(both, DESK, first.id, later(5), SETTINGS)
    assert both.get(Enrolment, waiting.id).status == "offered"


def test_an_elder_is_refused_a_childrens_activity_and_an_adult_a_course_for_the_elderly(session):
    world = build(session)
    aid = course(session, world).sessions[0].activity_id
    with pytest.raises(errors.NotEligible):
        enrol(session, world.adult, activity_id=aid)


def test_a_child_whose_guardian_takes_a_seat_counts_two(session):
    world = build(session)
    sid = storytime(session, world, seats=3, guardian_takes_seat=True).id
    (p1, c1), (p2, c2) = families(session, 2)
    assert enrol(session, c1, sid, actor=resident_actor(p1, c1)).seats == 2
    with pytest.raises(errors.CapacityExceeded):
        enrol(session, c2, sid, actor=resident_actor(p2, c2))


def test_enrolling_twice_is_refused(session):
    world = build(session)
    sid = storytime(session, world).id
    actor = resident_actor(world.parent, world.child)
    enrol(session, world.child, sid, actor=actor)
    with pytest.raises(errors.InvalidState):
        enrol(session, world.child, sid, actor=actor)


def test_a_session_that_has_started_takes_no_enrolments(session):
    world = build(session)
    sid = storytime(session, world).id
    with pytest.raises(errors.InvalidState):
        enrol(session, world.child, sid, actor=resident_actor(world.parent, world.child),
              now=at(SATURDAY, 10) + timedelta(minutes=1))


def test_a_closed_group_is_enrolled_by_the_desk_not_by_a_resident_who_guesses_its_id(session):
    world = build(session)
    sid = place(session, storytime_input(world, title="情绪减压小组", resource_id=world.counselling.id, seats=1,
                                         groups=[], min_age=None, max_age=None, public=False)).sessions[0].id
    with pytest.raises(errors.NotFound):
        enrol(session, world.adult, sid)
    assert enrol(session, world.adult, sid, actor=DESK).status == "enrolled"
