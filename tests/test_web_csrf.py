"""CSRF: forms and session-authenticated JSON need the session's token; bearer-token calls do not."""
from models import db
from services.accounts import accounts

from .web_login import login, page_csrf_token


def _user(app, username="desk1", role="staff"):
    with app.app_context():
        user = accounts.create_user(db.session, username, "correct horse", role)
        token = accounts.create_token(db.session, user)
        db.session.commit()
        return token


def test_sign_in_without_the_token_is_refused(app, client):
    _user(app)
    response = client.post("/login", data={"username": "desk1", "password": "correct horse"})
    assert response.status_code == 400
    assert "/login" not in response.headers.get("Location", "")


def test_sign_in_through_the_form_with_the_token_works(app, client):
    _user(app)
    response = login(client, "desk1", "correct horse")
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/desk"


def test_session_json_post_needs_the_header_token(app, client):
    _user(app)
    login(client, "desk1", "correct horse")
    body = {"name": "李阿姨", "birth_date": "1950-03-02"}
    refused = client.post("/api/v1/residents", json=body)
    assert refused.status_code == 400
    token = page_csrf_token(client, "/")
    accepted = client.post("/api/v1/residents", json=body, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 201


def test_bearer_token_requests_need_no_csrf_token(app, client):
    token = _user(app)
    response = client.post("/api/v1/residents", json={"name": "王大爷", "birth_date": "1948-07-07"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


def test_a_bogus_bearer_header_does_not_exempt_a_session_request(app, client):
    """A cross-site page cannot set Authorization without a preflight, but a lax proxy or plugin might:
    only a token that actually authenticated the request waives the check."""
    _user(app)
    login(client, "desk1", "correct horse")
    body = {"name": "李阿姨", "birth_date": "1950-03-02"}
    for header in ("Bearer bogus", "Bearer ", "bearer x"):
        refused = client.post("/api/v1/residents", json=body, headers={"Authorization": header})
        assert refused.status_code == 400, header
    form = client.post("/logout", headers={"Authorization": "Bearer bogus"})
    assert form.status_code == 400


def test_unauthenticated_api_post_still_answers_401(client):
    response = client.post("/api/v1/residents", json={"name": "王大爷", "birth_date": "1948-07-07"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_sign_in_rotates_the_token(app, client):
    _user(app)
    before = page_csrf_token(client, "/login")
    login(client, "desk1", "correct horse")
    assert page_csrf_token(client, "/") != before
