"""The navigation registry: each role sees the links registered for it, in its language."""
from flask_babel import lazy_gettext

from models import db
from services.accounts import accounts
from views.core.navigation import add_nav_link

from .web_login import login


def _sign_in_as(app, client, role, organisation=None):
    with app.app_context():
        accounts.create_user(db.session, f"u_{role}", "correct horse", role, organisation=organisation)
        db.session.commit()
    login(client, f"u_{role}", "correct horse")


def test_a_link_shows_only_to_the_roles_it_was_registered_for(app, client):
    app.add_url_rule("/x-report", "x_report", lambda: "ok")
    add_nav_link(app, "x_report", lazy_gettext("审计日志"), roles=("staff",))
    add_nav_link(app, "x_report", lazy_gettext("测试报表"), roles=("admin",))  # replaces the first
    _sign_in_as(app, client, "staff")
    assert "测试报表" not in client.get("/", follow_redirects=True).get_data(as_text=True)
    other = app.test_client()
    _sign_in_as(app, other, "admin")
    assert "测试报表" in other.get("/", follow_redirects=True).get_data(as_text=True)


def test_the_label_is_read_in_the_readers_language(app, client):
    app.add_url_rule("/x-report", "x_report", lambda: "ok")
    add_nav_link(app, "x_report", lazy_gettext("审计日志"), roles=("staff",))
    _sign_in_as(app, client, "staff")
    page = client.get("/", follow_redirects=True, headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Audit log" in page and "审计日志" not in page
    assert "审计日志" in client.get("/", follow_redirects=True).get_data(as_text=True)
