"""PostgreSQL not there at all: every page and call that needs it is a quick 503, never a 500 or a hang."""
import time

import pytest
from sqlalchemy import text

from app import create_app
from models import db
from tests.server import free_port
from tests.web_login import page_csrf_token
from tests.world import database_url, make_app


@pytest.fixture
def app_without_database():
    nobody_listens = free_port()
    return create_app({"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{nobody_listens}/gone",
                       "SECRET_KEY": "test", "TIMEZONE": "Asia/Shanghai"})


def test_an_api_call_is_a_quick_503_in_json(app_without_database):
    client = app_without_database.test_client()
    began = time.perf_counter()
    answer = client.post("/api/v1/bookings", json={"resource_id": 1, "resident_id": 1},
                         headers={"Authorization": "Bearer some-token"})
    assert time.perf_counter() - began < 5
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"
    assert answer.get_json() == {"error": {"code": "unavailable", "reason": "unreachable",
                                           "message": "数据库暂时连不上，请稍后再试。"}}


def test_a_form_post_is_a_503_page_that_needs_no_database(app_without_database):
    client = app_without_database.test_client()
    token = page_csrf_token(client, "/login")
    page = client.post("/login", data={"username": "desk", "password": "x", "csrf_token": token})
    assert page.status_code == 503 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "暂时无法服务" in html and "数据库暂时连不上" in html and "如需预约，请致电或到前台办理" in html


def test_healthz_stays_up_and_readyz_names_the_database(app_without_database):
    client = app_without_database.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"] == {"database": "unreachable (OperationalError)"}


@pytest.mark.postgres
def test_an_answer_already_made_is_sent_when_the_connection_dies_before_the_request_ends(tmp_path):
    """A PostgreSQL restart can close a request's connection after its view has answered: the end-of-request
    rollback then fails, and that failure must not replace the answer with a bare 500."""
    app = make_app(database_url("postgresql", tmp_path))

    @app.get("/test-only/read-then-lose-the-connection")
    def read_then_lose_the_connection():
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar()  # a transaction is open
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        return "answered"

    client = app.test_client()
    answer = client.get("/test-only/read-then-lose-the-connection")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "answered"
    assert client.get("/readyz").get_json()["checks"]["database"] == "ok"  # the next request reconnects
    with app.app_context():
        db.engine.dispose()
