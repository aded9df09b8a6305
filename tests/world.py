"""The tests' world builder: the clock, the databases, and builders for spaces, residents and bookings.

Tests take the app, the session and the databases as fixtures (tests/conftest.py) and build what
they need with these; every field a test does not care about gets the one set of defaults the app
itself uses (models.SPACE_DEFAULTS).
"""
import atexit
import os
import shutil
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from cli.database import apply_migrations
from models import SPACE_DEFAULTS, Booking, Centre, OpeningHours, Resident, Resource, db
from services.booking import booking
from services.booking.rules import Context, Request
from services.core.access import Actor
from services.core.centre import current_centre

TZ = ZoneInfo("Asia/Shanghai")
# A Monday morning, 08:00 in Hangzhou; tests pass `now` explicitly.
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DESK = Actor(user_id=None, role="staff")


# --- databases -------------------------------------------------------------------------------

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


def reset_postgres(url: str = PG_URL) -> None:
    engine = create_engine(url)
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


# Real hashing at a lower work factor (services/accounts/passwords.py): scrypt's sixth of a second per hash
# added up to minutes over the suite.
TEST_PASSWORD_METHOD = "pbkdf2:sha256:1000"


def make_app(url: str, **extra):
    _copy_migrated_sqlite(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "TIMEZONE": "Asia/Shanghai", "PASSWORD_HASH_METHOD": TEST_PASSWORD_METHOD, **extra})
    with app.app_context():
        apply_migrations()
    return app


_migrated_sqlite: list[Path] = []


def _copy_migrated_sqlite(url: str) -> None:
    """A new SQLite file starts as a copy of one the migrations built earlier in this test run.

    Running every migration took a fifth of a second per test; the copy is what they build, and
    apply_migrations still runs on it (and finds nothing to do).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") \
            or Path(parsed.database).exists():
        return
    if not _migrated_sqlite:
        template = Path(tempfile.mkdtemp(prefix="migrated-")) / "template.db"
        atexit.register(shutil.rmtree, template.parent, True)
        built = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"})
        with built.app_context():
            apply_migrations()
            db.engine.dispose()
        _migrated_sqlite.append(template)
    shutil.copyfile(_migrated_sqlite[0], parsed.database)
    os.chmod(parsed.database, 0o600)


# --- things in the centre --------------------------------------------------------------------

def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in Hangzhou, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), TZ)


def space(session, **fields) -> Resource:
    """A space open 08:00–20:00 every day; by default the exclusive counselling room."""
    hours = fields.pop("hours", [(d, time(8), time(20)) for d in range(7)])
    values = dict(SPACE_DEFAULTS, name="心理咨询室", name_en="Counselling room", kind="counselling", exclusive=True,
                  groups=[], group_window_days={}, weekly_quota=None)
    values.update(fields)
    resource = Resource(**values)
    resource.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in hours]
    session.add(resource)
    session.flush()
    return resource


def resident(session, born=date(1980, 5, 1), **fields) -> Resident:
    person = Resident(name=fields.pop("name", "张建国"), birth_date=born, **fields)
    session.add(person)
    session.flush()
    return person


def context(session, now=NOW, by_staff=False, **centre_fields) -> Context:
    centre: Centre = current_centre(session)
    for key, value in centre_fields.items():
        setattr(centre, key, value)
    return Context(now=now, tz=TZ, centre=centre, by_staff=by_staff)


def resident_actor(person: Resident, *wards: Resident) -> Actor:
    return Actor(user_id=None, role="resident", resident_id=person.id,
                 resident_ids=frozenset([person.id, *(w.id for w in wards)]))


def book(session, where: Resource, who: Resident, start: datetime, minutes: int = 60, party: int = 1, *,
         staff: bool = True, now: datetime = NOW, actor: Actor | None = None, ctx: Context | None = None,
         note: str | None = None) -> Booking:
    """The tests' one way to put a booking in place: through the booking rules, as the desk (or as
    `actor`, or as the resident themselves with staff=False) would at `now`, and committed."""
    ctx = ctx or context(session, now=now, by_staff=staff)
    actor = actor or (DESK if staff else resident_actor(who))
    req = Request(where, who, start, start + timedelta(minutes=minutes), party)
    made = booking.book(session, req, actor, ctx, note=note)
    session.commit()
    return made
