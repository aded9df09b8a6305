"""SQLite: the online backup API copies one read snapshot, and the same snapshot is counted.

The source connection holds a read transaction while it counts every table and runs the backup, so
the copy and the counts describe the same instant even while the web workers keep writing (WAL).
"""
import sqlite3
from pathlib import Path

from flask_babel import gettext as _

from services.backup.files import BackupFailed, Counts

REVISION_TABLE = "alembic_version"


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _count(conn: sqlite3.Connection) -> Counts:
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in _tables(conn)}


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupFailed(_("找不到文件：%(path)s", path=str(path)))
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def require_file(database: Path) -> Path:
    """The live database file; never create one by trying to read it."""
    if not database.is_file():
        raise BackupFailed(_("找不到数据库文件：%(path)s", path=str(database)))
    return database


def copy(database: Path, destination: Path, busy_timeout: float) -> Counts:
    """Copy `database` into the (empty, already created) `destination`; the rows per table copied."""
    require_file(database)
    source = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=busy_timeout, isolation_level=None)
    target = sqlite3.connect(destination)
    try:
        source.execute("BEGIN")  # one read snapshot for the counts and the copy
        counts = _count(source)
        if REVISION_TABLE not in counts:
            raise BackupFailed(_("数据库还没有建表，请先运行 init-db"))
        source.backup(target)
        source.execute("COMMIT")
        # The copy is a single file: no WAL beside it, nothing created when it is opened read-only.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    return counts


def verify(path: Path) -> Counts:
    """Open the copy, check its pages and count its rows."""
    conn = _open_read_only(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupFailed(_("备份副本已损坏：%(detail)s", detail=check))
        return _count(conn)
    except sqlite3.DatabaseError as err:
        raise BackupFailed(_("不是可读的 SQLite 备份：%(error)s", error=str(err))) from None
    finally:
        conn.close()


def revisions(path: Path) -> list[str]:
    """The schema revisions the file was made at (one per Alembic head; none without migrations)."""
    conn = _open_read_only(path)
    try:
        if REVISION_TABLE not in _tables(conn):
            return []
        return sorted(row[0] for row in conn.execute(f"SELECT version_num FROM {REVISION_TABLE}"))
    except sqlite3.DatabaseError as err:
        raise BackupFailed(_("不是可读的 SQLite 备份：%(error)s", error=str(err))) from None
    finally:
        conn.close()


def rows_in(database: Path) -> Counts:
    """Rows per table of a live database (empty when the file does not exist yet)."""
    if not database.exists():
        return {}
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        return _count(conn)
    finally:
        conn.close()


def restore(backup: Path, database: Path) -> None:
    """Write the backup's pages into `database` (checked empty by the caller)."""
    source = _open_read_only(backup)
    target = sqlite3.connect(database)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
