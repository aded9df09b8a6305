"""A cancellation tells the person: the desk's (or an operator's) with its reason, the resident's own as a
confirmation; a child's goes to the guardian; exactly once per booking and change."""
from datetime import timedelta

from services.booking import booking
from services.messaging import notices
from tests.scheduler_world import SETTINGS, TUESDAY, build, messages
from tests.world import DESK, NOW, at, book, resident_actor


def test_the_desk_cancelling_tells_the_resident_why_once(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    booking.cancel(session, visit, DESK, NOW, reason="理疗师生病", notify=SETTINGS)
    session.commit()
    [notice] = messages(session, booking_id=visit.id)
    assert notice.kind == notices.CANCELLED and notice.recipient == "13900000002"
    assert "理疗师生病" in notice.body and "11月24日（周二）10:00–11:00" in notice.body
    assert not notices.cancellation(session, visit, DESK, NOW, SETTINGS)  # the same change: not queued again


def test_a_residents_own_cancellation_gets_a_confirmation_and_a_childs_goes_to_the_guardian(session):
    world = build(session)
    visit = book(session, world.hall, world.child, at(TUESDAY, 10))
    booking.cancel(session, visit, resident_actor(world.parent, world.child), NOW, "居民本人取消", notify=SETTINGS)
    session.commit()
    [notice] = messages(session, booking_id=visit.id)
    assert notice.kind == notices.CONFIRMED_CANCEL and notice.recipient == "13800000001"  # 周丽娟, the mother
    assert "您为陈一诺预约的" in notice.body


def test_each_change_of_a_booking_is_told_once(session):
    world = build(session)
    visit = book(session, world.room, world.adult, at(TUESDAY, 10))
    booking.cancel(session, visit, DESK, NOW, reason="消毒", notify=SETTINGS)
    before = visit.sequence
    visit.status, visit.sequence = "confirmed", visit.sequence + 1  # reinstated by the desk (a change)
    booking.cancel(session, visit, DESK, NOW + timedelta(hours=1), reason="停电", notify=SETTINGS)
    session.commit()
    assert [m.dedupe_key for m in messages(session, booking_id=visit.id)] == [
        f"booking_cancelled:{visit.id}:{before}", f"booking_cancelled:{visit.id}:{visit.sequence}"]
