"""The desk's board and booking page: a heading that names the day, buffers that say so, check-in and
no-show offered only when they are allowed, with the time they open otherwise."""
from datetime import date, datetime, time, timedelta

import pytest

from models import Booking
from services.booking import dayboard
from tests.web_world import TOMORROW, build
from tests.world import TZ, at, context, resident, space


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def test_the_board_heading_names_the_day_shown(world):
    desk = world.client("staff")
    assert "<h1>今天 · 2026年11月23日 星期一" in desk.get("/desk").get_data(as_text=True)
    assert "<h1>明天 · 2026年11月24日 星期二" in desk.get(f"/desk?date={TOMORROW}").get_data(as_text=True)
    later = desk.get("/desk?date=2026-12-03").get_data(as_text=True)
    assert "<h1>2026年12月3日 星期四" in later


def test_check_in_is_offered_only_from_an_hour_before_and_no_show_only_after_the_start(world):
    desk, url = world.client("staff"), f"/desk/bookings/{world.ids['their_booking']}"  # tomorrow 10:00–11:00
    early = desk.get(url).get_data(as_text=True)
    assert ">签到</button>" not in early and "签到从 2026年11月24日 星期二 09:00 开始" in early
    assert ">标记未到</button>" not in early
    world.app.config["FIXED_NOW"] = at(TOMORROW, 9, 30)
    opened = desk.get(url).get_data(as_text=True)
    assert ">签到</button>" in opened and ">标记未到</button>" not in opened
    world.app.config["FIXED_NOW"] = at(TOMORROW, 10, 20)
    assert ">标记未到</button>" in desk.get(url).get_data(as_text=True)
    world.app.config["FIXED_NOW"] = at(TOMORROW, 11)
    assert "预约已结束，不能再签到" in desk.get(url).get_data(as_text=True)


def test_a_slot_blocked_only_by_a_neighbours_buffer_says_buffer(session):
    room = space(session, buffer_minutes=30, slot_minutes=30)
    day = date(2026, 11, 24)
    session.add(Booking(resource_id=room.id, resident_id=resident(session).id, status="confirmed", exclusive=True,
                        starts_at=datetime.combine(day, time(10), TZ), ends_at=datetime.combine(day, time(11), TZ)))
    session.flush()
    [board] = dayboard.board(session, day, context(session, by_staff=True), [room])
    status = {s.start.astimezone(TZ).strftime("%H:%M"): s.status for s in board.slots}
    assert status["09:30"] == status["11:00"] == "buffer"
    assert status["10:00"] == status["10:30"] == "full" and status["11:30"] == "free"
    assert status["09:00"] == "free"


def test_the_booking_form_greys_out_spaces_the_resident_may_not_use_with_the_reason(world):
    page = world.client("staff").get(f"/desk/book?resident_id={world.ids['child']}").get_data(as_text=True)
    assert f'<option value="{world.ids["station"]}" disabled>养老驿站（仅限老年人、特殊关爱）</option>' in page


def test_a_weekly_series_lists_its_dates_and_the_skipped_ones_with_their_reasons(world):
    from models import Closure, db

    with world.app.app_context():
        week_later = at(TOMORROW + timedelta(days=7), 0)
        db.session.add(Closure(resource_id=None, starts_at=week_later, ends_at=week_later + timedelta(days=1),
                               reason="红梅议事日"))
        db.session.commit()
    desk = world.client("staff")
    done = world.post(desk, "/desk/book", {"resident_id": world.ids["mother"], "resource_id": world.ids["library"],
                                          "date": TOMORROW.isoformat(), "start": "12:00", "repeat": 3, "skip": "1"},
                      follow_redirects=True).get_data(as_text=True)
    assert "已为 周桂兰 预约 2 次：绘本馆 11月24日 星期二 12:00–13:00 起，每周一次" in done
    assert "2026年12月1日 星期二 没有约上：闭馆：红梅议事日" in done
    assert "11月24日 星期二 12:00–13:00</li>" in done and "12月8日 星期二 12:00–13:00</li>" in done


def test_a_desk_cancellation_tells_the_resident_with_the_reason(world):
    from sqlalchemy import select

    from models import OutboxMessage, db

    desk = world.client("staff")
    done = world.post(desk, f"/desk/bookings/{world.ids['their_booking']}/cancel", {"reason": "中心临时闭馆"},
                      follow_redirects=True)
    assert "已取消预约，已通知居民" in done.get_data(as_text=True)
    with world.app.app_context():
        [sent] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.booking_id == world.ids["their_booking"]))
        assert sent.kind == "booking_cancelled" and "中心临时闭馆" in sent.body and sent.recipient == "13900000002"


def test_an_activity_session_on_the_board_opens_its_roster_for_staff(world):
    from models import ActivitySession, db
    from services.activities.programme import ActivityInput
    from tests.activities_world import place
    from tests.world import DESK

    with world.app.app_context():
        data = ActivityInput(title="绘本故事会", title_en="Storytime", kind="storytime", seats=2,
                             resource_id=world.ids["library"], start=at(TOMORROW, 14), end=at(TOMORROW, 15),
                             groups=[], min_age=None, max_age=None, guardian_present=False)
        place(db.session, data, DESK)
        session_id = db.session.scalar(db.select(ActivitySession.id))
    desk = world.client("staff")
    board = desk.get(f"/desk?date={TOMORROW}").get_data(as_text=True)
    link = f'href="/programme/sessions/{session_id}"'
    assert link in board and "绘本故事会" in board
    roster = desk.get(f"/programme/sessions/{session_id}")
    assert roster.status_code == 200 and "绘本故事会" in roster.get_data(as_text=True)
