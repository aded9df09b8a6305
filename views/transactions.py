"""One request = one transaction: reads use a deferred BEGIN, everything else BEGIN IMMEDIATE."""
from flask import Flask, g, request

from models import db
from services.database import mark_read_only

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def init_app(app: Flask) -> None:
    @app.before_request
    def _mark_reads():
        g.read_only_token = mark_read_only(request.method in READ_METHODS)

    @app.teardown_request
    def _end_transaction(exc):
        # Views commit on success; whatever is left (an error, a read) is rolled back here.
        db.session.rollback()
        if "read_only_token" in g:
            mark_read_only(False)
