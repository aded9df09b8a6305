"""A feed token is a password in a URL: it must not reach the servers' access logs."""
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.feed_world import build_world
from tests.server import gunicorn_process
from tests.world import database_url
from views.feeds.feed_http import TokenMaskingFilter


def test_the_development_servers_request_log_masks_tokens():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /feeds/SeCrEtToKeN_-123.ics HTTP/1.1", "200", "-"), None)
    TokenMaskingFilter().filter(record)
    assert "SeCrEtToKeN" not in record.getMessage() and "/feeds/[token].ics" in record.getMessage()


def _get(url: str, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.slow
def test_gunicorns_access_log_never_holds_a_feed_token(tmp_path):
    url = database_url("sqlite", tmp_path)
    world = build_world(url)
    feed = world.new_feed("desk", scope="public")
    token = urlsplit(feed["url"]).path.removeprefix("/feeds/").removesuffix(".ics")
    log = tmp_path / "access.log"
    env = {"DATABASE_URL": url, "SECRET_KEY": "a-test-secret-key-long-enough"}
    with gunicorn_process("app:create_app()", 1, env, access_log=log) as (server, _):
        base = f"{server}/feeds/{token}.ics"
        assert _get(base) == 200
        assert _get(base, {"If-None-Match": '"stale"'}) == 200
        assert _get(f"{server}/feeds/{'x' * 43}.ics") == 404
    text = log.read_text()
    assert text.count("/feeds/[token].ics") >= 3
    assert token not in text and "x" * 43 not in text
