"""The day board's table, rendered once and reused by later requests in this worker while nothing it shows changed.

It is reused like an availability answer (services/booking/answers.py): under the same settings and occupancy
counters, which move with every change of the spaces, bookings, holds, closures and the names the board shows,
within the minute it was rendered in (slots turn "past" as time goes by), and in the reader's language.
"""
from collections.abc import Callable
from datetime import date, datetime

from markupsafe import Markup

from models import db
from services.booking import answers
from services.booking.availability import minute_stable
from views.core.i18n import current_lang


def board_table(day: date, now: datetime, render: Callable[[], tuple[str, list]]) -> Markup:
    """`render()` gives the table's HTML and the slots it shows, worked out at `now`."""
    def work_out() -> tuple[Markup, bool]:
        html, slots = render()
        return Markup(html), minute_stable(slots)
    return answers.reused(db.session, ("day board", day, current_lang()), now, work_out)
