"""A closure over bookings: before saving it lists what it hits; saving cancels them with its reason, frees
their seats, lets the waitlist for those hours lapse and queues one closure_notice per booking, with the
nearest times the resident could book as one-tap links. On SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Booking, WaitlistEntry, db
from services.booking import availability, booking, closure_effects, closures
from services.booking.rules import Request
from services.core.access import Actor
from tests.scheduler_world import SETTINGS, TUESDAY, build, messages
from tests.world import DESK, NOW, TZ, at, book, context, make_app, resident, resident_actor

OPERATOR = Actor(user_id=None, role="operator", organisation="颐康养老服务中心")
TELLING = closure_effects.Telling(SETTINGS, lambda r, p, s: f"https://centre.example/my/book/{r}/confirm?for={p}"
                                                            f"&start={s.astimezone(TZ):%Y-%m-%dT%H:%M}", NOW)


@pytest.fixture
def world(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        yield build(db.session)
        db.session.rollback()
        db.engine.dispose()


def _two_bookings_and_a_line(session, world):
    first = book(session, world.room, world.adult, at(TUESDAY, 10))
    second = book(session, world.room, world.child, at(TUESDAY, 14))
    waiting = resident(session, name="候补的人")
    req = Request(booking.lock_space(session, world.room.id), waiting, at(TUESDAY, 10), at(TUESDAY, 11))
    from services.routines import waitlist
    waitlist.join(session, req, resident_actor(waiting), context(session))
    session.commit()
    return first, second


def test_a_closure_over_two_bookings_cancels_them_frees_the_seats_and_tells_both(world):
    session = db.session
    first, second = _two_bookings_and_a_line(session, world)
    hit = closure_effects.hit_by(session, world.room, at(TUESDAY, 9), at(TUESDAY, 17))
    assert [b.id for b in hit.bookings] == [first.id, second.id] and len(hit.offers) == 1
    _, cancelled = closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 17), "漏水维修",
                                           TELLING)
    session.commit()
    assert {b.id for b in cancelled} == {first.id, second.id}
    for visit in (first, second):
        session.refresh(visit)
        assert visit.status == "cancelled" and visit.cancel_reason == "闭馆：漏水维修"
        [notice] = messages(session, booking_id=visit.id)
        assert notice.kind == "closure_notice" and "漏水维修" in notice.body
        assert f"https://centre.example/my/book/{world.room.id}/confirm?for={visit.resident_id}" in notice.body
    assert messages(session, booking_id=second.id)[0].recipient == "13800000001"  # the child's guardian
    assert session.scalar(select(WaitlistEntry.status)) == "lapsed"
    assert session.scalar(select(Booking.id).where(Booking.status == "confirmed")) is None


def test_the_offered_times_are_ones_the_resident_could_book_and_outside_the_closure(world):
    session = db.session
    first, _ = _two_bookings_and_a_line(session, world)
    closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 17), "漏水维修", TELLING)
    session.commit()
    body = messages(session, booking_id=first.id)[0].body
    starts = [part.split("start=")[1][:16] for part in body.split("https://")[1:]]
    assert starts
    ctx = context(session)
    for start in starts:
        day = start[:10]
        free = {s.start.astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M") for s in availability.day_slots(
            session, world.room, TUESDAY.fromisoformat(day), ctx, world.adult) if s.bookable}
        assert start in free, start
        assert not (f"{TUESDAY}T09:00" <= start < f"{TUESDAY}T17:00")


def test_an_operator_closing_its_own_space_cancels_and_tells_the_same_way(world):
    session = db.session
    first, second = _two_bookings_and_a_line(session, world)
    _, cancelled = closures.close_and_tell(session, OPERATOR, world.room.id, at(TUESDAY, 9), at(TUESDAY, 12),
                                           "员工培训", TELLING)
    session.commit()
    assert [b.id for b in cancelled] == [first.id]
    assert session.get(Booking, second.id).status == "confirmed"
    assert len(messages(session, kind="closure_notice")) == 1


def test_a_closure_notice_is_queued_once_per_booking_even_if_it_is_told_again(world):
    session = db.session
    first, _ = _two_bookings_and_a_line(session, world)
    closure, _ = closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 12), "停电",
                                         TELLING)
    from services.messaging import notices
    assert not notices.closure(session, session.get(Booking, first.id), "停电", [], NOW + timedelta(minutes=1),
                               SETTINGS)
    assert len(messages(session, kind="closure_notice")) == 1


def test_the_api_closure_answers_with_the_bookings_it_cancelled(any_db_url):
    from tests.api_setup import build as build_api

    centre = build_api(any_db_url)
    made = centre.post("/bookings", {"resource_id": centre.ids["library"], "resident_id": centre.ids["parent"],
                                     "start": "2026-11-24T10:00", "end": "2026-11-24T11:00"}).json["id"]
    closed = centre.post("/closures", {"resource_id": centre.ids["library"], "start": "2026-11-24T09:00",
                                       "end": "2026-11-24T12:00", "reason": "消毒"})
    assert closed.status_code == 201 and closed.json["cancelled"] == [made]
    assert centre.get(f"/bookings/{made}").json["status"] == "cancelled"
    with centre.app.app_context():
        assert [m.kind for m in messages(db.session, booking_id=made)] == ["closure_notice"]
        db.engine.dispose()


def _watch_the_lookup(monkeypatch, url: str) -> list[dict]:
    """Wrap the real alternatives search: while it runs, look at the database from another connection."""
    from sqlalchemy import create_engine, text

    seen: list[dict] = []
    real = availability.alternatives
    other = create_engine(url)

    def watched(*args, **kwargs):
        with other.connect() as conn:
            look = {"closures": conn.execute(text("SELECT count(*) FROM closure")).scalar(),
                    "cancelled": conn.execute(text("SELECT count(*) FROM booking WHERE status = 'cancelled'")).scalar(),
                    "notices": conn.execute(text("SELECT count(*) FROM outbox_message")).scalar()}
        if url.startswith("sqlite"):  # a writer could start right now: nobody holds the write lock
            import sqlite3
            raw = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
            try:
                raw.execute("BEGIN IMMEDIATE")
                raw.execute("ROLLBACK")
                look["write_lock_free"] = True
            except sqlite3.OperationalError:
                look["write_lock_free"] = False
            finally:
                raw.close()
        seen.append(look)
        return real(*args, **kwargs)

    monkeypatch.setattr(closure_effects.availability, "alternatives", watched)
    return seen


def test_the_nearest_times_are_looked_up_after_the_closure_commits_with_no_write_lock_held(world, any_db_url,
                                                                                         monkeypatch):
    session = db.session
    first, second = _two_bookings_and_a_line(session, world)
    seen = _watch_the_lookup(monkeypatch, str(db.engine.url.render_as_string(hide_password=False)))
    closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 17), "漏水维修", TELLING)
    assert len(seen) == 2  # one search per cancelled booking
    for look in seen:  # another connection already sees the closure, both cancellations and both notices
        assert look["closures"] == 1 and look["cancelled"] == 2 and look["notices"] == 2
        assert look.get("write_lock_free", True), "the search ran inside the closure's write transaction"
    for visit in (first, second):
        [notice] = messages(session, booking_id=visit.id)
        assert "点链接即可预约" in notice.body and "https://centre.example/my/book/" in notice.body


def test_a_notice_already_being_sent_keeps_its_text_and_is_never_queued_twice(world, monkeypatch):
    session = db.session
    first, _ = _two_bookings_and_a_line(session, world)
    real = availability.alternatives

    def sender_claims_first(*args, **kwargs):  # the scheduler claims the notice while the times are looked up
        from sqlalchemy import update

        from models import OutboxMessage
        with db.engine.begin() as conn:
            conn.execute(update(OutboxMessage).values(status="sending"))
        return real(*args, **kwargs)

    monkeypatch.setattr(closure_effects.availability, "alternatives", sender_claims_first)
    closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 12), "停电", TELLING)
    [notice] = messages(session, booking_id=first.id)
    assert "如需改约，请登录预约或打电话给前台" in notice.body and "https://" not in notice.body


def test_a_failed_search_for_times_leaves_the_closure_and_one_plain_notice_per_booking(world, monkeypatch):
    session = db.session
    first, second = _two_bookings_and_a_line(session, world)

    def broken(*args, **kwargs):
        raise RuntimeError("availability is down")

    monkeypatch.setattr(closure_effects.availability, "alternatives", broken)
    _, cancelled = closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 17), "漏水维修",
                                           TELLING)
    assert {b.id for b in cancelled} == {first.id, second.id}
    assert session.get(Booking, first.id).status == "cancelled"
    bodies = [m.body for m in messages(session, kind="closure_notice")]
    assert len(bodies) == 2 and all("请登录预约或打电话给前台" in b for b in bodies)


def test_putting_the_times_into_the_notices_is_a_write_of_outbox_updates_only(world):
    from sqlalchemy import event

    from services.core.storage.database import is_read_only

    session = db.session
    _two_bookings_and_a_line(session, world)
    writes: list[list[str]] = []

    def began(conn):
        if not is_read_only():
            writes.append([])

    def executed(conn, cursor, statement, *args):
        if writes and not is_read_only():
            writes[-1].append(statement.split()[0].upper() + " " + statement.split()[1].strip('"').lower())

    event.listen(db.engine, "begin", began)
    event.listen(db.engine, "before_cursor_execute", executed)
    try:
        closures.close_and_tell(session, DESK, world.room.id, at(TUESDAY, 9), at(TUESDAY, 17), "漏水维修", TELLING)
    finally:
        event.remove(db.engine, "begin", began)
        event.remove(db.engine, "before_cursor_execute", executed)
    last = writes[-1]
    assert last and set(last) == {"UPDATE outbox_message"}, last  # one UPDATE a notice, nothing read there
    assert len(last) == 2
