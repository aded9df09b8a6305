"""A small centre with bookings of every kind a feed must show: for the feed and calendar tests.

Bookings are made through the real booking service at NOW (Monday 2026-11-23 08:00 in Hangzhou).
"""
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from models import Booking, User, db
from services.accounts import accounts
from services.booking import booking
from services.booking.rules import Request
from tests.world import DESK, NOW, book, context, make_app, resident, space

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# 09:00 Hangzhou on Tuesday 2026-11-24
TUESDAY_9 = NOW + DAY + HOUR


@dataclass
class World:
    app: object
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)  # API tokens per login
    names: list = field(default_factory=list)
    phones: list = field(default_factory=list)

    @property
    def client(self):
        return self.app.test_client()

    def headers(self, login: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[login]}"}

    def new_feed(self, login: str, **body) -> dict:
        answer = self.client.post("/api/v1/feeds", json=body, headers=self.headers(login))
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()


def _spaces(s) -> dict:
    return {
        "counselling": space(s, operator="心晴心理咨询工作室", sensitive=True, floor=4),
        "library": space(s, name="绘本馆", name_en="Picture-book library", kind="picture_book_library",
                         exclusive=False, capacity=10, floor=3, hours=[(d, time(9), time(17)) for d in range(7)]),
        "rehab": space(s, name="康复理疗室", name_en="Rehab physiotherapy room", kind="rehab", sensitive=True,
                       floor=2, operator="颐康养老服务中心"),
        "station": space(s, name="养老驿站", name_en="Elderly care station", kind="elderly_care", exclusive=False,
                         capacity=30, floor=2, operator="颐康养老服务中心"),
    }


def _people(s) -> dict:
    parent = resident(s, name="周丽娟", phone="13800000001")
    return {
        "parent": parent,
        "child": resident(s, name="陈一诺", born=date(2019, 6, 1), guardian_id=parent.id),
        "elder": resident(s, name="王桂兰", born=date(1944, 2, 2), phone="13900000002", lives_alone=True),
        "other": resident(s, name="李明远", phone="13700000003"),
    }


def _logins(s, people) -> dict:
    users = {
        "admin": accounts.create_user(s, "admin", "password-1", "admin"),
        "desk": accounts.create_user(s, "desk", "password-1", "staff"),
        "xinqing": accounts.create_user(s, "xinqing", "password-1", "operator", organisation="心晴心理咨询工作室"),
        "yikang": accounts.create_user(s, "yikang", "password-1", "operator", organisation="颐康养老服务中心"),
        "parent": accounts.create_user(s, "13800000001", "password-1", "resident", resident_id=people["parent"].id),
        "elder": accounts.create_user(s, "13900000002", "password-1", "resident", resident_id=people["elder"].id),
    }
    return users


def _bookings(s, spaces, people) -> dict:
    early = context(s, now=NOW - 20 * DAY, by_staff=True, staff_window_days=400)
    gone = book(s, spaces["library"], people["other"], NOW - 15 * DAY + 2 * HOUR, ctx=early)
    booking.cancel(s, gone, DESK, NOW - 10 * DAY)  # cancelled more than 7 days ago: out of every feed
    past = book(s, spaces["station"], people["elder"], NOW - 12 * DAY + 2 * HOUR, ctx=early)
    ctx = context(s, by_staff=True, staff_window_days=400)
    weekly = Request(spaces["counselling"], people["elder"], TUESDAY_9, TUESDAY_9 + HOUR)
    series = booking.book_series(s, weekly, "FREQ=WEEKLY;COUNT=4", DESK, ctx, note="独居，需电话提醒").bookings
    booking.cancel(s, series[1], DESK, NOW + HOUR, reason="身体不适")
    made = {
        "gone": gone, "past": past, "series": series,
        "rehab_parent": book(s, spaces["rehab"], people["parent"], TUESDAY_9 + 2 * HOUR, ctx=ctx),
        "rehab_elder": book(s, spaces["rehab"], people["elder"], TUESDAY_9 + DAY, ctx=ctx),
        "library_child": book(s, spaces["library"], people["child"], TUESDAY_9 + 2 * DAY, minutes=120, ctx=ctx),
        "counselling_child": book(s, spaces["counselling"], people["child"], TUESDAY_9 + 3 * DAY, ctx=ctx),
        "station_elder": book(s, spaces["station"], people["elder"], TUESDAY_9 + 2 * DAY, ctx=ctx),
        "far": book(s, spaces["library"], people["other"], NOW + 200 * DAY + 2 * HOUR, ctx=ctx),
    }
    return made


def build_world(url: str, **config) -> World:
    app = make_app(url, **{"FIXED_NOW": NOW, "FEED_CACHE_SECONDS": 0, **config})
    world = World(app)
    with app.app_context():
        s = db.session
        spaces, people = _spaces(s), _people(s)
        users = _logins(s, people)
        made = _bookings(s, spaces, people)
        world.tokens = {login: accounts.create_token(s, user) for login, user in users.items()}
        world.ids = {**{k: v.id for k, v in spaces.items()}, **{k: v.id for k, v in people.items()},
                     **{f"user_{k}": v.id for k, v in users.items()},
                     **{k: (v.id if isinstance(v, Booking) else [b.id for b in v]) for k, v in made.items()}}
        world.names = [p.name for p in people.values()]
        world.phones = [p.phone for p in people.values() if p.phone]
        s.commit()
    return world


def user_named(username: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == username))
