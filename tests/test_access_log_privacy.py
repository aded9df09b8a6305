"""What reaches the disk and the access log: the database file is the owner's alone; no feed token
however the path is spelled, and no phone number typed into a search, in gunicorn's access log."""
import os
import stat
from urllib.parse import urlsplit

import pytest

from models import db
from tests.feed_world import build_world
from tests.server import gunicorn_process
from tests.test_feeds_logs import _get
from tests.world import database_url, make_app


def test_the_sqlite_database_and_its_wal_are_created_owner_only(tmp_path):
    os.umask(0o022)  # the usual umask, under which SQLite would make the file 0644
    app = make_app(f"sqlite:///{tmp_path / 'private.db'}")
    with app.app_context():
        with db.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x)")
            conn.exec_driver_sql("INSERT INTO probe VALUES (1)")
            modes = {name: stat.S_IMODE(os.stat(tmp_path / name).st_mode)
                     for name in ("private.db", "private.db-wal") if (tmp_path / name).exists()}
        db.engine.dispose()
    assert modes["private.db"] == 0o600 and set(modes.values()) == {0o600}, modes


@pytest.mark.slow
def test_odd_spellings_of_a_feed_path_answer_404_and_searches_log_no_phone(tmp_path):
    url = database_url("sqlite", tmp_path)
    world = build_world(url)
    feed = world.new_feed("desk", scope="public")
    token = urlsplit(feed["url"]).path.removeprefix("/feeds/").removesuffix(".ics")
    staff = world.headers("desk")
    log = tmp_path / "access.log"
    env = {"DATABASE_URL": url, "SECRET_KEY": "a-test-secret-key-long-enough"}
    with gunicorn_process("app:create_app()", 1, env, access_log=log) as (base, _):
        assert _get(f"{base}/feeds/{token}.ics") == 200
        assert _get(f"{base}//feeds/{token}.ics") == 404
        assert _get(f"{base}/%66eeds/{token}.ics") == 404
        assert _get(f"{base}/feeds/{token}%2Eics") == 404
        assert _get(f"{base}/api/v1/residents?q=13800000001", staff) == 200
        assert _get(f"{base}/api/v1/residents?q=138%200000%200001", staff) == 200
        assert _get(f"{base}/api/v1/residents?q=%E5%91%A8", staff) == 200  # a name stays readable
    text = log.read_text()
    assert token not in text, text
    assert "13800000001" not in text and "0000" not in text, text
    assert "%E5%91%A8" in text or "周" in text
