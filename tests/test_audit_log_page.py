"""The admin's audit log reads as people read it: names of who acted and whose record, links to the record,
date, actor and action filters, 50 entries a page; naming residents there is itself an audited read."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEntry, db
from services.accounts import accounts
from services.core import audit, audit_log, errors
from services.core.access import Actor
from tests.web_world import TOMORROW, build
from tests.world import NOW, TZ, at, book, resident, space

ADMIN_NOW = NOW + timedelta(days=2)


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def _admin(session) -> Actor:
    user = accounts.create_user(session, "chief", "correct-horse-1", "admin")
    return Actor(user_id=user.id, role="admin")


def test_an_entry_names_who_acted_and_whose_record_it_was(session):
    room = space(session, name="心理咨询室", sensitive=True)
    person = resident(session, name="王建华")
    visit = book(session, room, person, at(date(2026, 11, 24), 10))
    desk = accounts.create_user(session, "desk", "correct-horse-1", "staff")
    audit.record(session, desk.id, audit.READ, "booking", visit.id, NOW)
    session.commit()
    page = audit_log.read_log(session, _admin(session), audit_log.Filters(object_type="booking"), 1, TZ, ADMIN_NOW)
    [line] = page.lines
    assert line.actor == "desk" and line.actor_role == "staff"
    assert line.subject.person == "王建华" and line.subject.space.name == "心理咨询室"
    assert line.subject.opens == ("booking", visit.id)


def test_reading_the_log_records_a_read_of_each_resident_and_sensitive_booking_it_names(session):
    room = space(session, sensitive=True)
    person = resident(session, name="王建华")
    visit = book(session, room, person, at(date(2026, 11, 24), 10))
    audit.record(session, None, audit.CHANGE, "booking", visit.id, NOW)
    session.commit()
    admin = _admin(session)
    audit_log.read_log(session, admin, audit_log.Filters(), 1, TZ, ADMIN_NOW)
    reads = set(session.execute(select(AuditEntry.object_type, AuditEntry.object_id)
                                .where(AuditEntry.user_id == admin.user_id, AuditEntry.action == "read")))
    assert reads == {("resident", person.id), ("booking", visit.id)}


def test_the_log_is_filtered_by_dates_actor_and_action(session):
    person = resident(session)
    desk = accounts.create_user(session, "desk", "correct-horse-1", "staff")
    other = accounts.create_user(session, "desk2", "correct-horse-1", "staff")
    for days, who, action in ((0, desk, "read"), (1, desk, "change"), (3, other, "read"), (5, desk, "read")):
        audit.record(session, who.id, action, "resident", person.id, NOW + timedelta(days=days))
    session.commit()
    admin, first = _admin(session), NOW.astimezone(TZ).date()

    def count(**wanted) -> int:
        return audit_log.read_log(session, admin, audit_log.Filters(object_type="resident", **wanted), 1, TZ,
                                  ADMIN_NOW + timedelta(days=9)).total

    assert count() == 4
    assert count(first_day=first + timedelta(days=1), last_day=first + timedelta(days=3)) == 2
    assert count(user_id=desk.id) == 3 and count(user_id=desk.id, action="read") == 2
    assert count(action="change") == 1


def test_a_wrong_action_or_an_end_before_the_start_is_refused_naming_the_field(session):
    admin = _admin(session)
    with pytest.raises(errors.Invalid) as wrong:
        audit_log.read_log(session, admin, audit_log.Filters(action="delete"), 1, TZ, NOW)
    assert wrong.value.details["field"] == "action"
    with pytest.raises(errors.Invalid) as backwards:
        audit_log.read_log(session, admin, audit_log.Filters(first_day=date(2026, 11, 5), last_day=date(2026, 11, 1)),
                           1, TZ, NOW)
    assert backwards.value.details["field"] == "until"


def test_only_an_admin_reads_the_log(session):
    with pytest.raises(errors.Forbidden):
        audit_log.read_log(session, Actor(user_id=None, role="staff"), audit_log.Filters(), 1, TZ, NOW)


def test_the_page_shows_names_and_links_not_ids(world):
    desk = world.client("staff")
    desk.get(f"/desk/bookings/{world.ids['their_booking']}")  # the counselling room: an audited read
    page = world.client("admin").get("/admin/audit?type=booking").get_data(as_text=True)
    assert f'<a href="/desk/bookings/{world.ids["their_booking"]}">预约记录</a>' in page
    assert "王建华" in page and "desk" in page and "前台" in page
    assert f"#{world.ids['their_booking']}" not in page


def test_the_page_shows_fifty_entries_at_a_time_with_previous_and_next_keeping_the_filters(world):
    with world.app.app_context():
        for n in range(120):
            audit.record(db.session, None, "change", "resident", world.ids["other"], NOW - timedelta(minutes=n))
        db.session.commit()
    admin = world.client("admin")
    first = admin.get("/admin/audit?type=resident&action=change").get_data(as_text=True)
    assert first.count('<td class="when">') == 50 and "第 1 页，共 3 页（120 条）" in first
    assert "上一页" not in first and 'href="/admin/audit?page=2&amp;type=resident&amp;action=change"' in first
    last = admin.get("/admin/audit?type=resident&action=change&page=3").get_data(as_text=True)
    assert last.count('<td class="when">') == 20 and "上一页" in last and "下一页" not in last


def test_a_wrong_filter_on_the_page_answers_400_in_words(world):
    admin = world.client("admin")
    answer = admin.get("/admin/audit?action=drop")
    assert answer.status_code == 400 and "action" in answer.get_data(as_text=True)
    assert admin.get("/admin/audit?from=2026-13-01").status_code == 400
    assert admin.get(f"/admin/audit?from={TOMORROW}&until={NOW.astimezone(TZ).date()}").status_code == 400


def test_the_filters_narrow_the_page_to_one_actor_on_one_day(world):
    desk = world.client("staff")
    desk.get(f"/desk/residents/{world.ids['other']}")
    with world.app.app_context():
        desk_id = db.session.scalar(select(AuditEntry.user_id).where(AuditEntry.object_type == "resident"))
        total = db.session.scalar(select(func.count()).select_from(AuditEntry))
    day = NOW.astimezone(TZ).date().isoformat()
    page = world.client("admin").get(f"/admin/audit?actor={desk_id}&from={day}&until={day}").get_data(as_text=True)
    assert f'<option value="{desk_id}" selected>desk</option>' in page and total >= 1
    assert "王建华" in page
