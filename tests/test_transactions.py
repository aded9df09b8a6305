"""How each request's transaction begins on SQLite: reads deferred, writes with the lock taken up front."""
import sqlite3

import pytest
from sqlalchemy import event

from models import Resident, db
from services.core.storage import settings_cache, settings_version
from services.core.storage.database import is_read_only, mark_read_only
from services.core.storage.transaction import read_only
from tests.web_login import login, page_csrf_token
from tests.web_world import LOGINS, PASSWORD, TOMORROW, build


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'tx.db'}")


def begins_during(world, request) -> list[str]:
    seen: list[str] = []
    with world.app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, *args):
        # A worker's copies of the settings are read in deferred transactions of their own (settings_cache).
        if statement.startswith("BEGIN") and not conn.get_execution_options().get(settings_cache.COPY_OPTION):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        request()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def test_a_plain_page_read_begins_deferred_so_it_never_queues_for_the_write_lock(world):
    desk = world.client("staff")
    assert begins_during(world, lambda: desk.get(f"/desk?date={TOMORROW}")) == ["BEGIN"]


def test_an_audited_page_read_writes_its_entry_in_a_transaction_of_its_own_begun_with_the_write_lock(world):
    desk = world.client("staff")
    begins = begins_during(world, lambda: desk.get(f"/desk/roster?resource_id={world.ids['room']}&date={TOMORROW}"))
    # The page reads deferred; the audit entry is a separate write that takes the lock up front, so
    # no read transaction is ever upgraded (which fails at once when another process committed meanwhile).
    assert begins[:2] == ["BEGIN", "BEGIN IMMEDIATE"]


def test_sqlite_refuses_to_upgrade_a_read_after_another_commit(tmp_path):
    """Why an audited read writes in a new transaction: upgrading the read fails at once, whatever the busy timeout."""
    path = tmp_path / "upgrade.db"
    page, scheduler = (sqlite3.connect(path, isolation_level=None, timeout=5) for _ in range(2))
    page.execute("PRAGMA journal_mode=WAL")
    page.execute("CREATE TABLE audit (x)")
    page.execute("BEGIN")
    page.execute("SELECT * FROM audit").fetchall()
    scheduler.execute("BEGIN IMMEDIATE")
    scheduler.execute("INSERT INTO audit VALUES (1)")
    scheduler.execute("COMMIT")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        page.execute("INSERT INTO audit VALUES (2)")


def test_signing_in_checks_the_password_before_taking_the_write_lock(world):
    client = world.app.test_client()
    begins = begins_during(world, lambda: login(client, LOGINS["staff"], PASSWORD))
    # The sign-in reads and hashes in a deferred transaction, then records the outcome under the lock.
    assert begins[:2] == ["BEGIN", "BEGIN IMMEDIATE"]


@pytest.mark.parametrize("entry", ["desk", "portal"])
def test_a_refused_booking_looks_up_its_alternatives_after_the_write_lock_is_released(world, entry):
    """The form is parsed in a read, the rules run under the lock, and the nearest free slots are advice
    read afterwards: nothing after the one IMMEDIATE transaction queues for the lock."""
    if entry == "desk":
        client = world.client("staff")
        path, data = "/desk/book", {"resident_id": world.ids["parent"], "resource_id": world.ids["room"],
                                    "date": TOMORROW.isoformat(), "start": "10:00", "minutes": "60"}
    else:
        client = world.client("resident")
        path, data = f"/my/book/{world.ids['room']}/confirm", {"start": f"{TOMORROW.isoformat()}T10:00"}
    token = page_csrf_token(client, "/login")
    answer = {}
    begins = begins_during(world, lambda: answer.update(
        page=client.post(path, data={"csrf_token": token, **data})))
    assert answer["page"].status_code == 409
    # The booking's one write; the alternatives read without the lock; then the refusal's own small record
    # for the check-up (no personal data), after the booking's transaction has rolled back; the page renders.
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE", "BEGIN"]


def test_a_worker_copying_the_settings_during_a_booking_never_takes_the_write_lock_for_it(world):
    """A copy made while the booking holds SQLite's write lock reads beside it (deferred, WAL): were it to BEGIN
    IMMEDIATE on its own connection, it would wait for the lock its own request holds."""
    client = world.client("staff")
    with world.app.app_context():
        settings_version.SETTINGS.bump(db.session)  # as an admin's edit would: every copy must be made again
        db.session.commit()
        engine = db.engine
    copies: list[str] = []

    def note(conn, cursor, statement, *args):
        if statement.startswith("BEGIN") and conn.get_execution_options().get(settings_cache.COPY_OPTION):
            copies.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        answer = client.post("/desk/book", data={
            "csrf_token": page_csrf_token(client, "/login"), "resident_id": world.ids["parent"],
            "resource_id": world.ids["library"], "date": TOMORROW.isoformat(), "start": "15:00", "minutes": "60"})
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    assert copies and set(copies) == {"BEGIN"}


def test_a_look_up_inside_a_web_requests_read_joins_that_read(world):
    """An enrolment examines its rules in read_only(): inside a request it costs no COMMIT and BEGIN, and what
    the request loaded (its account among them) stays loaded."""
    def request():
        before = is_read_only()
        mark_read_only(True)  # as every web request begins
        try:
            with world.app.test_request_context():
                resident = db.session.get(Resident, world.ids["parent"])
                with read_only(db.session):
                    db.session.get(Resident, world.ids["parent"])
                assert "name" in resident.__dict__  # not expired: the read was not ended
                db.session.rollback()
        finally:
            mark_read_only(before)

    assert begins_during(world, request) == ["BEGIN"]
