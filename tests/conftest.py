"""Fixtures: a real SQLite file per test, and the real PostgreSQL server when it is there.

What the fixtures build with lives in tests/world.py; tests import from there, never from here.
"""
import pytest

from models import db
from tests.browser_server import browser_or_skip
from tests.world import database_url, make_app


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request, tmp_path):
    """The test runs once on a SQLite file and once on PostgreSQL."""
    return database_url(request.param, tmp_path)


@pytest.fixture
def both(any_db_url):
    """A session on a SQLite file and on PostgreSQL, rolled back after the test."""
    app = make_app(any_db_url)
    with app.app_context():
        yield db.session
        db.session.rollback()
        db.engine.dispose()


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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (skipped, or failed in CI, without it)."""
    manager, chromium = browser_or_skip()
    yield chromium
    chromium.close()
    manager.stop()


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
