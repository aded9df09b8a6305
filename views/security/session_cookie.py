"""Flask's signed session cookie, checked once per worker: a cookie seen before is not verified and decoded again.

Checking the signature and decoding the cookie (a new serializer, its derived key, HMAC, base64, tagged JSON) took
a tenth of the day board's request. A browser sends the same cookie until the session changes, so the worker
keeps what a cookie decoded to, under the exact cookie and the secret key, and still refuses it once it is older
than the session's lifetime, as Flask does. Only sessions holding plain values are kept: each request gets its own
copy to change, and a list (the flashed messages) would be shared between the copies.
"""
import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT_MAX = 4096  # signed-in browsers per worker
PLAIN = (str, int, float, bool, type(None))


class KeptCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: dict[tuple, tuple[dict, float]] = {}

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), cookie)
        kept = self._kept.get(key)
        if kept is not None and time.time() - kept[1] <= max_age:
            return self.session_class(kept[0])
        try:
            data, signed_at = self.get_signing_serializer(app).loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(value, PLAIN) for value in data.values()):
            if len(self._kept) >= KEPT_MAX:
                self._kept.clear()
            self._kept[key] = (data, signed_at.timestamp())
        return self.session_class(data)


def init_app(app: Flask) -> None:
    app.session_interface = KeptCookieSessions()
