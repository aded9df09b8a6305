"""One request reads with a deferred BEGIN; only a use-case's write_transaction takes the write lock.

Authentication, parsing and rendering therefore never queue for SQLite's lock, and whatever a
request leaves open (an error, a read) is rolled back at its end.
"""
from flask import Flask

from models import db
from services.core.database import mark_read_only


def init_app(app: Flask) -> None:
    @app.before_request
    def _mark_reads():
        mark_read_only(True)

    @app.teardown_request
    def _end_transaction(exc):
        db.session.rollback()
        mark_read_only(False)
