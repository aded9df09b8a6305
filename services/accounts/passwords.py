"""How passwords and activation codes are hashed: scrypt, werkzeug's default, unless PASSWORD_HASH_METHOD names
another werkzeug method. The tests name a cheaper one: an scrypt hash takes a sixth of a second on a slow core,
and the suite makes thousands. A stored hash names its own method, so checking needs no setting."""
from functools import cache

from werkzeug.security import generate_password_hash

DEFAULT_METHOD = "scrypt"
_method = [DEFAULT_METHOD]


def configure(method: str | None, production: bool = False) -> None:
    if production and method not in (None, "", DEFAULT_METHOD):
        raise RuntimeError(f"PASSWORD_HASH_METHOD is for tests; production hashes with {DEFAULT_METHOD}")
    _method[0] = method or DEFAULT_METHOD


def hashed(secret: str) -> str:
    return generate_password_hash(secret, method=_method[0])


def stand_in() -> str:
    """A hash to check against when there is no account or code, so both paths cost the same."""
    return _stand_in(_method[0])


@cache
def _stand_in(method: str) -> str:
    return generate_password_hash("not-a-real-secret", method=method)
