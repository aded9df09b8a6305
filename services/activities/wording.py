"""The programme's words: Chinese msgids through Flask-Babel, in the reader's language inside a request.

Outside a request (the scheduler, tests of the services) Flask-Babel's locale selector has no
request to read, so the Chinese text is used as it stands: messages to residents are Chinese first.
"""
from flask import has_request_context
from flask_babel import gettext


def _(text: str, **params) -> str:
    if has_request_context():
        return gettext(text, **params)
    return text % params if params else text
