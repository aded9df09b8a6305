"""A feed token is a password in a URL: it must not reach the servers' access logs."""
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.feed_world import build_world
from tests.world import database_url
from views.feeds.feed_http import TokenMaskingFilter

ROOT = Path(__file__).resolve().parent.parent


def test_the_development_servers_request_log_masks_tokens():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /feeds/SeCrEtToKeN_-123.ics HTTP/1.1", "200", "-"), None)
    TokenMaskingFilter().filter(record)
    assert "SeCrEtToKeN" not in record.getMessage() and "/feeds/[token].ics" in record.getMessage()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


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
    port, log = _free_port(), tmp_path / "access.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--access-logfile",
         str(log), "--access-logformat", '%(h)s "%(r)s" %(s)s %(U)s %(q)s {raw_uri}e', "app:create_app()"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": "a-test-secret-key-long-enough"})
    try:
        _wait_for(port, proc)
        base = f"http://127.0.0.1:{port}/feeds/{token}.ics"
        assert _get(base) == 200
        assert _get(base, {"If-None-Match": '"stale"'}) == 200
        assert _get(f"http://127.0.0.1:{port}/feeds/{'x' * 43}.ics") == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = log.read_text()
    assert text.count("/feeds/[token].ics") >= 3
    assert token not in text and "x" * 43 not in text
