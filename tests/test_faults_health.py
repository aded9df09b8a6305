"""GET /healthz answers while the process lives; GET /readyz only when the database, its schema and the scheduler do."""
from datetime import timedelta

from sqlalchemy import text

from models import db, utcnow
from services.core import health
from tests.world import make_app


def test_healthz_answers_without_the_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'centre.db'}")
    with app.app_context():
        db.engine.dispose()
    (tmp_path / "centre.db").unlink()
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    assert not (tmp_path / "centre.db").exists()


def test_readyz_waits_for_the_schedulers_first_heartbeat(app, client):
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    body = answer.get_json()
    assert body["status"] == "not_ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok" and "no heartbeat yet" in body["checks"]["scheduler"]
    assert "scheduler" in body["reason"]


def test_readyz_is_ready_after_a_heartbeat_and_not_once_it_is_stale(app, client):
    with app.app_context():
        health.record_heartbeat(db.session, utcnow())
    assert client.get("/readyz").status_code == 200
    assert client.get("/readyz").get_json()["checks"] == {"database": "ok", "migrations": "ok", "scheduler": "ok"}
    with app.app_context():
        health.record_heartbeat(db.session, utcnow() - timedelta(minutes=10))
    stale = client.get("/readyz")
    assert stale.status_code == 503 and "last heartbeat 600 s ago (limit 120 s)" in stale.get_json()["reason"]


def test_run_jobs_beats_too_so_a_cron_deployment_can_be_ready(app, client, runner):
    assert runner.invoke(args=["run-jobs"]).exit_code == 0
    assert client.get("/readyz").status_code == 200


def test_readyz_reports_a_schema_behind_the_code(app, client):
    with app.app_context():
        health.record_heartbeat(db.session, utcnow())
        db.session.execute(text("UPDATE alembic_version SET version_num = 'd0e1a2b3c4d5'"))
        db.session.commit()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["migrations"].startswith("database at d0e1a2b3c4d5, code at ")


def test_readyz_says_the_database_is_unreachable_when_it_is(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'centre.db'}")
    with app.app_context():
        db.engine.dispose()
    (tmp_path / "centre.db").unlink()
    (tmp_path / "centre.db").mkdir()  # a directory where the file was: every open fails
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"] == {"database": "unreachable (OperationalError)"}
