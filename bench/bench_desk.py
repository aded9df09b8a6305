"""The desk's day board, 30 spaces on a busy day: the page's weight with its assets.
(Its throughput from outside is bench/bench_hot_paths.py's.)

    python bench/bench_desk.py
Target: page + CSS + JS < 200 KB.
"""
import re
import sys
import tempfile
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from models import Booking, db  # noqa: E402
from services import accounts  # noqa: E402
from tests.server import gunicorn  # noqa: E402
from tests.world import TZ, make_app, resident, space  # noqa: E402

WORKERS = 2
SPACES, RESIDENTS = 30, 300
DAY_HOURS = [(d, clock_time(8), clock_time(20)) for d in range(7)]


def _bookings_for(spaces, people, day) -> list[dict]:
    """Every hour of every space taken: one booking in exclusive rooms, three parties in shared ones."""
    rows, n = [], 0
    for room in spaces:
        for hour in range(8, 20):
            start = datetime.combine(day, clock_time(hour), TZ)
            for _ in range(1 if room.exclusive else 3):
                rows.append({"resource_id": room.id, "resident_id": people[n % len(people)].id, "starts_at": start,
                             "ends_at": start + timedelta(hours=1), "party_size": 1, "status": "confirmed",
                             "exclusive": room.exclusive, "channel": "desk", "sequence": 0,
                             "created_at": start, "updated_at": start})
                n += 1
    return rows


def build_centre(url: str, day) -> None:
    app = make_app(url)
    with app.app_context():
        s = db.session
        spaces = [space(s, name=f"活动室{n:02d}", name_en=f"Room {n:02d}", exclusive=n % 3 == 0,
                        capacity=1 if n % 3 == 0 else 12, sensitive=n % 10 == 0, hours=DAY_HOURS)
                  for n in range(SPACES)]
        people = [resident(s, name=f"居民{n}") for n in range(RESIDENTS)]
        s.execute(insert(Booking), _bookings_for(spaces, people, day))
        accounts.create_user(s, "desk", "bench-desk-pass", "staff")
        s.commit()
        db.engine.dispose()


def signed_in_cookies(base: str) -> dict:
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(f"{base}/login").text).group(1)
    answer = session.post(f"{base}/login", data={"username": "desk", "password": "bench-desk-pass",
                                                 "csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 302, answer.status_code
    return session.cookies.get_dict()


def page_weight(base: str, path: str, cookies: dict) -> tuple[int, int]:
    html = requests.get(base + path, cookies=cookies).content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    return len(html), sum(len(requests.get(base + a.decode()).content) for a in assets)


def main() -> None:
    day = (datetime.now(TZ) + timedelta(days=1)).date()
    path = f"/desk?date={day.isoformat()}"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'desk.db'}"
        build_centre(url, day)
        with gunicorn("app:create_app()", WORKERS, {"DATABASE_URL": url, "SECRET_KEY": "bench-desk-secret"}) as base:
            cookies = signed_in_cookies(base)
            html, assets = page_weight(base, path, cookies)
    print(f"page weight: HTML {html / 1024:.1f} KB + CSS/JS {assets / 1024:.1f} KB = {(html + assets) / 1024:.1f} KB "
          "(target < 200 KB)")


if __name__ == "__main__":
    main()
