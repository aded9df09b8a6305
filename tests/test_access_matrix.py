"""Every page route × every role × someone else's object: the expected status, never another resident's data.

Roles that may not use a page get 403 (anonymous visitors are sent to sign in); objects that are not yours
answer 404, as if they did not exist.
"""
import pytest
from sqlalchemy import select

from models import User, db
from tests.web_world import TOMORROW, build

STAFF, ADMIN, RESIDENT, OPERATOR = ("staff", "admin"), ("admin",), ("resident",), ("operator", "eldercare")
ROLES = ("anonymous", "resident", "operator", "eldercare", "staff", "admin")
T = TOMORROW.isoformat()
# method, path, roles allowed (or {role: status}), status for them
ROUTES = [
    ("GET", "/desk", STAFF, 200),
    ("GET", "/desk?date=" + T, STAFF, 200),
    ("GET", "/desk/book?q=周", STAFF, 200),
    ("POST", "/desk/book", STAFF, 404),
    ("GET", "/desk/bookings/{their_booking}", STAFF, 200),
    ("POST", "/desk/bookings/{their_booking}/check-in", STAFF, 302),
    ("POST", "/desk/bookings/{their_booking}/no-show", STAFF, 302),
    ("POST", "/desk/bookings/{their_booking}/cancel", STAFF, 302),
    ("GET", "/desk/roster?resource_id={room}&date=" + T, STAFF, 200),
    ("GET", "/desk/residents?q=王", STAFF, 200),
    ("GET", "/desk/residents/new", STAFF, 200),
    ("POST", "/desk/residents/new", STAFF, 422),
    ("GET", "/desk/residents/{other}", STAFF, 200),
    ("POST", "/desk/residents/{child}/activation", STAFF, 302),
    ("GET", "/my", RESIDENT, 200),
    ("GET", "/my/book", RESIDENT, 200),
    ("GET", "/my/book?for={child}", RESIDENT, 200),
    ("GET", "/my/book/{library}?date=" + T, RESIDENT, 200),
    ("GET", "/my/book/{library}/confirm?start=" + T + "T15:00", RESIDENT, 200),
    ("GET", "/my/bookings/{my_booking}/cancel", RESIDENT, 200),
    # the .ics download is the feeds' route: whoever may see the booking gets it, the rest never learn of it
    ("GET", "/bookings/{my_booking}.ics", {"anonymous": 401, "resident": 200, "operator": 404, "eldercare": 404,
                                           "staff": 200, "admin": 200}, None),
    ("POST", "/my/book/{library}/confirm?start=" + T + "T15:00", RESIDENT, 302),
    ("POST", "/my/bookings/{my_booking}/cancel", RESIDENT, 302),
    # someone else's objects
    ("GET", "/my/book?for={other}", RESIDENT, 404),
    ("GET", "/my/book/{library}?for={other}", RESIDENT, 404),
    ("GET", "/my/bookings/{their_booking}/cancel", RESIDENT, 404),
    ("GET", "/bookings/{their_booking}.ics", {"anonymous": 401, "resident": 404, "operator": 200, "eldercare": 404,
                                              "staff": 200, "admin": 200}, None),
    ("POST", "/my/bookings/{their_booking}/cancel", RESIDENT, 404),
    ("POST", "/my/book/{library}/confirm?for={other}&start=" + T + "T15:00", RESIDENT, 404),
    ("GET", "/operator", OPERATOR, 200),
    ("GET", "/operator/closures", OPERATOR, 200),
    # the counselling room is the counsellor's: the elderly-care operator may not know of it
    ("POST", "/operator/closures?resource_id={room}&date=" + T + "&start=09:00&end=10:00&reason=x",
     {"operator": 302, "eldercare": 404}, None),
    ("POST", "/operator/closures/999/delete", OPERATOR, 404),
    ("GET", "/admin", ADMIN, 200),
    ("POST", "/admin/centre", ADMIN, 302),
    ("GET", "/admin/users", ADMIN, 200),
    ("POST", "/admin/users", ADMIN, 302),
    ("POST", "/admin/users/{other_user}/sign-out", ADMIN, 302),
    ("POST", "/admin/users/{operator_user}/role", ADMIN, 302),
    ("GET", "/admin/audit", ADMIN, 200),
    ("GET", "/admin/tokens", ADMIN, 200),
    ("POST", "/admin/tokens/999999/revoke", ADMIN, 404),
    ("GET", "/admin/spaces", ADMIN, 200),
    ("GET", "/admin/spaces/new", ADMIN, 200),
    ("POST", "/admin/spaces/new", ADMIN, 422),
    ("GET", "/admin/spaces/{room}", ADMIN, 200),
    ("POST", "/admin/spaces/{room}", ADMIN, 422),
    ("GET", "/admin/closures", ADMIN, 200),
    ("POST", "/admin/closures", ADMIN, 400),
    ("POST", "/admin/closures/999/delete", ADMIN, 404),
    ("GET", "/account/password", ("resident", "operator", "eldercare", "staff", "admin"), 200),
    # the community check-up: staff and admins; residents raise problems; admins keep the standards
    ("GET", "/checkup", STAFF, 200),
    ("GET", "/checkup/report.pdf", STAFF, 200),
    ("GET", "/checkup/report.xlsx", STAFF, 200),
    ("POST", "/checkup/save", STAFF, 302),
    ("GET", "/checkup/names?building_id=999", STAFF, 404),
    ("GET", "/checkup/problems", STAFF, 200),
    ("POST", "/checkup/problems", STAFF, 302),
    ("POST", "/checkup/problems/999", STAFF, 302),
    ("POST", "/checkup/problems/999/review", STAFF, 302),
    ("GET", "/my/problems", RESIDENT, 200),
    ("POST", "/my/problems", RESIDENT, 302),
    ("GET", "/admin/checkup/standards", ADMIN, 200),
    ("POST", "/admin/checkup/standards", ADMIN, 302),
    ("POST", "/admin/checkup/standards/elderly_care_space_old", ADMIN, 302),
]
MY_BLUEPRINTS = ("desk", "desk_residents", "portal", "operator", "admin", "admin_spaces", "checkup", "checkup_problems",
                 "checkup_standards")


