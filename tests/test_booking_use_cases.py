"""The booking use-cases without HTTP: access, the rules, the audit entry and one commit, at an explicit `now`."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Booking, Resident, Resource
from services.booking import booking, use_cases
from services.booking.answers import OCCUPANCY
from services.booking.rules import Request
from services.booking.use_cases import BookingFilter, BookingInput
from services.core import errors
from services.core.access import Actor, visible_booking
from tests.world import DESK, NOW, TZ, at, book, context, resident, resident_actor, space

TUESDAY = date(2026, 11, 24)
TEN = at(TUESDAY, 10)
COUNSELLOR = Actor(user_id=None, role="operator", organisation="心晴心理咨询工作室")


def wanted(room, person, start=TEN, minutes=60, **fields) -> BookingInput:
    return BookingInput(room.id, person.id, start, start + timedelta(minutes=minutes), **fields)


def trail(session, action: str | None = None) -> list[tuple[str, str, int]]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return [(e.action, e.object_type, e.object_id) for e in session.scalars(stmt)]


def test_booking_a_counselling_slot_commits_it_with_one_create_entry(session):
    room, person = space(session, sensitive=True), resident(session)
    session.commit()
    made = use_cases.book(session, DESK, wanted(room, person, channel="desk"), NOW, TZ)
    session.rollback()  # nothing left to roll back: the use-case committed
    booking = session.get(Booking, made.bookings[0].id)
    assert booking.status == "confirmed" and booking.channel == "desk"
    assert trail(session) == [("create", "booking", booking.id)]


def test_booking_an_ordinary_space_leaves_no_audit_entry(session):
    library, person = space(session, kind="picture_book_library", exclusive=False, capacity=5), resident(session)
    session.commit()
    use_cases.book(session, DESK, wanted(library, person), NOW, TZ)
    assert trail(session) == []


def test_a_refused_booking_is_rolled_back_and_carries_the_nearest_free_slots(session):
    room = space(session, sensitive=True)
    book(session, room, resident(session), TEN)
    with pytest.raises(errors.Conflict) as refused:
        use_cases.book(session, DESK, wanted(room, resident(session, name="李秀英")), NOW, TZ)
    assert refused.value.details["alternatives"], "looked up after the lock was released"
    assert session.scalar(select(func.count(Booking.id))) == 1
    assert trail(session) == []


def test_a_resident_books_only_for_themselves_and_their_wards(session):
    room, parent, stranger = space(session), resident(session), resident(session, name="王建华")
    child = resident(session, name="陈一诺", born=date(2019, 6, 1), guardian_id=parent.id)
    session.commit()
    actor = resident_actor(parent, child)
    assert use_cases.book(session, actor, wanted(room, child, channel="online"), NOW, TZ).bookings
    with pytest.raises(errors.Forbidden):
        use_cases.book(session, actor, wanted(room, stranger, start=TEN + timedelta(hours=2)), NOW, TZ)


def test_a_weekly_series_books_each_week_and_audits_each_occurrence(session):
    room, person = space(session, sensitive=True), resident(session)
    session.commit()
    made = use_cases.book_series(session, DESK, wanted(room, person), "FREQ=WEEKLY;COUNT=3", NOW, TZ)
    assert [b.starts_at for b in made.bookings] == [TEN + timedelta(weeks=n) for n in range(3)]
    assert len(trail(session, "create")) == 3


def test_cancel_check_in_and_no_show_each_write_one_change_entry_at_their_now(session):
    room = space(session, sensitive=True)
    gone, came, missed = (book(session, room, resident(session), TEN + timedelta(hours=h)) for h in (0, 2, 4))
    use_cases.cancel(session, DESK, gone.id, NOW, "居民本人取消")
    use_cases.check_in(session, DESK, came.id, TEN + timedelta(hours=2, minutes=5))
    use_cases.mark_no_show(session, DESK, missed.id, TEN + timedelta(hours=4, minutes=20))
    statuses = {b.id: b.status for b in session.scalars(select(Booking))}
    assert statuses == {gone.id: "cancelled", came.id: "checked_in", missed.id: "no_show"}
    assert trail(session, "change") == [("change", "booking", b.id) for b in (gone, came, missed)]


def test_a_refused_status_change_writes_nothing(session):
    visit = book(session, space(session, sensitive=True), resident(session), TEN)
    with pytest.raises(errors.InvalidState):
        use_cases.mark_no_show(session, DESK, visit.id, TEN - timedelta(minutes=1))
    assert session.get(Booking, visit.id).status == "confirmed" and trail(session) == []


def test_reading_a_counselling_booking_is_audited_and_a_stranger_learns_nothing(session):
    room, person = space(session, sensitive=True), resident(session)
    visit = book(session, room, person, TEN)
    assert use_cases.read_booking(session, DESK, visit.id, NOW).id == visit.id
    assert trail(session) == [("read", "booking", visit.id)]
    with pytest.raises(errors.NotFound):
        use_cases.read_booking(session, resident_actor(resident(session, name="王建华")), visit.id, NOW)


def test_one_visibility_query_decides_who_sees_which_booking(session):
    counselling = space(session, operator="心晴心理咨询工作室")
    library = space(session, name="绘本馆", kind="picture_book_library", exclusive=False, capacity=5)
    parent, other = resident(session), resident(session, name="王建华")
    child = resident(session, name="陈一诺", born=date(2019, 6, 1), guardian_id=parent.id)
    childs, others = book(session, library, child, TEN), book(session, counselling, other, TEN)

    def seen(actor) -> set[int]:
        return {b.id for b in use_cases.list_bookings(session, actor, BookingFilter(), NOW)}

    assert seen(DESK) == {childs.id, others.id}
    assert seen(resident_actor(parent, child)) == {childs.id}
    assert seen(COUNSELLOR) == {others.id}
    assert seen(Actor(user_id=None, role="resident")) == set()
    assert visible_booking(session, COUNSELLOR, others.id).id == others.id
    with pytest.raises(errors.NotFound):
        visible_booking(session, COUNSELLOR, childs.id)


def test_the_filter_narrows_the_list_by_space_resident_time_and_status(session):
    room, person = space(session), resident(session)
    early, late = book(session, room, person, TEN), book(session, room, person, TEN + timedelta(hours=3))
    use_cases.cancel(session, DESK, late.id, NOW)
    assert [b.id for b in use_cases.list_bookings(session, DESK, BookingFilter(status="cancelled"), NOW)] == [late.id]
    narrowed = BookingFilter(resource_id=room.id, resident_id=person.id, starts_before=TEN + timedelta(hours=1))
    assert [b.id for b in use_cases.list_bookings(session, DESK, narrowed, NOW)] == [early.id]


def test_a_booking_rolled_back_leaves_the_session_and_its_slot_can_be_booked_again(both):
    """The row is written past the ORM's unit of work, so it must leave the session with its rollback as an
    ORM-inserted row would: on SQLite the next row takes the same id."""
    room, person = space(both), resident(both)
    both.commit()
    req = Request(room, person, TEN, TEN + timedelta(hours=1))
    ghost = booking.book(both, req, DESK, context(both, by_staff=True))
    both.rollback()
    assert ghost not in both
    again = booking.book(both, Request(both.get(Resource, room.id), both.get(Resident, person.id), TEN,
                                       TEN + timedelta(hours=1)), DESK, context(both, by_staff=True))
    both.commit()
    assert both.scalar(select(func.count(Booking.id))) == 1 and again in both


def test_a_booking_in_a_savepoint_rolled_back_leaves_the_session_and_one_before_it_stays(both):
    room, person = space(both), resident(both)
    both.commit()
    kept = booking.book(both, Request(room, person, TEN, TEN + timedelta(hours=1)), DESK, context(both, by_staff=True))
    savepoint = both.begin_nested()
    undone = booking.book(both, Request(room, person, TEN + timedelta(hours=2), TEN + timedelta(hours=3)), DESK,
                          context(both, by_staff=True))
    savepoint.rollback()
    assert undone not in both and kept in both
    both.commit()
    assert both.scalars(select(Booking.id)).all() == [kept.id]


def test_a_savepoint_rolled_back_leaves_the_changes_before_it_counted(both):
    """A series skipping an occurrence the PostgreSQL constraint refused rolls back that occurrence's savepoint;
    the bookings written before it must still move the occupancy counter that kept answers are checked against."""
    room, person = space(both), resident(both)
    both.commit()
    before = OCCUPANCY.read(both)
    both.rollback()
    booking.book(both, Request(room, person, TEN, TEN + timedelta(hours=1)), DESK, context(both, by_staff=True))
    both.begin_nested().rollback()
    both.commit()
    assert OCCUPANCY.read(both)[0] == before[0] + 1
