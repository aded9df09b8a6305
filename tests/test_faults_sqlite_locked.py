"""SQLite held locked past the busy timeout: writes answer 503 with Retry-After, never 500; reads go on."""
import sqlite3
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Booking, LoginFailure, db
from services.accounts import accounts
from tests.web_login import page_csrf_token
from tests.world import NOW, TZ, make_app, resident, space

BUSY_TIMEOUT = 0.2  # seconds; the deployment default is 30


@pytest.fixture
def centre(tmp_path):
    path = tmp_path / "centre.db"
    app = make_app(f"sqlite:///{path}", FIXED_NOW=NOW, SQLITE_BUSY_TIMEOUT_SECONDS=BUSY_TIMEOUT)
    with app.app_context():
        room, person = space(db.session), resident(db.session)
        token = accounts.create_token(db.session, accounts.create_user(db.session, "desk", "password-1", "staff"))
        db.session.commit()
        ids = {"room": room.id, "person": person.id}
    yield app, path, token, ids
    with app.app_context():
        db.engine.dispose()


def booking_body(ids: dict) -> dict:
    start = (NOW.astimezone(TZ) + timedelta(days=1)).replace(hour=10)
    return {"resource_id": ids["room"], "resident_id": ids["person"], "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()}


def hold_write_lock(path) -> sqlite3.Connection:
    """Another process's long write: the file's write lock taken and kept."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_a_booking_beyond_the_busy_timeout_is_a_503_with_retry_after_and_leaves_nothing(centre):
    app, path, token, ids = centre
    client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}
    other = hold_write_lock(path)
    try:
        began = time.perf_counter()
        refused = client.post("/api/v1/bookings", json=booking_body(ids), headers=auth)
        waited = time.perf_counter() - began
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        error = refused.get_json()["error"]
        assert error["code"] == "unavailable" and error["reason"] == "busy" and error["message"] == "系统正忙，请稍后再试。"
        assert waited < 3  # it waited out the busy timeout, not a request's worth of patience
        assert client.get("/api/v1/resources", headers=auth).status_code == 200  # reads go on (WAL)
    finally:
        other.rollback()
        other.close()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert client.post("/api/v1/bookings", json=booking_body(ids), headers=auth).status_code == 201


def test_a_locked_form_post_is_a_503_page_in_the_readers_language_not_a_500(centre):
    app, path, _, _ = centre
    client = app.test_client()
    token = page_csrf_token(client, "/login")
    other = hold_write_lock(path)
    try:
        page = client.post("/login", data={"username": "desk", "password": "wrong", "csrf_token": token},
                           headers={"Accept-Language": "en"})
    finally:
        other.rollback()
        other.close()
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    html = page.get_data(as_text=True)
    assert "Temporarily unavailable" in html and "The system is busy" in html and "Traceback" not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_sqlite_flushes_every_commit_to_disk_unless_normal_is_chosen(tmp_path):
    """synchronous=FULL by default (an acknowledged booking survives a power cut); NORMAL only on request."""
    for config, expected in (({}, 2), ({"SQLITE_SYNCHRONOUS": "normal"}, 1)):
        app = make_app(f"sqlite:///{tmp_path / f'{expected}.db'}", **config)
        with app.app_context():
            assert db.session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == expected
            assert db.session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            db.engine.dispose()
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS must be one of FULL, NORMAL"):
        make_app(f"sqlite:///{tmp_path / 'off.db'}", SQLITE_SYNCHRONOUS="OFF")
