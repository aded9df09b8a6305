"""A small registry of navigation links; base.html shows those meant for the signed-in user's role.

Each blueprint registers its own links when it is registered:

    add_nav_link(app, "desk.day_board", "前台日程", "Day board", roles=("staff", "admin"))
"""
from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import get_locale
from flask_login import current_user

ALL_ROLES = ("admin", "staff", "operator", "resident")


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label_zh: str
    label_en: str
    roles: tuple[str, ...]
    order: int


def add_nav_link(app: Flask, endpoint: str, label_zh: str, label_en: str, roles=ALL_ROLES, order: int = 50) -> None:
    """Register a link once; registering the same endpoint again replaces it (app factories run repeatedly)."""
    links: dict[str, NavLink] = app.extensions.setdefault("nav_links", {})
    links[endpoint] = NavLink(endpoint, label_zh, label_en, tuple(roles), order)


def links_for(app: Flask, role: str | None) -> list[NavLink]:
    links = app.extensions.get("nav_links", {}).values()
    return sorted((link for link in links if role in link.roles), key=lambda link: (link.order, link.endpoint))


def _is_english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def init_app(app: Flask) -> None:
    @app.context_processor
    def _nav():
        def nav_links() -> list[dict]:
            role = current_user.role if current_user.is_authenticated else None
            english = _is_english()
            return [{"url": url_for(link.endpoint), "endpoint": link.endpoint,
                     "label": link.label_en if english else link.label_zh} for link in links_for(app, role)]

        return {"nav_links": nav_links}
