"""The top of every page, rendered once per kind of reader and page and reused by later pages in this worker.

The header (brand, language and text-size switches, sign-out, the menu) shows the same for every reader with the
same language, text size and role on the same page; only the session's CSRF token and the page's own address
differ. It is rendered with stand-ins for those two, kept, and the request's own values are put in on every
page, escaped as Jinja would escape them. Its other inputs (the menu, the catalogue, the routes) are fixed when
the app starts, so nothing the database holds can make a kept header wrong. Rendering it was about a sixth of
the day board's page.
"""
from flask import Flask, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup, escape

from views.core.i18n import current_lang
from views.core.preferences import large_text
from views.security.csrf import csrf_token

# Characters no label, address or route in the header contains, so only the stand-ins are replaced.
CSRF_STAND_IN = "\x00csrf\x00"
BACK_STAND_IN = "\x00back\x00"
KEPT_MAX = 1024  # languages × text sizes × roles × pages: a few hundred in practice


def page_header() -> Markup:
    """The header for this request, from the kept copy for its kind of reader and page."""
    key = (current_lang(), large_text(), current_user.is_authenticated and current_user.role,
           request.endpoint, request.script_root)
    kept: dict = current_app.extensions["page_headers"]
    html = kept.get(key)
    if html is None:
        if len(kept) >= KEPT_MAX:
            kept.clear()
        html = kept[key] = render_template("_header.html", csrf=CSRF_STAND_IN, back=BACK_STAND_IN)
    return Markup(html.replace(CSRF_STAND_IN, escape(csrf_token())).replace(BACK_STAND_IN,
                                                                            escape(request.full_path)))


def init_app(app: Flask) -> None:
    app.extensions["page_headers"] = {}
    app.jinja_env.globals["page_header"] = page_header
