"""What the servers' access logs may hold: no phone numbers typed into a search box (?q=13800000001).

gunicorn writes its access log from the WSGI environ after the response, so once the app has
answered, this middleware rewrites the query string in the environ keys a log line is made of.
The app itself saw the real query; only the log sees "[phone]".
"""
import re
from urllib.parse import parse_qsl, urlencode

from flask import Flask

LOG_KEYS = ("QUERY_STRING", "RAW_URI", "REQUEST_URI")
SEPARATORS = re.compile(r"[\s\-+.()]")
PHONE_LIKE = re.compile(r"\d{7,}")
MASK = "[phone]"


def mask_phones(query: str) -> str:
    """The query with every value that holds seven or more digits in a row (separators ignored) masked."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(PHONE_LIKE.search(SEPARATORS.sub("", value)) for _name, value in pairs):
        return query
    return urlencode([(name, MASK if PHONE_LIKE.search(SEPARATORS.sub("", value)) else value)
                      for name, value in pairs], safe="[]")


class PhoneMaskingMiddleware:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        result = self.wsgi_app(environ, start_response)
        if environ.get("QUERY_STRING"):  # the request context is gone: the app has read what it needs
            _mask_environ(environ)
        return result


def _mask_environ(environ) -> None:
    masked = mask_phones(environ["QUERY_STRING"])
    if masked == environ["QUERY_STRING"]:
        return
    environ["QUERY_STRING"] = masked
    for key in ("RAW_URI", "REQUEST_URI"):
        if key in environ:
            environ[key] = environ[key].split("?", 1)[0] + "?" + masked


def init_app(app: Flask) -> None:
    app.wsgi_app = PhoneMaskingMiddleware(app.wsgi_app)
