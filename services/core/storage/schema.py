"""Which schema revision this code knows and which one the database is at (Alembic's bookkeeping)."""
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session


@cache
def _scripts(directory: str) -> ScriptDirectory:
    return ScriptDirectory(directory)


def known_revisions(directory: str | Path) -> set[str]:
    """Every revision the migrations in `directory` can upgrade from or to."""
    return {script.revision for script in _scripts(str(directory)).walk_revisions()}


def head_revisions(directory: str | Path) -> set[str]:
    return set(_scripts(str(directory)).get_heads())


def database_revisions(session: Session) -> set[str]:
    """The revisions recorded in the database; empty before the first migration."""
    if not inspect(session.connection()).has_table("alembic_version"):
        return set()
    return set(session.scalars(text("SELECT version_num FROM alembic_version")))
