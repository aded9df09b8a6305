"""Signing in through the real form, as a browser does (CSRF token included)."""
import re

from flask.testing import FlaskClient

_TOKEN = re.compile(r'name="csrf[-_]token" (?:value|content)="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no csrf token in the page (base.html puts one in <meta name=csrf-token>)"
    return match.group(1)


def page_csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form the way a browser gets it."""
    return csrf_token_from(client.get(path, follow_redirects=True).get_data(as_text=True))


def login(client: FlaskClient, username: str, password: str, follow_redirects: bool = False):
    """GET /login for the token, then POST the form; returns the POST's response (302 on success)."""
    token = page_csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow_redirects)


def post_form(client: FlaskClient, path: str, data: dict | None = None, follow_redirects: bool = False,
              token_from: str = "/"):
    """POST a form with the session's CSRF token (fetched from `token_from`, any page with a form)."""
    fields = {"csrf_token": page_csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=fields, follow_redirects=follow_redirects)
