"""The other use-cases without HTTP: a space's rules, roles, sign-in, closures and the waitlist."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from models import SPACE_DEFAULTS, AuditEntry, Closure, Resource, User
from services.accounts import accounts, login_limits, roles, signin
from services.booking import closures, space_settings, use_cases
from services.booking.space_settings import BOUNDS, SpaceSettings
from services.booking.use_cases import BookingInput
from services.core import errors
from services.core.access import Actor
from services.routines import waitlist
from services.routines.waitlist_use_cases import accept_offer, join_waitlist
from tests.scheduler_world import SETTINGS
from tests.world import DESK, NOW, TZ, at, book, make_app, resident, resident_actor, space
from views.core.formatting import error_message

ADMIN = Actor(user_id=None, role="admin")
TUESDAY = date(2026, 11, 24)


def settings(**numbers) -> SpaceSettings:
    values = {name: SPACE_DEFAULTS.get(name) for name in BOUNDS}
    values.update(numbers)
    return SpaceSettings(texts={"name": "康复训练区", "name_en": "Rehab training area", "kind": "rehab"},
                         numbers=values, hours=[(d, time(8), time(17)) for d in range(5)])


def test_a_new_space_the_model_and_the_test_world_start_from_one_set_of_defaults(session):
    shown = space_settings.new_space()
    stored = Resource(name="x", name_en="x", kind="x")
    session.add(stored)
    session.flush()
    built = space(session)
    for name, value in SPACE_DEFAULTS.items():
        assert getattr(shown, name) == value and getattr(stored, name) == value, name
        if name != "exclusive":  # the test world's default space is the exclusive counselling room
            assert getattr(built, name) == value, name


def test_an_admin_saves_a_space_with_its_hours(session):
    saved = space_settings.save_space(session, ADMIN, None, settings(weekly_quota=2, special_window_days=28))
    session.rollback()
    stored = session.get(Resource, saved.id)
    assert stored.weekly_quota == 2 and stored.group_window_days == {"special": 28}
    assert [(h.weekday, h.opens, h.closes) for h in stored.hours] == [(d, time(8), time(17)) for d in range(5)]


def test_a_minimum_duration_over_the_maximum_is_refused_before_anything_is_saved(session):
    with pytest.raises(errors.Invalid) as refused:
        space_settings.save_space(session, ADMIN, None, settings(min_duration_minutes=120, max_duration_minutes=60,
                                                                 slot_minutes=60))
    assert refused.value.details["field"] == "min_duration_minutes"
    assert session.scalars(select(Resource)).all() == []


def test_a_slot_shorter_than_the_shortest_booking_is_refused(session):
    with pytest.raises(errors.Invalid) as refused:
        space_settings.check_settings(settings(min_duration_minutes=30, slot_minutes=20))
    assert refused.value.details["field"] == "slot_minutes"


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_every_setting_outside_its_range_is_refused_naming_it(name):
    low, high = BOUNDS[name]
    for value in (low - 1, high + 1):
        with pytest.raises(errors.Invalid) as refused:
            space_settings.check_settings(settings(**{name: value}))
        assert refused.value.details["field"] == name


def test_hours_that_close_before_they_open_are_refused_naming_the_day():
    bad = settings()
    bad.hours = [(0, time(8), time(12)), (2, time(17), time(8))]
    with pytest.raises(errors.Invalid) as refused:
        space_settings.check_settings(bad)
    assert refused.value.details["field"] == "hours_2" and refused.value.details["weekday"] == 2
    with make_app("sqlite://").test_request_context(headers={"Accept-Language": "zh-CN"}):
        said = error_message(refused.value.message, refused.value.details)
    assert said == "星期三的开放时间：结束时间须晚于开始时间（17:00-08:00）"


def test_a_space_kind_outside_the_list_is_refused_naming_the_field(session):
    for kind, words in (("rehab_room", "不在列表里"), ("", "请选择空间类型")):
        odd = settings()
        odd.texts["kind"] = kind
        with pytest.raises(errors.Invalid) as refused:
            space_settings.save_space(session, ADMIN, None, odd)
        assert refused.value.details["field"] == "kind" and words in refused.value.message
    assert session.scalars(select(Resource)).all() == []


def test_a_space_saved_before_the_list_of_kinds_keeps_its_own_kind(session):
    older = space(session, kind="tea_room")
    session.commit()
    kept = settings()
    kept.texts["kind"] = "tea_room"
    assert space_settings.save_space(session, ADMIN, older.id, kept).kind == "tea_room"
    with pytest.raises(errors.Invalid):
        space_settings.save_space(session, ADMIN, None, kept)  # a new space chooses from the list


def test_only_an_admin_changes_a_space(session):
    with pytest.raises(errors.Forbidden):
        space_settings.save_space(session, DESK, None, settings())


def _logins(session) -> dict[str, User]:
    made = {"admin": accounts.create_user(session, "admin", "password-1", "admin"),
            "desk": accounts.create_user(session, "desk", "password-1", "staff"),
            "home": accounts.create_user(session, "13800000001", "password-1", "resident",
                                         resident_id=resident(session).id)}
    session.commit()
    return made


def test_a_role_change_moves_the_login_and_signs_it_out_everywhere(session):
    users = _logins(session)
    admin = Actor(user_id=users["admin"].id, role="admin")
    version = users["desk"].session_version
    changed = roles.change_role(session, admin, users["desk"].id, "operator", " 颐康养老服务中心 ")
    assert (changed.role, changed.organisation) == ("operator", "颐康养老服务中心")
    assert changed.session_version == (version or 1) + 1


def test_role_changes_that_are_refused(session):
    users = _logins(session)
    admin = Actor(user_id=users["admin"].id, role="admin")
    with pytest.raises(errors.InvalidState):
        roles.change_role(session, admin, users["admin"].id, "staff", None)  # one's own admin role
    with pytest.raises(errors.Invalid):
        roles.change_role(session, admin, users["desk"].id, "operator", None)  # an operator needs its organisation
    with pytest.raises(errors.Invalid):
        roles.change_role(session, admin, users["home"].id, "staff", None)  # a resident's login keeps its role
    with pytest.raises(errors.Forbidden):
        roles.change_role(session, Actor(user_id=users["desk"].id, role="staff"), users["desk"].id, "admin", None)
    assert session.get(User, users["home"].id).role == "resident"


def test_staff_logins_are_made_by_admins_and_never_as_residents(session):
    users = _logins(session)
    admin = Actor(user_id=users["admin"].id, role="admin")
    assert roles.create_staff_user(session, admin, "counsellor", "a-long-password", "operator", "心晴").role == "operator"
    with pytest.raises(errors.Invalid):
        roles.create_staff_user(session, admin, "someone", "a-long-password", "resident")


def test_an_operator_removes_only_the_closures_of_spaces_it_runs(session):
    ours, theirs = space(session, operator="心晴心理咨询工作室"), space(session, operator="颐康养老服务中心")
    session.commit()
    counsellor = Actor(user_id=None, role="operator", organisation="心晴心理咨询工作室")
    mine = closures.create_closure(session, counsellor, ours.id, at(TUESDAY, 9), at(TUESDAY, 12), "员工培训")
    other = closures.create_closure(session, DESK, theirs.id, at(TUESDAY, 9), at(TUESDAY, 12), "消毒")
    with pytest.raises(errors.NotFound):
        closures.remove_closure(session, counsellor, other.id)
    closures.remove_closure(session, counsellor, mine.id)
    assert [c.id for c in session.scalars(select(Closure))] == [other.id]


def test_a_closure_without_a_reason_is_refused_before_the_write_lock(session):
    with pytest.raises(errors.Invalid) as refused:
        closures.create_closure(session, DESK, None, at(TUESDAY, 9), at(TUESDAY, 12), "  ")
    assert refused.value.details["field"] == "reason"


def test_the_waitlist_applies_every_booking_rule_but_fullness(session):
    room, person = space(session, hours=[(d, time(9), time(17)) for d in range(7)]), resident(session)
    book(session, room, resident(session, name="王建华"), at(TUESDAY, 10))
    actor = resident_actor(person)
    full = BookingInput(room.id, person.id, at(TUESDAY, 10), at(TUESDAY, 11))
    assert join_waitlist(session, actor, full, NOW, TZ, SETTINGS).status == "waiting"
    after_hours = BookingInput(room.id, person.id, at(TUESDAY, 17), at(TUESDAY, 18))
    with pytest.raises(errors.OutsideHours):
        join_waitlist(session, actor, after_hours, NOW, TZ, SETTINGS)
    too_far = BookingInput(room.id, person.id, at(TUESDAY, 10) + timedelta(days=60),
                           at(TUESDAY, 11) + timedelta(days=60))
    with pytest.raises(errors.TooFar):
        join_waitlist(session, actor, too_far, NOW, TZ, SETTINGS)


def test_a_booking_made_from_a_waitlist_offer_is_audited_like_any_other(session):
    room = space(session, sensitive=True)
    taken = book(session, room, resident(session, name="王建华"), at(TUESDAY, 10))
    person = resident(session)
    actor = resident_actor(person)
    entry = join_waitlist(session, actor, BookingInput(room.id, person.id, at(TUESDAY, 10), at(TUESDAY, 11)), NOW,
                          TZ, SETTINGS)
    use_cases.cancel(session, DESK, taken.id, NOW)
    waitlist.offer_everywhere(session, NOW, SETTINGS)
    made = accept_offer(session, actor, entry.id, NOW, SETTINGS)
    created = session.scalars(select(AuditEntry).where(AuditEntry.action == "create")).all()
    assert [(e.object_type, e.object_id) for e in created] == [("booking", made.id)]


def test_a_wrong_password_counts_towards_the_sign_in_limit_though_the_sign_in_fails(session):
    user = accounts.create_user(session, "desk", "password-1", "staff")
    session.commit()
    with pytest.raises(signin.WrongCredentials):
        signin.sign_in(session, "desk", "not-the-password", "127.0.0.1", NOW)
    session.rollback()
    counted = login_limits.keys_for(signin.account_key("desk", user), None)[0]  # the account, however spelled
    assert login_limits.recent_failures(session, counted, NOW) == 1
    assert signin.sign_in(session, "desk", "password-1", "127.0.0.1", NOW).username == "desk"
    assert login_limits.recent_failures(session, "account:desk", NOW) == 0
