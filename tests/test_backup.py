"""Backups: a verified, private, dated copy while the app runs; restored only into an empty database."""
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, inspect, select

from models import BackupRun, db
from tests.web_world import build
from tests.world import make_app, reset_postgres


def every_row(app) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order: what a restore must bring back exactly."""
    with app.app_context(), db.engine.connect() as conn:
        found = {}
        for name in sorted(inspect(conn).get_table_names()):
            table = Table(name, MetaData(), autoload_with=conn)
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
        return found


def backup_to(app, directory: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(directory)])
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1])


def empty_database(app) -> None:
    """Throw the database away, as on a new machine: the SQLite file goes, PostgreSQL's schema is dropped."""
    with app.app_context():
        url = db.engine.url
        db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    else:
        reset_postgres()


def restore(app, path: Path, *options: str, answer: str | None = None):
    return app.test_cli_runner().invoke(args=["restore", str(path), *options], input=answer)


@pytest.mark.slow
def test_a_restore_brings_back_every_row_of_every_table_exactly(any_db_url, tmp_path, figures):
    world = build(any_db_url)
    before = every_row(world.app)
    path = backup_to(world.app, tmp_path / "backups")
    empty_database(world.app)
    result = restore(world.app, path, "--yes")
    assert result.exit_code == 0, result.output
    after = every_row(world.app)
    assert after == before
    kind = world.app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    figures.append(f"backup round trip ({kind}): {len(after)} tables, {sum(map(len, after.values()))} rows, "
                   f"restored identical to the backup")


def test_a_backup_is_private_dated_verified_and_recorded(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'centre.db'}")
    path = backup_to(world.app, tmp_path / "backups")
    assert path.name.startswith("linli-") and path.suffix == ".sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert os.listdir(path.parent) == [path.name]  # no WAL, journal or partial file beside it
    with world.app.app_context():
        run = db.session.scalar(select(BackupRun))
        assert run.verified and run.path == str(path) and run.rows > 0 and run.error is None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM booking").fetchone()[0] == 4


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'centre.db'}")
    path = backup_to(world.app, tmp_path / "backups")
    before = every_row(world.app)
    result = restore(world.app, path, "--yes")
    assert result.exit_code == 1
    assert "目标数据库不是空的" in result.output and "booking 4" in result.output
    assert every_row(world.app) == before


def test_restore_refuses_a_backup_from_a_newer_schema(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'centre.db'}")
    path = backup_to(world.app, tmp_path / "backups")
    with sqlite3.connect(path) as copy:
        copy.execute("UPDATE alembic_version SET version_num = 'zz99newer001'")
    target = make_app(f"sqlite:///{tmp_path / 'new.db'}")
    empty_database(target)
    result = restore(target, path, "--yes")
    assert result.exit_code == 1
    assert "这个备份来自更新版本的系统（数据库版本 zz99newer001），请先升级本系统再恢复" in result.output
    assert not (tmp_path / "new.db").exists()


def test_restore_asks_first_and_does_nothing_when_the_answer_is_no(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'centre.db'}")
    path = backup_to(world.app, tmp_path / "backups")
    target = make_app(f"sqlite:///{tmp_path / 'new.db'}")
    empty_database(target)
    refused = restore(target, path, answer="n\n")
    assert refused.exit_code == 1 and "确定恢复吗" in refused.output
    assert not (tmp_path / "new.db").exists()
    accepted = restore(target, path, answer="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert every_row(target)["booking"] == every_row(world.app)["booking"]


def test_a_backup_of_an_older_schema_is_restored_and_brought_up_to_date(tmp_path):
    from flask_migrate import upgrade

    old = make_app(f"sqlite:///{tmp_path / 'old.db'}")
    empty_database(old)
    with old.app_context():
        upgrade(directory=old.root_path + "/migrations", revision="d0e1a2b3c4d5")
    path = backup_to(old, tmp_path / "backups")  # no backup_run table to record in yet: still a backup
    target = make_app(f"sqlite:///{tmp_path / 'new.db'}")
    empty_database(target)
    result = restore(target, path, "--yes")
    assert result.exit_code == 0, result.output
    assert "backup_run" in every_row(target) and "heartbeat" in every_row(target)


def test_a_backup_of_a_database_file_that_is_not_there_creates_nothing(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'centre.db'}")
    empty_database(app)
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 1 and "找不到数据库文件" in result.output
    assert not (tmp_path / "centre.db").exists()
