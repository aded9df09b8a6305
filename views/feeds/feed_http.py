"""What serving feeds over HTTP needs beyond a view: a cache, a per-token limit, clean logs.

A feed token is a password in a URL, so it must not reach a log: the development server's
request log goes through a filter, and for gunicorn (whose access log reads the WSGI environ
after the response) a middleware masks the request line in the environ itself.
"""
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from werkzeug.http import http_date, parse_etags

from models import db
from services.feeds.feeds import TokenLookup

FEED_PATH = re.compile(r"/feeds/[^/\s?\"]+\.ics")
CANONICAL_FEED_PATH = re.compile(r"/feeds/[A-Za-z0-9_-]{1,100}\.ics")  # what feed_urls hands out
MASKED = "/feeds/[token].ics"
LOG_ENVIRON_KEYS = ("RAW_URI", "REQUEST_URI")
CHECKED_FEED = "linli.feed_id"
FEED_HEADERS = [("Cache-Control", "private, max-age=300"), ("Referrer-Policy", "no-referrer"),
                ("X-Content-Type-Options", "nosniff")]
NO_CACHE_HEADERS = [("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")]
GZIP_SUFFIX = "-gz"  # the gzip-encoded bytes are another representation: another strong ETag
BUILDER_VERSION = 2  # bump when the feed builder's output changes for the same data


def mask_tokens(text: str) -> str:
    return FEED_PATH.sub(MASKED, text)


class TokenMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/feeds/" in message:
            record.msg, record.args = mask_tokens(message), ()
        return True


class FeedMiddleware:
    """In front of the app for /feeds/<token>.ics only: masks the token in the environ keys that
    servers write to their access logs, and answers an unchanged feed's poll (If-None-Match with
    the current ETag, made of the feeds' change counter read with the token) with 304, without the
    app's request machinery.

    The token is still looked up on every request (a revoked feed answers 404 at once) and the
    request still counts against the token's limit; anything else goes on to the view.
    """

    def __init__(self, app: Flask):
        self.app, self.wsgi_app = app, app.wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        # "//feeds/…" and "/%66eeds/…" reach the same view: judge the path as the router sees it.
        if not looks_like_feed(path):
            return self.wsgi_app(environ, start_response)
        raw_path = environ.get("RAW_URI", environ.get("REQUEST_URI", path)).split("?", 1)[0]
        for key in LOG_ENVIRON_KEYS:
            if key in environ:  # whatever its spelling, the whole request line goes: a token may hide in it
                environ[key] = MASKED
        if not CANONICAL_FEED_PATH.fullmatch(raw_path) or raw_path != path:
            environ["PATH_INFO"] = MASKED
            start_response("404 Not Found", [("Content-Length", "0"), *NO_CACHE_HEADERS])
            return []
        answer = self._poll(environ, path[len("/feeds/"):-len(".ics")])
        if answer is not None:
            start_response(*answer)
            result = []
        else:
            result = self.wsgi_app(environ, start_response)
        environ["PATH_INFO"] = MASKED  # routing is done: the request context has been popped
        return result

    def _poll(self, environ, token: str):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not environ.get("HTTP_IF_NONE_MATCH"):
            return None
        live = token_lookup(self.app)(token)
        if live is None:
            return None  # the view answers 404
        limiter = self.app.extensions["feed_limiter"]
        if not limiter.allow(live.id):
            return ("429 Too Many Requests", [("Retry-After", str(limiter.retry_after(live.id))),
                                              ("Content-Length", "0"), *NO_CACHE_HEADERS])
        environ[CHECKED_FEED] = live  # counted once: the view does not count it again
        etag = feed_etag(self.app, live, feed_day(self.app))
        sent = parse_etags(environ["HTTP_IF_NONE_MATCH"])
        matched = next((tag for tag in (etag, etag + GZIP_SUFFIX) if sent.contains_weak(tag)), None)
        if matched is None:
            return None
        return "304 Not Modified", [("ETag", f'"{matched}"'), ("Last-Modified", last_modified(self.app, live)),
                                    ("Vary", "Accept-Encoding"), *FEED_HEADERS]


def looks_like_feed(path: str) -> bool:
    """Any spelling the router would send to the feed view: slashes merged, case as sent."""
    merged = re.sub(r"/{2,}", "/", path)
    return merged.startswith("/feeds/") and merged.endswith(".ics")


def token_lookup(app: Flask):
    """The app's compiled token lookup, made on first use (it needs the engine)."""
    lookup = app.extensions.get("feed_token_lookup")
    if lookup is None:
        with app.app_context():
            lookup = app.extensions["feed_token_lookup"] = TokenLookup(db.engine)
    return lookup


def feed_etag(app: Flask, live, day: str) -> str:
    """Equal for equal bytes: the feed, the feeds' change counter, the day (the window moves at
    midnight), the settings the builder reads, and the builder's own version."""
    config = app.config
    settings = (config.get("FEED_DAYS_BACK"), config.get("FEED_DAYS_AHEAD"), config.get("FEED_MAX_EVENTS"),
                config.get("FEED_MAX_BYTES"), config.get("FEED_UID_DOMAIN"), config.get("FEED_BASE_URL"),
                config.get("TIMEZONE"))
    text = f"{live.id}:{live.version}:{day}:{BUILDER_VERSION}:{settings}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def last_modified(app: Flask, live) -> str:
    """The last change, or midnight when the day's window moved since."""
    midnight = datetime.fromisoformat(feed_day(app)).replace(tzinfo=ZoneInfo(app.config["TIMEZONE"]))
    return http_date(max(live.changed_at, midnight.astimezone(UTC)))


def feed_day(app: Flask) -> str:
    """The centre's local date: a feed's window, so its cached bytes, turn over at midnight."""
    fixed = app.config.get("FIXED_NOW")
    now = fixed if fixed is not None else datetime.now(UTC)
    return now.astimezone(ZoneInfo(app.config["TIMEZONE"])).date().isoformat()


@dataclass(frozen=True)
class CachedFeed:
    etag: str
    body: bytes
    gzipped: bytes


class FeedCache:
    """Recently built feeds by id, kept only while their ETag is current.

    The ETag carries the feeds' change counter, read with the token on every request: an entry
    built before any change is never served after it, in this worker or another.
    """

    def __init__(self, size: int = 2048):
        self.size = size
        self._entries: OrderedDict[int, CachedFeed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, feed_id: int, etag: str) -> CachedFeed | None:
        with self._lock:
            entry = self._entries.get(feed_id)
        return entry if entry is not None and entry.etag == etag else None

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
    app.config.setdefault("FEED_RATE_LIMIT", 120)
    app.config.setdefault("FEED_RATE_WINDOW_SECONDS", 3600)
    app.extensions["feed_cache"] = FeedCache()
    app.extensions["feed_limiter"] = RateLimiter(app.config["FEED_RATE_LIMIT"], app.config["FEED_RATE_WINDOW_SECONDS"])
    app.wsgi_app = FeedMiddleware(app)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, TokenMaskingFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(TokenMaskingFilter())
