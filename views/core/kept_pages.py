"""Page parts rendered once and reused by later requests in this worker: the header of every page, and whole pages
that show the same to every reader of a kind (the day board).

What differs per reader is put in on every request: the session's CSRF token and the page's own address,
escaped as Jinja would escape them. While a part is rendered for keeping, csrf_token() gives a stand-in
(views/security/csrf.py), so no session's token can be baked into what other readers get.

The header (brand, language and text-size switches, sign-out, the menu) shows the same for every reader with the
same language, text size and role on the same page. Its other inputs (the menu, the catalogue, the routes) are
fixed when the app starts, so nothing the database holds can make a kept header wrong. A whole page is kept like
an availability answer (services/booking/answers.py): under both change counters, within its minute, and for
the reader's kind; a session with a message waiting (a flash) gets its page rendered afresh, message included.
"""
import re
from collections.abc import Callable, Hashable
from datetime import datetime

from flask import Flask, Response, current_app, g, render_template, request, session
from flask_login import current_user
from markupsafe import Markup, escape

from models import db
from services.booking import answers
from views.core.i18n import current_lang
from views.core.preferences import large_text
from views.security.csrf import KEEPING, TOKEN_STAND_IN, csrf_token

BACK_STAND_IN = Markup("<!--page-address-->")  # raw markup, like the token's: no escaped text can hold it
_STAND_INS = re.compile(b"(" + re.escape(TOKEN_STAND_IN.encode()) + b"|" + re.escape(BACK_STAND_IN.encode()) + b")")
KEPT_HEADERS_MAX = 1024  # languages × text sizes × roles × pages: a few hundred in practice


def _reader() -> tuple:
    """Who the kept parts are the same for: language, text size, role, and the page (its menu entry is marked)."""
    return (current_lang(), large_text(), current_user.is_authenticated and current_user.role,
            request.endpoint, request.script_root)


def page_header() -> Markup:
    """The header for this request, from the kept copy for its kind of reader and page."""
    kept: dict = current_app.extensions["page_headers"]
    key = _reader()
    html = kept.get(key)
    if html is None:
        if len(kept) >= KEPT_HEADERS_MAX:
            kept.clear()
        html = kept[key] = render_template("_header.html", csrf=TOKEN_STAND_IN, back=BACK_STAND_IN)
    if g.get(KEEPING):
        return Markup(html)  # the whole page is being kept: the stand-ins are put in when it is served
    return Markup(html.replace(TOKEN_STAND_IN, escape(csrf_token())).replace(BACK_STAND_IN,
                                                                               escape(request.full_path)))


def kept_page(key: Hashable, now: datetime, render: Callable[[], tuple[str, bool]]) -> Response | str:
    """The page `render()` makes (its HTML and whether it may be reused), kept under `key` for this kind of reader."""
    if session.get("_flashes"):
        return render()[0]

    def work_out() -> tuple[tuple[bytes, ...], bool]:
        setattr(g, KEEPING, True)
        try:
            html, reusable = render()
        finally:
            setattr(g, KEEPING, False)
        # Split once where the stand-ins are, so that serving it joins pieces instead of searching the whole page.
        return tuple(_STAND_INS.split(html.encode())), reusable

    pieces = answers.reused(db.session, ("page", key, _reader()), now, work_out)
    fills = {TOKEN_STAND_IN.encode(): escape(csrf_token()).encode(), BACK_STAND_IN.encode(): escape(
        request.full_path).encode()}
    return current_app.response_class(b"".join(fills.get(piece, piece) if n % 2 else piece
                                               for n, piece in enumerate(pieces)), mimetype="text/html")


def init_app(app: Flask) -> None:
    app.extensions["page_headers"] = {}
    app.jinja_env.globals["page_header"] = page_header
