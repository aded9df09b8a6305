"""A small centre for the web pages: spaces run by two operators, a family, another resident, a login per role.

The clock is pinned to NOW (Monday 2026-11-23, 08:00 in Hangzhou) through FIXED_NOW.
"""
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from models import db
from services.accounts import accounts
from tests.web_login import login, page_csrf_token
from tests.world import NOW, TZ, at, book, make_app, resident, space

PASSWORD = "correct-horse-1"
TOMORROW = (NOW.astimezone(TZ) + timedelta(days=1)).date()
LOGINS = {"admin": "admin", "staff": "desk", "operator": "counsellor", "eldercare": "eldercare",
          "resident": "13800000001", "other": "13900000002"}


@dataclass
class World:
    app: object
    ids: dict = field(default_factory=dict)

    def client(self, who: str | None = None):
        """A fresh browser; signed in as `who` (a key of LOGINS) through the real form."""
        client = self.app.test_client()
        if who:
            response = login(client, LOGINS[who], PASSWORD)
            assert response.status_code == 302, f"sign-in as {who} failed"
        return client

    def post(self, client, path: str, data: dict | None = None, **kwargs):
        return client.post(path, data={"csrf_token": page_csrf_token(client, "/login"), **(data or {})}, **kwargs)


def build(url: str, **config) -> World:
    app = make_app(url, FIXED_NOW=NOW, **config)
    with app.app_context():
        s = db.session
        room = space(s, operator="心晴心理咨询工作室", sensitive=True, min_notice_minutes=60)
        library = space(s, name="绘本馆", name_en="Picture-book library", kind="picture_book_library",
                        exclusive=False, capacity=2, hours=[(d, time(9), time(17)) for d in range(7)])
        station = space(s, name="养老驿站", name_en="Elderly care station", kind="elderly_care", exclusive=False,
                        capacity=30, groups=["elderly", "special"], operator="颐康养老服务中心")
        parent = resident(s, name="周丽娟", phone="13800000001")
        child = resident(s, name="陈一诺", born=date(2021, 6, 1), guardian_id=parent.id)
        mother = resident(s, name="周桂兰", born=date(1947, 3, 3), guardian_id=parent.id)
        other = resident(s, name="王建华", phone="13900000002", born=date(1950, 1, 1))
        newcomer = resident(s, name="李秀英", phone="13700000003", born=date(1952, 8, 8))
        for role, username in LOGINS.items():
            kind = {"eldercare": "operator", "other": "resident"}.get(role, role)
            org = {"operator": "心晴心理咨询工作室", "eldercare": "颐康养老服务中心"}.get(role)
            rid = {"resident": parent.id, "other": other.id}.get(role)
            accounts.create_user(s, username, PASSWORD, kind, resident_id=rid, organisation=org)
        mine = book(s, library, child, at(TOMORROW, 10))
        theirs = book(s, room, other, at(TOMORROW, 10))
        theirs_station = book(s, station, other, at(TOMORROW, 9))
        now_booking = book(s, station, other, at(NOW.astimezone(TZ).date(), 8), minutes=60)
        s.commit()
        ids = {"room": room.id, "library": library.id, "station": station.id, "parent": parent.id,
               "child": child.id, "mother": mother.id, "other": other.id, "newcomer": newcomer.id,
               "my_booking": mine.id, "their_booking": theirs.id, "their_station_booking": theirs_station.id,
               "current_booking": now_booking.id}
    return World(app, ids)
