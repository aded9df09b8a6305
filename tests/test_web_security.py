"""HTTP protections: headers, CSP that forbids inline script, no-store on personal pages, cookie flags, the key."""
import re
from pathlib import Path

import pytest

from app import create_app
from tests.web_login import login
from tests.web_world import PASSWORD, build

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def test_every_page_carries_the_security_headers(world):
    response = world.app.test_client().get("/login")
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_pages_with_personal_data_are_never_cached(world):
    client = world.client("resident")
    for path in ("/my", "/my/book", "/account/password"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    desk = world.client("staff")
    assert desk.get(f"/desk/residents/{world.ids['other']}").headers["Cache-Control"] == "no-store"


def test_static_assets_may_be_cached(world):
    response = world.app.test_client().get("/static/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_template_of_ours_has_inline_script_or_event_handlers():
    mine = [p for folder in ("auth", "home", "desk", "portal", "operator", "admin", "errors")
            for p in (TEMPLATES / folder).glob("*.html")] + [TEMPLATES / "base.html"]
    for path in mine:
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "style=" not in text, path


def test_the_session_cookie_is_httponly_and_samesite(world):
    client = world.app.test_client()
    response = login(client, "desk", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_production_refuses_the_tests_cheaper_password_hash(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="PASSWORD_HASH_METHOD"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "x" * 40,
                    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def test_production_cookies_are_secure_and_host_locked(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "x" * 40})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_outside_production_a_missing_key_becomes_a_random_installation_key(monkeypatch, tmp_path):
    monkeypatch.delenv("APP_ENV", raising=False)
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}", "SECRET_KEY": "dev-only-change-me"}
    first, second = create_app(dict(config)), create_app(dict(config))
    assert first.config["SECRET_KEY"] != "dev-only-change-me"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]  # every worker signs alike
    assert len(first.config["SECRET_KEY"]) >= 40


def test_debug_mode_without_a_key_uses_the_installation_key_and_refuses_a_forged_cookie(monkeypatch, tmp_path):
    """FLASK_DEBUG=1 used to keep the published development key: anyone could sign an admin cookie."""
    from flask import Flask

    from tests.web_world import build

    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}"})
    assert app.debug and app.config["SECRET_KEY"] not in (None, "dev-only-change-me")
    world = build(f"sqlite:///{tmp_path / 'forged.db'}", SECRET_KEY="dev-only-change-me", DEBUG=True)
    forger = Flask("forger")
    forger.secret_key = "dev-only-change-me"
    forged = forger.session_interface.get_signing_serializer(forger).dumps({"_user_id": "1:1", "_fresh": True})
    client = world.app.test_client()
    client.set_cookie("session", forged)
    assert client.get("/admin/users").status_code in (302, 401, 403)
