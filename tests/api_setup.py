"""A small centre behind the HTTP API: spaces, residents, and a token per role."""
from dataclasses import dataclass
from datetime import date, time

from models import db
from services.accounts import accounts
from tests.world import NOW, make_app, resident, space


@dataclass
class Centre:
    app: object
    client: object
    tokens: dict
    ids: dict

    def headers(self, role: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def post(self, path: str, body=None, role: str = "staff", **kwargs):
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers(role), **kwargs)

    def get(self, path: str, role: str = "staff"):
        return self.client.get(f"/api/v1{path}", headers=self.headers(role))


def build(url: str) -> Centre:
    app = make_app(url, FIXED_NOW=NOW)
    with app.app_context():
        s = db.session
        room = space(s, operator="心晴心理咨询工作室", sensitive=True)
        library = space(s, name="绘本馆", name_en="Picture-book library", kind="picture_book_library",
                        exclusive=False, capacity=10, hours=[(d, time(9), time(17)) for d in range(7)])
        station = space(s, name="养老驿站", name_en="Elderly care station", kind="elderly_care", exclusive=False,
                        capacity=30, groups=["elderly", "special"], operator="颐康养老服务中心")
        parent = resident(s, name="周丽娟", phone="13800000001")
        child = resident(s, name="陈一诺", born=date(2021, 6, 1), guardian_id=parent.id)
        elder = resident(s, name="王桂兰", born=date(1944, 2, 2), lives_alone=True)
        users = {
            "admin": accounts.create_user(s, "admin", "password-1", "admin"),
            "staff": accounts.create_user(s, "desk", "password-1", "staff"),
            "operator": accounts.create_user(s, "counsellor", "password-1", "operator", organisation="心晴心理咨询工作室"),
            "resident": accounts.create_user(s, "13800000001", "password-1", "resident", resident_id=parent.id),
        }
        tokens = {role: accounts.create_token(s, user) for role, user in users.items()}
        ids = {"room": room.id, "library": library.id, "station": station.id, "parent": parent.id,
               "child": child.id, "elder": elder.id}
        s.commit()
    return Centre(app, app.test_client(), tokens, ids)
