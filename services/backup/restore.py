"""Restore a backup into an empty database: never over data, never from a newer schema than this app's."""
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.engine import Engine

from services.backup import files, pg_copy, sqlite_copy
from services.backup.backups import read_counts, sqlite_file
from services.backup.files import BackupFailed, Counts

# Rows here say which schema the database is at, not that it holds the centre's data.
BOOKKEEPING_TABLES = ("alembic_version",)


@dataclass(frozen=True)
class Plan:
    path: Path
    dialect: str
    revision: str
    counts: Counts  # rows per table in the backup
    tables_present: bool  # the target already has the (empty) schema


def _revisions(dialect: str, path: Path) -> list[str]:
    found = pg_copy.revisions(path) if dialect == "postgresql" else sqlite_copy.revisions(path)
    if not found:
        raise BackupFailed(_("%(name)s 不是本系统的备份文件", name=path.name))
    return found


def _rows_in(engine: Engine) -> Counts:
    if engine.dialect.name == "postgresql":
        return pg_copy.rows_in(engine)
    return sqlite_copy.rows_in(sqlite_file(engine))


def plan(engine: Engine, path: Path, known_revisions: set[str]) -> Plan:
    """Check everything before touching the database; raise BackupFailed saying what is wrong."""
    dialect = files.kind_of(path)
    if dialect != engine.dialect.name:
        raise BackupFailed(_("这是 %(file)s 的备份，不能恢复到 %(target)s 数据库", file=dialect,
                             target=engine.dialect.name))
    found = _revisions(dialect, path)
    revision = ", ".join(found)
    if unknown := [r for r in found if r not in known_revisions]:
        raise BackupFailed(_("这个备份来自更新版本的系统（数据库版本 %(revision)s），请先升级本系统再恢复",
                             revision=", ".join(unknown)))
    existing = _rows_in(engine)
    holding = {t: n for t, n in existing.items() if n and t not in BOOKKEEPING_TABLES}
    if holding:
        listed = "、".join(f"{t} {n}" for t, n in sorted(holding.items())[:5])
        raise BackupFailed(_("目标数据库不是空的（%(tables)s 行），只能恢复到空数据库", tables=listed))
    counts = read_counts(dialect, path)
    return Plan(path, dialect, revision, counts, bool(existing))


def restore(engine: Engine, ready: Plan) -> Counts:
    """Load the backup, then count the database again: it must hold exactly the backup's rows."""
    engine.dispose()  # no pooled connection may keep an old view of the file or the schema
    if ready.dialect == "postgresql":
        pg_copy.restore(engine, ready.path, replace_empty_tables=ready.tables_present)
    else:
        target = sqlite_file(engine)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(mode=0o600, exist_ok=True)
        target.chmod(0o600)
        sqlite_copy.restore(ready.path, target)
    found = _rows_in(engine)
    if detail := files.mismatches(ready.counts, found):
        raise BackupFailed(_("恢复后的数据与备份不一致（%(detail)s）", detail=detail))
    return found
