"""Fixtures: a real SQLite file per test, and the real PostgreSQL server when it is there."""
import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from cli.database import apply_migrations
from models import db

TZ = ZoneInfo("Asia/Shanghai")
# A Monday morning, 08:00 in Hangzhou; tests pass `now` explicitly.
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_available() -> str | None:
    """None when the server answers, else why not."""
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: no server for these tests
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"


def reset_postgres() -> None:
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    reason = postgres_available()
    if reason:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    reset_postgres()
    return PG_URL


def make_app(url: str, **extra):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "TIMEZONE": "Asia/Shanghai", **extra})
    with app.app_context():
        apply_migrations()
    return app


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request, tmp_path):
    """The test runs once on a SQLite file and once on PostgreSQL."""
    return database_url(request.param, tmp_path)


@pytest.fixture
def app(tmp_path):
    app = make_app(database_url("sqlite", tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_FIGURES: list[str] = []


@pytest.fixture
def figures() -> list[str]:
    """Measured figures a test wants printed at the end of the run."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("measured figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
