"""The day board's table, rendered once per change and reused by later requests in this worker.

The key holds a fingerprint of everything the table shows (services.booking.dayboard.stamp), the reader's
language and, for today, the current minute (slots turn "past" as time goes by), so a cached table is never
stale and never in another reader's language. Each app keeps its own tables (a process may hold several apps).
"""
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from flask import current_app
from markupsafe import Markup

from models import db
from services.booking import dayboard
from views.api.fields import centre_tz
from views.api.output import now
from views.core.i18n import current_lang

MAX_ENTRIES = 64


def board_table(day: date, today: date, render: Callable[[], str]) -> Markup:
    tables: OrderedDict[tuple, Markup] = current_app.extensions.setdefault("board_tables", OrderedDict())
    minute = now().replace(second=0, microsecond=0) if day == today else None
    key = (day, current_lang(), minute, dayboard.stamp(db.session, day, centre_tz()))
    table = tables.get(key)
    if table is None:
        table = Markup(render())
        tables[key] = table
        while len(tables) > MAX_ENTRIES:
            tables.popitem(last=False)
    else:
        tables.move_to_end(key)
    return table
