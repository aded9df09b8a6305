"""PostgreSQL: pg_dump from an exported snapshot, counted in that same snapshot; pg_restore to read it back.

The counting transaction exports its snapshot and pg_dump is pointed at it (`--snapshot`), so the
dump and the row counts describe one instant while the app keeps writing.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from services.backup.files import BackupFailed, Counts

TOOL_TIMEOUT_SECONDS = 3600
COPY_LINE = re.compile(r'^COPY (?:"?[^".\s]+"?\.)?"?([^"\s(]+)"? ')


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(_("找不到 %(tool)s，请安装 PostgreSQL 客户端", tool=name))
    return found


def _target(engine: Engine) -> tuple[str, dict]:
    """A libpq URL without the password (it goes in the environment, not on a command line `ps` shows)."""
    url = engine.url
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, stderr=subprocess.PIPE, timeout=TOOL_TIMEOUT_SECONDS, **kwargs)
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()[-400:]
        raise BackupFailed(_("%(tool)s 出错：%(detail)s", tool=Path(args[0]).name, detail=detail))
    return done


def _count(conn: Connection) -> Counts:
    names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                              "ORDER BY tablename")).scalars().all()
    quote = conn.dialect.identifier_preparer.quote
    return {name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar() for name in names}


def copy(engine: Engine, destination_fd: int) -> Counts:
    """Dump the database into the open file; the rows per table in the dumped snapshot."""
    url, env = _target(engine)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            counts = _count(conn)
            if "alembic_version" not in counts:
                raise BackupFailed(_("数据库还没有建表，请先运行 init-db"))
            _run([_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
                  f"--dbname={url}"], env=env, stdout=destination_fd)
    return counts


def _data_lines(path: Path, *options: str) -> list[str]:
    done = _run([_tool("pg_restore"), "--data-only", "--file=-", *options, str(path)], stdout=subprocess.PIPE)
    return done.stdout.decode("utf-8", errors="replace").splitlines()


def _copied_rows(lines: list[str]) -> dict[str, list[str]]:
    """The COPY blocks of pg_restore's script: table → its data lines (one line a row)."""
    rows: dict[str, list[str]] = {}
    table = None
    for line in lines:
        if table is None:
            match = COPY_LINE.match(line)
            if match and line.endswith("FROM stdin;"):
                table = match.group(1)
                rows[table] = []
        elif line == "\\.":
            table = None
        else:
            rows[table].append(line)
    return rows


def verify(path: Path) -> Counts:
    """Read the whole dump back (its compressed blocks are checked as they are read) and count its rows."""
    return {table: len(lines) for table, lines in _copied_rows(_data_lines(path)).items()}


def revisions(path: Path) -> list[str]:
    return sorted(_copied_rows(_data_lines(path, "--table=alembic_version")).get("alembic_version", []))


def rows_in(engine: Engine) -> Counts:
    with engine.connect() as conn:
        return _count(conn)


def restore(engine: Engine, path: Path, replace_empty_tables: bool) -> None:
    """Load the dump in one transaction: all of it or, on any error, nothing."""
    url, env = _target(engine)
    clean = ["--clean", "--if-exists"] if replace_empty_tables else []
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *clean, f"--dbname={url}", str(path)], env=env, stdout=subprocess.DEVNULL)
