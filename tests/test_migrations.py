"""An existing centre's database upgrades in place: the migrations build exactly what the models describe."""
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from cli.database import apply_migrations
from models import Booking, db
from services.booking import booking
from services.booking.rules import Request
from services.core import errors
from tests.world import DESK, context, database_url, make_app, resident, space


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(context, db.metadata)


def test_migrations_produce_the_models_schema(any_db_url):
    app = make_app(any_db_url)
    assert schema_differences(app) == []


def test_running_the_migrations_twice_changes_nothing(any_db_url):
    app = make_app(any_db_url)
    with app.app_context():
        before = sorted(inspect(db.engine).get_table_names())
        apply_migrations()
        assert sorted(inspect(db.engine).get_table_names()) == before


@pytest.mark.postgres
def test_postgresql_refuses_overlapping_exclusive_bookings_by_itself(tmp_path):
    """The exclusion constraint is the second line of defence, even for a write that skips the service."""
    app = make_app(database_url("postgresql", tmp_path))
    with app.app_context():
        room, person = space(db.session), resident(db.session)
        start = datetime(2026, 11, 24, 2, tzinfo=UTC)

        def insert(offset_minutes: int, status: str = "confirmed") -> None:
            begins = start + timedelta(minutes=offset_minutes)
            db.session.add(Booking(resource_id=room.id, resident_id=person.id, starts_at=begins,
                                   ends_at=begins + timedelta(hours=1), exclusive=True, status=status))
            db.session.flush()

        insert(0)
        insert(60)  # back to back is fine: ranges are [start, end)
        insert(30, status="cancelled")  # cancelled bookings never block
        with pytest.raises(IntegrityError):
            insert(30)
        db.session.rollback()


@pytest.mark.postgres
def test_a_booking_that_trips_the_exclusion_constraint_is_a_conflict_not_an_error(tmp_path):
    """Should a check ever miss an overlap, the constraint's refusal reaches the caller as a 409 conflict."""
    app = make_app(database_url("postgresql", tmp_path))
    with app.app_context():
        room, person = space(db.session), resident(db.session)
        start = datetime(2026, 11, 24, 2, tzinfo=UTC)
        db.session.add(Booking(resource_id=room.id, resident_id=person.id, starts_at=start,
                               ends_at=start + timedelta(hours=1), exclusive=True, status="confirmed"))
        db.session.flush()
        overlapping = Request(room, person, start + timedelta(minutes=30), start + timedelta(minutes=90))
        with pytest.raises(errors.Conflict):
            booking._insert(db.session, overlapping, DESK, context(db.session), "desk", None)
        assert db.session.query(Booking).count() == 1, "the session stays usable after the refusal"
        db.session.rollback()
