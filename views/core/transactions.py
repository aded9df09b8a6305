"""One request = one transaction: reads use a deferred BEGIN, everything else BEGIN IMMEDIATE.

A view marked @reads_first starts as a read too and takes the write lock itself, late, with
services.database.begin_write: its authentication and parsing then do not queue for the lock.
"""
from flask import Flask, current_app, request

from models import db
from services.core.database import mark_read_only

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def reads_first(view):
    view.reads_first = True
    return view


def writes_on_read(view):
    """A GET view that writes too (an audit entry) begins as a write.

    SQLite cannot upgrade a read transaction once another process has committed since it began:
    the write fails at once with "database is locked", whatever the busy timeout.
    """
    view.writes_on_read = True
    return view


def _starts_as_read() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "writes_on_read", False):
        return False
    return request.method in READ_METHODS or getattr(view, "reads_first", False)


def init_app(app: Flask) -> None:
    @app.before_request
    def _mark_reads():
        mark_read_only(_starts_as_read())

    @app.teardown_request
    def _end_transaction(exc):
        # Views commit on success; whatever is left (an error, a read) is rolled back here.
        db.session.rollback()
        mark_read_only(False)
