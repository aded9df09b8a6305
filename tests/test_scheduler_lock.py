"""The scheduler's PostgreSQL lock after its session ends (as a server restart ends it): taken again, or given up.

Real PostgreSQL; the restart's effect on the lock is the session's end, made here with pg_terminate_backend
on the lock's own backend. The real restart, with real scheduler processes, is in test_faults_scheduler_restart.
"""
import pytest
from sqlalchemy import create_engine, text

from services.routines.scheduler_lock import AdvisoryLock, LockGuard
from tests.server import free_port
from tests.world import database_url


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(database_url("postgresql", tmp_path))
    yield engine
    engine.dispose()


def end_session_of(engine, lock: AdvisoryLock) -> None:
    backend = lock.connection.execute(text("SELECT pg_backend_pid()")).scalar()
    lock.connection.commit()
    with engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


@pytest.mark.postgres
def test_a_lost_lock_is_taken_again_before_the_next_job_runs(engine):
    lock, taken_over = AdvisoryLock(engine), []
    assert lock.acquire()
    guard = LockGuard(lock, taken_over.append)
    assert guard.may_run()
    end_session_of(engine, lock)
    assert not lock.is_held()
    assert guard.may_run() and lock.is_held() and not taken_over
    assert not AdvisoryLock(engine).acquire(), "held again: a second scheduler is refused"
    lock.release()


@pytest.mark.postgres
def test_a_lock_another_scheduler_took_meanwhile_stops_this_one_for_good(engine):
    lock, other, taken_over = AdvisoryLock(engine), AdvisoryLock(create_engine(engine.url)), []
    assert lock.acquire()
    guard = LockGuard(lock, taken_over.append)
    end_session_of(engine, lock)
    assert other.acquire()
    assert not guard.may_run()
    assert len(taken_over) == 1 and taken_over[0].startswith("PostgreSQL backend ")
    other.release()
    assert not guard.may_run() and len(taken_over) == 1, "once taken over, never runs again, even if freed"
    other.engine.dispose()


def test_while_the_server_is_away_jobs_are_skipped_and_nothing_is_given_up():
    gone = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone",
                         connect_args={"connect_timeout": 2})
    lock, taken_over = AdvisoryLock(gone), []
    guard = LockGuard(lock, taken_over.append)
    assert not guard.may_run() and not taken_over
    gone.dispose()
