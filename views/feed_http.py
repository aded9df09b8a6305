"""What serving feeds over HTTP needs beyond a view: a cache, a per-token limit, clean logs.

A feed token is a password in a URL, so it must not reach a log: the development server's
request log goes through a filter, and for gunicorn (whose access log reads the WSGI environ
after the response) a middleware masks the request line in the environ itself.
"""
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from flask import Flask

FEED_PATH = re.compile(r"/feeds/[^/\s?\"]+\.ics")
MASKED = "/feeds/[token].ics"
LOG_ENVIRON_KEYS = ("RAW_URI", "REQUEST_URI")


def mask_tokens(text: str) -> str:
    return FEED_PATH.sub(MASKED, text)


class TokenMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/feeds/" in message:
            record.msg, record.args = mask_tokens(message), ()
        return True


class TokenMaskingMiddleware:
    """Masks feed tokens in the environ keys that servers write to their access logs."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not (path.startswith("/feeds/") and path.endswith(".ics")):
            return self.wsgi_app(environ, start_response)
        for key in LOG_ENVIRON_KEYS:
            if key in environ:
                environ[key] = mask_tokens(environ[key])
        result = self.wsgi_app(environ, start_response)
        environ["PATH_INFO"] = MASKED  # routing is done: the request context has been popped
        return result


@dataclass(frozen=True)
class CachedFeed:
    etag: str
    body: bytes
    day: str
    built: float


class FeedCache:
    """Recently built feeds by id, so an unchanged feed answers 304 without being rebuilt.

    Entries live `ttl` seconds: a change shows in the feed within that time (calendar clients
    poll every 15 minutes at most), and a revoked token still answers 404 at once because the
    token is looked up on every request.
    """

    def __init__(self, ttl: float, size: int = 2048):
        self.ttl, self.size = ttl, size
        self._entries: OrderedDict[int, CachedFeed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, feed_id: int, day: str) -> CachedFeed | None:
        with self._lock:
            entry = self._entries.get(feed_id)
        if entry is None or entry.day != day or time.monotonic() - entry.built > self.ttl:
            return None
        return entry

    def put(self, feed_id: int, entry: CachedFeed) -> None:
        with self._lock:
            self._entries[feed_id] = entry
            self._entries.move_to_end(feed_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, feed_id: int) -> None:
        with self._lock:
            self._entries.pop(feed_id, None)


class RateLimiter:
    """At most `limit` requests per `window` seconds per key, counted in this process.

    With several workers each counts on its own, so the real ceiling is workers x limit:
    still a ceiling, and no shared store to run. Keys are feed ids, never tokens.
    """

    def __init__(self, limit: int, window: float, size: int = 10_000):
        self.limit, self.window, self.size = limit, window, size
        self._hits: OrderedDict[int, deque] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            self._hits.move_to_end(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(self._hits) > self.size:
                self._hits.popitem(last=False)
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def retry_after(self, key: int, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            oldest = hits[0] if hits else now
        return max(1, int(oldest + self.window - now) + 1)


def init_app(app: Flask) -> None:
    app.config.setdefault("FEED_CACHE_SECONDS", 60)
    app.config.setdefault("FEED_RATE_LIMIT", 120)
    app.config.setdefault("FEED_RATE_WINDOW_SECONDS", 3600)
    app.extensions["feed_cache"] = FeedCache(app.config["FEED_CACHE_SECONDS"])
    app.extensions["feed_limiter"] = RateLimiter(app.config["FEED_RATE_LIMIT"], app.config["FEED_RATE_WINDOW_SECONDS"])
    app.wsgi_app = TokenMaskingMiddleware(app.wsgi_app)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, TokenMaskingFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(TokenMaskingFilter())
