"""Sign-in and activation under attack: one count per account however it is spelled, atomic under
parallel guesses; tokens that die with the sessions; activation that takes the same time either way."""
import statistics
import threading
import time

import pytest
import requests

from models import ApiToken, User, db
from services.accounts import accounts, activation, password_policy
from services.core import errors
from tests.server import gunicorn
from tests.web_login import login, page_csrf_token
from tests.web_world import PASSWORD, build
from tests.world import NOW


@pytest.fixture
def world(tmp_path):
    return build(f"sqlite:///{tmp_path / 'web.db'}")


SPELLINGS = ["+8613800000001", "138-0000-0001", "1-3-8-0-0-0-0-0-0-0-1", "(138) 0000 0001", "0086 138 0000 0001",
             "１３８００００００01"]


def test_every_spelling_of_a_phone_number_counts_against_one_limit(world):
    for n, spelling in enumerate(SPELLINGS[:5]):
        client = world.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.3.{n}"  # a new address each time: only the account counts
        assert login(client, spelling, "wrong-password").status_code == 401
    fresh = world.app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "10.0.4.1"
    assert login(fresh, SPELLINGS[5], PASSWORD).status_code == 429


def test_a_username_and_the_phone_of_the_same_login_share_one_count(world):
    for n in range(5):
        client = world.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.5.{n}"
        assert login(client, "138 0000 0001" if n % 2 else "13800000001", "wrong-password").status_code == 401
    assert login(world.app.test_client(), "+86 138 0000 0001", PASSWORD).status_code == 429


def _parallel_wrong_sign_ins(base: str, tries: int) -> list[int]:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    cookies = session.cookies.get_dict()
    barrier = threading.Barrier(tries)
    statuses: list[int] = []

    def one(n: int) -> None:
        barrier.wait()
        answer = requests.post(f"{base}/login", data={"username": SPELLINGS[n % len(SPELLINGS)],
                                                      "password": f"wrong-{n}", "csrf_token": token},
                               cookies=cookies, timeout=60, allow_redirects=False)
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.slow
def test_twenty_parallel_wrong_sign_ins_get_exactly_five_tries(any_db_url, figures):
    w = build(any_db_url)
    with w.app.app_context():
        db.engine.dispose()
    with gunicorn("app:create_app()", 4, {"DATABASE_URL": any_db_url, "SECRET_KEY": "sign-in-race"}) as base:
        statuses = _parallel_wrong_sign_ins(base, 20)
    engine = any_db_url.split(":", 1)[0]
    figures.append(f"{engine}: 20 parallel wrong sign-ins: {statuses.count(401)} tried, {statuses.count(429)} refused")
    assert statuses.count(401) == 5 and statuses.count(429) == 15, statuses


def _tokens(world, username: str) -> tuple[str, str]:
    with world.app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        made = accounts.create_token(db.session, user), accounts.create_token(db.session, user)
        db.session.commit()
    return made


def _works(world, token: str) -> bool:
    return world.app.test_client().get("/api/v1/resources", headers={"Authorization": f"Bearer {token}"}
                                       ).status_code == 200


def test_signing_out_everywhere_revokes_the_api_tokens(world):
    tokens = _tokens(world, "desk")
    client = world.client("staff")
    assert all(_works(world, t) for t in tokens)
    assert world.post(client, "/logout").status_code == 302
    assert not any(_works(world, t) for t in tokens)


def test_a_password_change_revokes_the_api_tokens(world):
    token, _ = _tokens(world, "desk")
    client = world.client("staff")
    answer = world.post(client, "/account/password", {"current": PASSWORD, "password": "a-new-long-pass-7",
                                                      "confirm": "a-new-long-pass-7"})
    assert answer.status_code == 302 and not _works(world, token)


def test_a_role_change_revokes_the_api_tokens(world):
    token, _ = _tokens(world, "counsellor")
    with world.app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.username == "counsellor"))
    assert world.post(world.client("admin"), f"/admin/users/{user_id}/role", {"role": "staff"}).status_code == 302
    assert not _works(world, token)


def test_an_admin_lists_and_revokes_one_token_on_the_tokens_page(world):
    keep, revoke = _tokens(world, "desk")
    with world.app.app_context():
        row_id = db.session.scalar(db.select(ApiToken.id).order_by(ApiToken.id.desc()).limit(1))
    admin = world.client("admin")
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert "desk" in page and keep not in page and revoke not in page  # only hashes are kept, never shown
    assert world.post(admin, f"/admin/tokens/{row_id}/revoke").status_code == 302
    assert _works(world, keep) and not _works(world, revoke)
    assert world.post(world.client("staff"), f"/admin/tokens/{row_id}/revoke").status_code == 403


def test_the_cli_lists_and_revokes_tokens_and_makes_expiring_ones(world):
    runner = world.app.test_cli_runner()
    made = runner.invoke(args=["create-token", "desk", "--expires-days", "1"])
    token = made.output.strip().splitlines()[-1]
    listing = runner.invoke(args=["list-tokens", "desk"]).output
    assert "desk" in listing and "active" in listing and token not in listing
    assert runner.invoke(args=["revoke-token", "--user", "desk"]).exit_code == 0
    assert "revoked" in runner.invoke(args=["list-tokens", "desk"]).output and not _works(world, token)


def test_an_expired_token_no_longer_works(world):
    with world.app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "desk"))
        token = accounts.create_token(db.session, user, expires_at=NOW)  # FIXED_NOW: it expired just now
        db.session.commit()
    assert not _works(world, token)


@pytest.mark.parametrize("password", ["aaaaaaaa", "abababab", "123123123", "sunshine", "princess1", "13800000001",
                                      "x13800000001", "baseball", "woaini1314"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(errors.Invalid) as refused:
        password_policy.check_new_password(password, password, phone="138 0000 0001")
    assert refused.value.details["field"] == "password"


def test_the_shipped_list_holds_ten_thousand_common_passwords():
    assert len(password_policy.common_passwords()) >= 10_000
    password_policy.check_new_password("红梅社区-晨练2026", "红梅社区-晨练2026", phone="13800000001")


def _activation_times(world, phone: str, tries: int) -> float:
    client = world.app.test_client()
    token = page_csrf_token(client, "/activate")
    times = []
    for n in range(tries):
        client.environ_base["REMOTE_ADDR"] = f"10.1.{len(phone)}.{n}"
        began = time.perf_counter()
        answer = client.post("/activate", data={"phone": phone, "code": "1234 5678", "password": "lantern-river-3",
                                                "confirm": "lantern-river-3", "csrf_token": token})
        times.append(time.perf_counter() - began)
        assert answer.status_code == 422
    return statistics.median(times)


def test_activation_takes_as_long_with_a_pending_code_as_without(world):
    with world.app.app_context():
        elder = db.session.scalar(db.select(User).where(User.username == "13900000002")).resident
        activation.issue(db.session, elder, None, NOW)
        db.session.commit()
    pending = _activation_times(world, "13900000002", 4)  # a code is waiting: a wrong one is tried
    nothing = _activation_times(world, "13700000009", 4)  # no such phone at all
    assert nothing > pending * 0.5, (pending, nothing)
