"""The menu: base.html shows the links meant for the signed-in user's role. MENU lists them all."""
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


STAFF = ("staff", "admin")
MENU = (
    NavLink("desk.board", "今日总览", "Day board", STAFF, 10),
    NavLink("desk.book", "代为预约", "Book for a resident", STAFF, 11),
    NavLink("desk_residents.residents", "居民", "Residents", STAFF, 12),
    NavLink("portal.index", "我的预约", "My bookings", ("resident",), 10),
    NavLink("portal.choose", "预约场地", "Book a space", ("resident",), 11),
    NavLink("waitlist_pages.index", "我的候补", "My waitlist", ("resident",), 12),
    NavLink("operator.schedule", "我们的日程", "Our schedule", ("operator",), 10),
    NavLink("operator.closures", "占用时段", "Block time", ("operator",), 11),
    NavLink("admin.index", "管理", "Admin", ("admin",), 30),
    NavLink("outreach_pages.index", "一人不落下", "No one left behind", STAFF, 30),
    NavLink("admin_spaces.spaces", "空间与规则", "Spaces & rules", ("admin",), 31),
    NavLink("admin_spaces.closures", "闭馆", "Closures", ("admin",), 32),
    NavLink("admin.users", "账号", "Users", ("admin",), 33),
    NavLink("admin.audit_log", "审计日志", "Audit log", ("admin",), 34),
    NavLink("calendar.index", "日历", "Calendar", ALL_ROLES, 40),
    NavLink("feed_pages.index", "日历订阅", "Calendar feeds", ALL_ROLES, 41),
    NavLink("circle.overview", "15分钟服务圈", "15-minute circle", STAFF, 70),
    NavLink("auth.password", "修改密码", "Change password", ALL_ROLES, 90),
)


def init_app(app: Flask) -> None:
    for link in MENU:
        add_nav_link(app, link.endpoint, link.label_zh, link.label_en, link.roles, link.order)

    @app.context_processor
    def _nav():
        def nav_links() -> list[dict]:
            role = current_user.role if current_user.is_authenticated else None
            english = _is_english()
            return [{"url": url_for(link.endpoint), "endpoint": link.endpoint,
                     "label": link.label_en if english else link.label_zh} for link in links_for(app, role)]

        return {"nav_links": nav_links}
