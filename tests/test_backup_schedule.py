"""Backups kept by day and month, made each night by the scheduler, shown on the admin page, taken mid-write."""
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from models import AuditEntry, BackupRun, db
from services.backup import files, nightly, retention, sqlite_copy
from services.backup.backups import Policy, make_backup
from services.routines.scheduler_settings import settings_from
from tests.web_world import build
from tests.world import NOW, TZ, make_app


def backups_at(*stamps: str) -> list[files.BackupFile]:
    return [files.BackupFile(Path(f"linli-{s}.sqlite3"), datetime.strptime(s, files.STAMP)) for s in stamps]


def test_the_newest_of_each_of_the_last_days_and_months_is_kept():
    nights = [(datetime(2026, 9, 1, 2, 30) + timedelta(days=n)).strftime(files.STAMP) for n in range(91)]
    extra_same_night = "20261130-150000"  # a manual backup on the last night's day: the newest of that day
    found = backups_at(*nights, extra_same_night)
    doomed = {b.path.name for b in retention.to_delete(found, keep_daily=7, keep_monthly=3)}
    kept = {b.path.name for b in found} - doomed
    assert kept == {f"linli-{s}.sqlite3" for s in (
        "20261130-150000", "20261129-023000", "20261128-023000", "20261127-023000", "20261126-023000",
        "20261125-023000", "20261124-023000",  # the last seven days (30 Nov counted once, its newest)
        "20261031-023000", "20260930-023000")}  # and the newest of October and September


def test_retention_never_deletes_the_only_backup():
    assert retention.to_delete(backups_at("20261201-023000"), keep_daily=0, keep_monthly=0) == []


def test_the_nightly_backup_is_off_without_backup_dir_and_runs_once_a_night_with_it(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'centre.db'}")
    night = datetime(2026, 11, 24, 2, 40, tzinfo=TZ)
    with app.app_context():
        s = db.session
        assert nightly.back_up_nightly(s, night, settings_from({"TIMEZONE": "Asia/Shanghai"})) == 0
        settings = settings_from({"TIMEZONE": "Asia/Shanghai", "BACKUP_DIR": str(tmp_path / "b"), "BACKUP_AT": "02:30"})
        assert nightly.back_up_nightly(s, night - timedelta(minutes=20), settings) == 0  # before 02:30
        assert nightly.back_up_nightly(s, night, settings) == 1
        assert nightly.back_up_nightly(s, night + timedelta(minutes=10), settings) == 0  # done tonight
        assert nightly.back_up_nightly(s, night + timedelta(days=1), settings) == 1
        names = sorted(p.name for p in (tmp_path / "b").iterdir())
        assert names == ["linli-20261124-024000.sqlite3", "linli-20261125-024000.sqlite3"]
        assert s.scalar(select(func.count()).select_from(BackupRun).where(BackupRun.trigger == "scheduler")) == 2
        db.engine.dispose()


def test_a_failed_nightly_backup_is_recorded_and_retried_an_hour_later_not_every_run(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'centre.db'}")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the backup directory should be")
    settings = settings_from({"TIMEZONE": "Asia/Shanghai", "BACKUP_DIR": str(blocker)})
    night = datetime(2026, 11, 24, 3, 0, tzinfo=TZ)
    with app.app_context():
        s = db.session
        assert nightly.back_up_nightly(s, night, settings) == 0
        assert nightly.back_up_nightly(s, night + timedelta(minutes=10), settings) == 0
        nightly.back_up_nightly(s, night + timedelta(minutes=70), settings)
        runs = s.scalars(select(BackupRun).order_by(BackupRun.id)).all()
        assert [r.verified for r in runs] == [False, False] and all(r.error for r in runs)
        db.engine.dispose()


def test_the_admin_page_warns_when_nightly_backups_are_off_and_shows_the_last_backup(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'centre.db'}")
    page = world.client("admin").get("/admin").get_data(as_text=True)
    assert "没有设置备份目录（BACKUP_DIR），每晚的自动备份没有开启" in page and "还没有做过备份" in page
    with world.app.app_context():
        make_backup(db.session, Policy(tmp_path / "b", TZ), NOW, "cli")
    world.app.config["BACKUP_DIR"] = str(tmp_path / "b")
    page = world.client("admin").get("/admin").get_data(as_text=True)
    assert "BACKUP_DIR" not in page
    assert "最近一次备份：2026年11月23日 星期一 08:00" in page and "已核对无误" in page
    english = world.client("admin")
    english.get("/admin", headers={"Accept-Language": "en"})
    assert "Last backup" in english.get("/admin", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.slow
def test_a_backup_taken_while_rows_are_being_written_matches_its_own_snapshot(any_db_url, tmp_path):
    """The copy and its row counts come from one snapshot, so verification holds under a steady writer."""
    app = make_app(any_db_url)
    stop, written = threading.Event(), []

    def write_steadily():
        with app.app_context():
            engine = db.engine
            deadline = time.monotonic() + 30
            while not stop.is_set() and time.monotonic() < deadline:
                with engine.begin() as conn:
                    conn.execute(insert(AuditEntry).values(action="read", object_type="booking", object_id=1, at=NOW))
                written.append(1)

    writer = threading.Thread(target=write_steadily)
    writer.start()
    try:
        while len(written) < 20:  # the writer is going
            time.sleep(0.01)
        with app.app_context():
            outcome = make_backup(db.session, Policy(tmp_path / "b", TZ), NOW, "cli")
    finally:
        stop.set()
        writer.join(timeout=40)
    copied = outcome.counts["audit_entry"]
    assert 20 <= copied <= len(written)
    if any_db_url.startswith("sqlite"):
        assert sqlite_copy.verify(outcome.path)["audit_entry"] == copied
    with app.app_context():
        db.engine.dispose()
