"""The menu: base.html shows the links meant for the signed-in user's role. MENU lists them all."""
from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import LazyString, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

ALL_ROLES = ("admin", "staff", "operator", "resident")


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: LazyString  # lazy_gettext: read in the reader's language when the menu is drawn
    roles: tuple[str, ...]
    order: int


def add_nav_link(app: Flask, endpoint: str, label: LazyString, roles=ALL_ROLES, order: int = 50) -> None:
    """Register a link once; registering the same endpoint again replaces it (app factories run repeatedly)."""
    links: dict[str, NavLink] = app.extensions.setdefault("nav_links", {})
    links[endpoint] = NavLink(endpoint, label, tuple(roles), order)


def links_for(app: Flask, role: str | None) -> list[NavLink]:
    links = app.extensions.get("nav_links", {}).values()
    return sorted((link for link in links if role in link.roles), key=lambda link: (link.order, link.endpoint))


STAFF = ("staff", "admin")
MENU = (
    NavLink("desk.board", _l("今日总览"), STAFF, 10),
    NavLink("desk.book", _l("代为预约"), STAFF, 11),
    NavLink("desk_residents.residents", lazy_pgettext("menu", "居民"), STAFF, 12),  # the register, not the role
    NavLink("portal.index", _l("我的预约"), ("resident",), 10),
    NavLink("portal.choose", _l("预约场地"), ("resident",), 11),
    NavLink("waitlist_pages.index", _l("我的候补"), ("resident",), 12),
    NavLink("activities.index", _l("活动"), ("resident",), 13),
    NavLink("programme.index", _l("活动安排"), ("staff", "admin", "operator"), 14),
    NavLink("operator.schedule", _l("我们的日程"), ("operator",), 10),
    NavLink("operator.closures", _l("占用时段"), ("operator",), 11),
    NavLink("admin.index", _l("管理"), ("admin",), 30),
    NavLink("outreach_pages.index", _l("一人不落下"), STAFF, 30),
    NavLink("admin_spaces.spaces", _l("空间与规则"), ("admin",), 31),
    NavLink("admin_spaces.closures", _l("闭馆"), ("admin",), 32),
    NavLink("admin.users", _l("账号"), ("admin",), 33),
    NavLink("admin.audit_log", _l("审计日志"), ("admin",), 34),
    NavLink("admin.tokens", _l("接口令牌"), ("admin",), 35),
    NavLink("calendar.index", _l("日历"), ALL_ROLES, 40),
    NavLink("feed_pages.index", _l("日历订阅"), ALL_ROLES, 41),
    NavLink("circle.overview", _l("15分钟服务圈"), STAFF, 70),
    NavLink("checkup.report_page", _l("社区体检"), STAFF, 71),
    NavLink("checkup_problems.ledger", _l("问题台账"), STAFF, 72),
    NavLink("checkup_standards.index", _l("体检标准"), ("admin",), 73),
    NavLink("checkup_problems.mine", _l("我提问题"), ("resident",), 13),
    NavLink("auth.password", _l("修改密码"), ALL_ROLES, 90),
)


def init_app(app: Flask) -> None:
    for link in MENU:
        add_nav_link(app, link.endpoint, link.label, link.roles, link.order)

    @app.context_processor
    def _nav():
        def nav_links() -> list[dict]:
            role = current_user.role if current_user.is_authenticated else None
            return [{"url": url_for(link.endpoint), "endpoint": link.endpoint, "label": str(link.label)}
                    for link in links_for(app, role)]

        return {"nav_links": nav_links}
