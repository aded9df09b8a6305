"""Sessions in the calendar feeds: the public programme shows no person; residents see their household's."""
import icalendar

from services.accounts import accounts
from services.activities import programme
from services.core.access import actor_for
from services.feeds import feed_build, feeds
from tests.activities_world import COUNSELLOR, SETTINGS, build, enrol, families, place, storytime_input
from tests.world import DESK, NOW, TZ, resident_actor


def feed_text(session, user, scope, **where) -> tuple[str, list]:
    feed, _ = feeds.create_feed(session, user, scope, **where)
    session.commit()
    raw = feed_build.build_feed(session, feed, actor_for(session, user), NOW, TZ, feeds.FeedSettings())
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return raw.decode(), [str(e["SUMMARY"]) for e in events]


def programme_with_people(session):
    world = build(session)
    storytime = place(session, storytime_input(world)).sessions[0]
    group = place(session, storytime_input(world, title="情绪减压小组", resource_id=world.counselling.id, seats=1,
                                           groups=[], min_age=None, max_age=None, sensitive=True,
                                           start=storytime.starts_at.replace(hour=6),
                                           end=storytime.starts_at.replace(hour=7)), actor=COUNSELLOR).sessions[0]
    enrol(session, world.child, storytime.id, actor=resident_actor(world.parent, world.child))
    enrol(session, world.adult, group.id)
    return world, storytime, group


def test_the_public_feed_shows_the_programme_and_no_person(both):
    world, storytime, group = programme_with_people(both)
    user = accounts.create_user(both, "visitor", "password-1", "resident", resident_id=world.adult.id)
    raw, summaries = feed_text(both, user, "public")
    assert "绘本故事会 / Storytime" in summaries
    assert not any("减压" in s for s in summaries)
    for private in ("陈一诺", "周丽娟", "张建国", "13800000001", "已报名"):
        assert private not in raw


def test_a_residents_feed_carries_their_own_and_their_wards_enrolments(both):
    world, storytime, group = programme_with_people(both)
    parent = accounts.create_user(both, "13800000001", "password-1", "resident", resident_id=world.parent.id)
    _, summaries = feed_text(both, parent, "resident", resident_id=world.parent.id)
    assert summaries.count("绘本故事会 / Storytime · 陈一诺") == 1 and not any("减压" in s for s in summaries)
    adult = accounts.create_user(both, "13900000002", "password-1", "resident", resident_id=world.adult.id)
    _, own = feed_text(both, adult, "resident", resident_id=world.adult.id)
    assert own == ["情绪减压小组 / Storytime"]  # the resident's own feed names it


def test_an_operators_feed_shows_its_sessions_with_numbers_enrolled(session):
    world = build(session)
    sid = place(session, storytime_input(world, operator="小橡树早教")).sessions[0].id
    for grown, child in families(session, 3):
        enrol(session, child, sid, actor=resident_actor(grown, child))
    operator = accounts.create_user(session, "oak", "password-1", "operator", organisation="小橡树早教")
    raw, summaries = feed_text(session, operator, "operator")
    assert "绘本故事会 / Storytime" in summaries and "3/10" in raw and "孩子" not in raw and "家长" not in raw


def test_a_cancelled_session_shows_as_cancelled(session):
    world = build(session)
    row = place(session, storytime_input(world)).sessions[0]
    programme.cancel_session(session, DESK, row.activity_id, row.id, "停电", NOW, SETTINGS)
    user = accounts.create_user(session, "visitor", "password-1", "resident", resident_id=world.adult.id)
    raw, summaries = feed_text(session, user, "public")
    assert [s for s in summaries if "绘本" in s] == ["已取消 / Cancelled · 绘本故事会 / Storytime"]
    assert "停电" not in raw
