"""Availability asked again within its minute is answered in front of the app, byte for byte as the view would,
and whatever the front cannot judge exactly goes on to the view."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, text

from models import Resource, db
from services.accounts import accounts
from services.core.storage.database import own_connection
from tests.world import NOW, TZ, database_url, make_app, resident, space

ASKED_AT = NOW + timedelta(hours=2, seconds=30)  # inside a minute: at a whole minute nothing is kept
TOMORROW = (ASKED_AT.astimezone(TZ) + timedelta(days=1)).date()
VIEW = "api_people.resource_availability"


def centre(url: str) -> tuple:
    """One worker of a centre with a rehab room, a desk token and a resident's token."""
    app = make_app(url, FIXED_NOW=ASKED_AT)
    with app.app_context():
        room = space(db.session, name="康复理疗室", exclusive=False, capacity=2,
                     hours=[(d, time(8), time(10)) for d in range(7)])
        person = resident(db.session)
        desk = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        mine = accounts.create_token(db.session, accounts.create_user(db.session, "resident", "password-1", "resident",
                                                                      resident_id=person.id))
        db.session.commit()
        ids = {"room": room.id, "person": person.id, "desk": desk, "mine": mine}
    return app, ids


@pytest.fixture
def world(any_db_url):
    app, ids = centre(any_db_url)
    views = []
    answer = app.view_functions[VIEW]
    app.view_functions[VIEW] = lambda **kw: views.append(kw) or answer(**kw)
    yield app, ids, views
    with app.app_context():
        db.engine.dispose()


def ask(app, ids, query: str = f"?date={TOMORROW}", token: str = "desk", cookie: str | None = None):
    client = app.test_client()
    if cookie:
        client.set_cookie("session", cookie)
    return client.get(f"/api/v1/resources/{ids['room']}/availability{query}",
                      headers={"Authorization": f"Bearer {ids[token]}"})


def test_a_kept_answer_comes_from_the_front_with_the_views_own_bytes_and_headers(world):
    app, ids, views = world
    for query in (f"?date={TOMORROW}", ""):  # a day asked for, and today by default
        worked_out, kept = ask(app, ids, query), ask(app, ids, query)
        assert kept.status_code == worked_out.status_code == 200
        assert kept.data == worked_out.data
        assert sorted(kept.headers.items()) == sorted(worked_out.headers.items())
    assert len(views) == 2  # once for each question: the second asking never reached the view


def test_a_token_revoked_in_another_worker_gets_no_kept_answer(any_db_url):
    reader, ids = centre(any_db_url)
    assert ask(reader, ids).status_code == ask(reader, ids).status_code == 200
    writer = make_app(any_db_url)
    with writer.app_context():
        assert accounts.revoke_token(db.session, ids["desk"], NOW)
        db.session.commit()
    assert ask(reader, ids).status_code == 401


def test_what_the_front_cannot_judge_exactly_goes_on_to_the_view(world):
    app, ids, views = world
    ask(app, ids)
    ask(app, ids)
    assert len(views) == 1, "the answer is kept"
    with_cookie = ask(app, ids, cookie="whoever")  # the session, not the token, would say who asks
    for_someone = ask(app, ids, f"?date={TOMORROW}&resident_id={ids['person']}")
    own_account = ask(app, ids, token="mine")  # a resident's account: the view works out whose answer it is
    bad_day = ask(app, ids, "?date=2026-13-01")
    assert [with_cookie.status_code, for_someone.status_code, own_account.status_code] == [200, 200, 200]
    assert bad_day.status_code == 422 and bad_day.get_json()["error"]["field"] == "date"
    assert len(views) == 5


@pytest.mark.postgres
def test_the_front_replaces_its_connection_when_the_server_closed_it(tmp_path):
    """The front's own connection, ended by the server (as a restart ends it), is replaced at the next request,
    which is still answered in front of the app."""
    app, ids = centre(database_url("postgresql", tmp_path))
    views = []
    answer = app.view_functions[VIEW]
    app.view_functions[VIEW] = lambda **kw: views.append(kw) or answer(**kw)
    assert ask(app, ids).status_code == ask(app, ids).status_code == 200
    with app.app_context():
        front = own_connection(db.engine)
        pid = front.read(lambda connection: _one(connection, "SELECT pg_backend_pid()"))
        with db.engine.connect() as other:
            assert other.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})  # waits for its end
    kept = ask(app, ids)
    assert kept.status_code == 200 and len(views) == 1, "answered in front, on a new connection"
    with app.app_context():
        assert front.read(lambda connection: _one(connection, "SELECT pg_backend_pid()")) != pid
        db.engine.dispose()


def _one(connection, sql: str):
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchone()[0]
    finally:
        cursor.close()


def test_an_in_memory_database_is_read_through_the_pools_one_connection():
    """The database lives in that connection: taken for the front's own, it would leave the app an empty one."""
    app = make_app("sqlite://")
    with app.app_context():
        space(db.session)
        db.session.commit()
        count = own_connection(db.engine).read(lambda connection: _one(connection, "SELECT count(*) FROM resource"))
        db.session.close()
        assert count == db.session.scalar(select(func.count(Resource.id))) == 1
