"""One request reads with a deferred BEGIN; only a use-case's write_transaction takes the write lock.

Authentication, parsing and rendering therefore never queue for SQLite's lock, and whatever a
request leaves open (an error, a read) is rolled back at its end.
"""
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from models import db
from services.core.storage.database import mark_read_only


def init_app(app: Flask) -> None:
    @app.before_request
    def _mark_reads():
        mark_read_only(True)

    @app.teardown_request
    def _end_transaction(exc):
        try:
            db.session.rollback()
        except SQLAlchemyError as err:
            # The server went away after the answer was made (a PostgreSQL restart closes every
            # connection): SQLAlchemy has already discarded that connection and whatever it had not
            # committed. Raising here would throw the finished answer away for a bare 500 from gunicorn.
            current_app.logger.warning("rollback at the end of the request failed: %s", type(err).__name__)
        finally:
            mark_read_only(False)
