"""Limits on what a request may carry, applied before any view reads it.

- Bodies: MAX_CONTENT_LENGTH for the whole app (room for a CSV import), far less for JSON (form fields
  keep Flask's 500 KB MAX_FORM_MEMORY_SIZE);
  over the limit is a 413 `too_large`, decided from Content-Length before the body is read.
- JSON nested so deep that the parser recurses out is malformed JSON (400), not a crash.
- Path numbers (`<int:id>`) are ASCII digits only: `\\d` also matches "٣", which int() reads as 3.
"""
import json

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

MAX_BODY_BYTES = 4 * 1024 * 1024  # a CSV import of a centre's register fits
MAX_JSON_BYTES = 256 * 1024  # a booking is a few hundred bytes; a batch of 100 residents ~30 KB


class BoundedJSONProvider(DefaultJSONProvider):
    """Parses like Flask's, but a body nested too deep is a ValueError, which get_json reports as bad JSON."""

    def loads(self, s, **kwargs):
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


class AsciiIntegerConverter(IntegerConverter):
    regex = r"[0-9]+"


def _refuse_large_bodies() -> None:
    """413 from Content-Length, before anything reads the body.

    Werkzeug's form parser swallows its own 413 (forms parse silently), so a huge sign-in form
    would otherwise reach the CSRF check as an empty form and come back as a puzzling 400.
    """
    if request.mimetype == "application/json" or request.path.startswith("/api/"):
        request.max_content_length = MAX_JSON_BYTES
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def init_app(app: Flask) -> None:
    """Called before any blueprint is registered: the int converter must be in place first."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.url_map.converters["int"] = AsciiIntegerConverter
    provider = BoundedJSONProvider(app)
    provider.ensure_ascii = app.json.ensure_ascii
    provider.sort_keys = app.json.sort_keys
    app.json = provider
    app.before_request(_refuse_large_bodies)
