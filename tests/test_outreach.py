"""一人不落下: who is on the morning list, how a contact takes them off it, the page and the CSV."""
import csv
import io
from datetime import date, timedelta

from models import AttentionFlag, db
from services.accounts import accounts
from services.routines import jobs, outreach
from tests.scheduler_world import SETTINGS, TUESDAY, build, messages
from tests.web_login import login, post_form
from tests.world import NOW, at, book, database_url, make_app, resident


def names(rows) -> list[str]:
    return [row.resident.name for row in rows]


def test_lists_the_special_group_and_the_over_eighties_nobody_has_seen(session):
    build(session)  # 王桂兰 lives alone; the others are adults and a child
    resident(session, name="李大爷", born=date(1944, 1, 1))  # 82
    resident(session, name="赵阿姨", born=date(1950, 1, 1))  # 76: elderly, but not on this list
    resident(session, name="孙叔", born=date(1975, 1, 1), disability=True)
    session.commit()
    rows = outreach.who_to_contact(session, NOW, SETTINGS)
    assert sorted(names(rows)) == sorted(["王桂兰", "李大爷", "孙叔"])
    aged = next(r for r in rows if r.resident.name == "李大爷")
    assert aged.reasons == ["aged"] and aged.age == 82 and aged.last_seen is None


def test_a_recent_booking_or_contact_takes_someone_off_the_list_for_n_days(session):
    world = build(session)
    book(session, world.hall, world.elder, at(TUESDAY, 10))
    assert "王桂兰" not in names(outreach.who_to_contact(session, NOW + timedelta(days=14), SETTINGS))
    assert "王桂兰" in names(outreach.who_to_contact(session, at(TUESDAY, 10) + timedelta(days=15), SETTINGS))
    outreach.record_contact(session, world.elder.id, "phone", "reached", None, at(TUESDAY, 10) + timedelta(days=15))
    session.commit()
    assert "王桂兰" not in names(outreach.who_to_contact(session, at(TUESDAY, 10) + timedelta(days=16), SETTINGS))


def test_an_unanswered_call_keeps_the_resident_on_the_list(session):
    world = build(session)
    outreach.record_contact(session, world.elder.id, "phone", "no_answer", None, NOW)
    session.commit()
    assert "王桂兰" in names(outreach.who_to_contact(session, NOW + timedelta(hours=1), SETTINGS))


def test_the_desk_is_told_once_each_morning(session):
    build(session)
    for moment in (at(TUESDAY, 7, 59), at(TUESDAY, 8), at(TUESDAY, 9), at(TUESDAY, 8) + timedelta(days=1)):
        jobs.run_all(session, moment, SETTINGS)
    sent = messages(session, kind="outreach_list")
    assert len(sent) == 2 and "一人不落下" in sent[0].body and "1 位" in sent[0].body


def test_the_page_lists_records_a_contact_and_downloads_csv(tmp_path):
    app = make_app(database_url("sqlite", tmp_path), FIXED_NOW=NOW)
    with app.app_context():
        world = build(db.session)
        accounts.create_user(db.session, "desk", "password-1", "staff")
        accounts.create_user(db.session, "mum", "password-1", "resident", resident_id=world.parent.id)
        elder_id = world.elder.id
        db.session.commit()
    client = app.test_client()
    login(client, "mum", "password-1")
    assert client.get("/desk/outreach").status_code == 403
    client.post("/logout", data={"csrf_token": ""})
    client = app.test_client()
    login(client, "desk", "password-1")
    page = client.get("/desk/outreach").get_data(as_text=True)
    assert "王桂兰" in page and "独居" in page
    download = client.get("/desk/outreach.csv")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert download.mimetype == "text/csv" and rows[1][1] == "王桂兰" and rows[1][2] == "86"
    answer = post_form(client, "/desk/outreach/contacts", {"resident_id": elder_id, "method": "visit",
                                                           "outcome": "reached"}, token_from="/desk/outreach")
    assert answer.status_code == 303
    assert "王桂兰" not in client.get("/desk/outreach").get_data(as_text=True)
    bad = post_form(client, "/desk/outreach/contacts", {"resident_id": elder_id, "method": "telepathy",
                                                        "outcome": "reached"}, token_from="/desk/outreach")
    assert bad.status_code == 303
    with app.app_context():
        db.engine.dispose()


def test_repeated_no_show_flags_are_shown_to_the_desk_until_resolved(tmp_path):
    app = make_app(database_url("sqlite", tmp_path), FIXED_NOW=NOW)
    with app.app_context():
        world = build(db.session)
        accounts.create_user(db.session, "desk", "password-1", "staff")
        flag = AttentionFlag(dedupe_key="repeated_no_show:test", resident_id=world.adult.id,
                             reason="repeated_no_show", count=3, created_at=NOW)
        db.session.add(flag)
        db.session.commit()
        flag_id = flag.id
    client = app.test_client()
    login(client, "desk", "password-1")
    page = client.get("/desk/outreach").get_data(as_text=True)
    assert "张建国" in page and "3 次未到" in page
    answer = post_form(client, f"/desk/outreach/flags/{flag_id}/resolve", token_from="/desk/outreach")
    assert answer.status_code == 303
    assert "张建国" not in client.get("/desk/outreach").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AttentionFlag, flag_id).resolved_at == NOW
        db.engine.dispose()


def test_the_outreach_csv_neutralises_a_name_that_looks_like_a_formula(tmp_path):
    app = make_app(database_url("sqlite", tmp_path), FIXED_NOW=NOW)
    with app.app_context():
        world = build(db.session)
        world.elder.name = '=HYPERLINK("http://evil.example","王桂兰")'
        accounts.create_user(db.session, "desk", "password-1", "staff")
        db.session.commit()
    client = app.test_client()
    login(client, "desk", "password-1")
    rows = list(csv.reader(io.StringIO(client.get("/desk/outreach.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\",\"王桂兰\")"
    with app.app_context():
        db.engine.dispose()
