"""A domain error on the command line: Chinese, then English, as every other line the commands print."""
from flask_babel import force_locale

from services.core.errors import DomainError
from views.core.formatting import error_message


def error_line(err: DomainError) -> str:
    with force_locale("en"):
        english = error_message(err.message, err.details)
    return f"{err.text()} / {english}"