def _expected(role: str, allowed, status: int | None) -> int:
    if isinstance(allowed, dict) and role in allowed:
        return allowed[role]
    if role in allowed:
        return status
    return 302 if role == "anonymous" else 403  # anonymous visitors are sent to sign in


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(role, tmp_path):
    world = build(f"sqlite:///{tmp_path / 'web.db'}")
    with world.app.app_context():
        ids = dict(world.ids, other_user=db.session.scalar(select(User.id).where(User.username == "13900000002")),
                   operator_user=db.session.scalar(select(User.id).where(User.username == "counsellor")))
    client = world.client(None if role == "anonymous" else role)
    mismatches = []
    for method, path, allowed, status in ROUTES:
        url = path.format(**ids)
        response = world.post(client, url) if method == "POST" else client.get(url)
        want = _expected(role, allowed, status)
        if response.status_code != want:
            mismatches.append(f"{method} {url}: {response.status_code}, expected {want}")
        if role in ("resident", "operator", "eldercare") and response.status_code == 200:
            body = response.get_data(as_text=True)
            if role == "resident":
                assert "王建华" not in body, f"{url} shows another resident's name"
            if role == "eldercare":
                assert "心理咨询室" not in body, f"{url} shows the counselling room to the elderly-care operator"
    assert not mismatches, "\n".join(mismatches)


def test_every_page_route_of_the_role_blueprints_is_in_the_matrix_and_has_a_role_decorator(tmp_path):
    world = build(f"sqlite:///{tmp_path / 'web.db'}")
    app = world.app
    covered = {(m, p.split("?")[0].split("{")[0].rstrip("/")) for m, p, _a, _s in ROUTES}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint not in MY_BLUEPRINTS:
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "allowed_roles", None), f"{rule.endpoint} has no role decorator"
        prefix = rule.rule.split("<")[0].rstrip("/")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(m == method and (p == prefix or p.startswith(prefix)) for m, p in covered), \
                f"{method} {rule.rule} is not in the access matrix"
