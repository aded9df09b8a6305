"""Accounts on the web: phone sign-in, rate limits shared by workers, sessions that really end, activation codes."""
import re

import pytest

from models import User, db
from tests.web_login import login, page_csrf_token
from tests.web_world import LOGINS, PASSWORD, build
from tests.world import NOW, make_app


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


def test_a_resident_signs_in_with_their_phone_number_written_with_spaces(world):
    client = world.app.test_client()
    response = login(client, "138 0000 0001", PASSWORD)
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/my"


def test_a_wrong_password_answers_401_and_keeps_the_typed_name(world):
    response = login(world.app.test_client(), "desk", "wrong-password")
    assert response.status_code == 401
    assert 'value="desk"' in response.get_data(as_text=True)


def test_the_sixth_failure_within_a_minute_gets_429_even_with_the_right_password(world):
    client = world.app.test_client()
    statuses = [login(client, "desk", "nope-nope").status_code for _ in range(5)]
    assert statuses == [401] * 5
    assert login(client, "desk", PASSWORD).status_code == 429


def test_the_limit_is_per_ip_across_accounts(world):
    client = world.app.test_client()
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert login(client, name, "nope-nope").status_code == 401
    assert login(client, "admin", PASSWORD).status_code == 429
    elsewhere = world.app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert login(elsewhere, "admin", PASSWORD).status_code == 302


def test_the_limit_is_per_account_across_ips(world):
    for n in range(5):
        client = world.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.1.{n}"
        assert login(client, "desk", "nope-nope").status_code == 401
    fresh = world.app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "10.0.2.1"
    assert login(fresh, "desk", PASSWORD).status_code == 429


def test_failures_counted_by_one_worker_bind_the_other(world, tmp_path):
    """Two app instances on one database stand in for two gunicorn workers."""
    second = make_app(world.app.config["SQLALCHEMY_DATABASE_URI"], FIXED_NOW=NOW)
    for _ in range(5):
        assert login(world.app.test_client(), "desk", "nope-nope").status_code == 401
    assert login(second.test_client(), "desk", PASSWORD).status_code == 429


def _copied_cookie(world, who):
    client = world.client(who)
    copy = world.app.test_client()
    cookie = client.get_cookie("session")
    copy.set_cookie("session", cookie.value)
    assert copy.get("/", follow_redirects=False).status_code == 302
    return client, copy


def _signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def test_signing_out_stops_a_copied_cookie_working(world):
    client, copy = _copied_cookie(world, "staff")
    assert _signed_in(copy)
    world.post(client, "/logout")
    assert not _signed_in(copy)


def test_changing_the_password_signs_out_other_copies_but_not_this_browser(world):
    client, copy = _copied_cookie(world, "resident")
    response = world.post(client, "/account/password", {"current": PASSWORD, "password": "a-new-secret-9",
                                                        "confirm": "a-new-secret-9"})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(copy)
    assert login(world.app.test_client(), LOGINS["resident"], "a-new-secret-9").status_code == 302


def test_a_common_password_is_refused(world):
    client = world.client("resident")
    response = world.post(client, "/account/password", {"current": PASSWORD, "password": "12345678",
                                                        "confirm": "12345678"})
    assert response.status_code == 422


def test_a_role_change_by_an_admin_signs_that_user_out(world):
    victim, _ = _copied_cookie(world, "operator")
    admin = world.client("admin")
    with world.app.app_context():
        user_id = db.session.query(User.id).filter_by(username="counsellor").scalar()
    assert world.post(admin, f"/admin/users/{user_id}/role", {"role": "staff"}).status_code == 302
    assert not _signed_in(victim)


@pytest.mark.parametrize("target", ["//evil.example/x", "////evil.example", "https://evil.example/",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(world, target):
    client = world.app.test_client()
    token = page_csrf_token(client)
    response = client.post("/login", data={"username": "desk", "password": PASSWORD, "csrf_token": token,
                                           "next": target})
    assert response.headers["Location"] == "/"


def test_next_brings_the_user_back_to_the_page_they_asked_for(world):
    client = world.app.test_client()
    first = client.get("/desk/roster?resource_id=1")
    assert first.status_code == 302 and "next=" in first.headers["Location"]
    token = page_csrf_token(client)
    response = client.post("/login", data={"username": "desk", "password": PASSWORD, "csrf_token": token,
                                           "next": "/desk/roster?resource_id=1"})
    assert response.headers["Location"] == "/desk/roster?resource_id=1"


def _issue_code(world) -> str:
    desk = world.client("staff")
    page = world.post(desk, f"/desk/residents/{world.ids['newcomer']}/activation").get_data(as_text=True)
    return re.search(r'class="code"[^>]*>(\d{4} \d{4})<', page).group(1)


def _activate(world, code, password="my-own-pass-7", phone="13700000003"):
    client = world.app.test_client()
    response = world.post(client, "/activate", {"phone": phone, "code": code, "password": password,
                                                "confirm": password})
    return client, response


def test_a_desk_issued_code_lets_the_resident_set_a_password_once(world):
    code = _issue_code(world)
    client, response = _activate(world, code)
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/my"
    assert login(world.app.test_client(), "13700000003", "my-own-pass-7").status_code == 302
    _, again = _activate(world, code, password="another-pass-8")
    assert again.status_code == 422


def test_a_new_code_replaces_the_old_one(world):
    first = _issue_code(world)
    second = _issue_code(world)
    assert _activate(world, first)[1].status_code == 422
    assert _activate(world, second)[1].status_code == 302


def test_before_activation_nobody_can_sign_in_to_the_new_account(world):
    _issue_code(world)
    assert login(world.app.test_client(), "13700000003", "").status_code == 401


def test_guessing_activation_codes_hits_the_rate_limit(world):
    _issue_code(world)
    statuses = [_activate(world, "0000 000" + str(n))[1].status_code for n in range(6)]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429


def test_a_resident_without_a_phone_cannot_get_a_login(world):
    desk = world.client("staff")
    response = world.post(desk, f"/desk/residents/{world.ids['child']}/activation", follow_redirects=True)
    assert "手机号" in response.get_data(as_text=True)
