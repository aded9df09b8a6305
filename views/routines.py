"""The scheduler's HTTP side: the waitlist API and pages, the outbox API, the no-one-left-behind pages."""
from flask import Flask

from . import api_outbox, api_waitlist, outreach_pages, waitlist_pages


def init_app(app: Flask) -> None:
    for module in (api_waitlist, api_outbox, waitlist_pages, outreach_pages):
        app.register_blueprint(module.bp)
        if hasattr(module, "register_nav"):
            module.register_nav(app)
