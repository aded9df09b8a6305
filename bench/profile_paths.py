"""Where the hot paths spend their time: cProfile over in-process requests through the Flask test client, on the
centre the wrk benchmark builds. Profiles, not timings: the figures that count come from bench_hot_paths.py.

    python bench/profile_paths.py [availability|booking|board|slots|feed|resources] [--top N]
"""
import argparse
import cProfile
import io
import pstats
import re
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_hot_paths import PASSWORD, build_centre  # noqa: E402
from tests.world import TZ, make_app  # noqa: E402

REQUESTS = 200


def signed_in_client(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf}).status_code \
        == 302
    return client


def requests_for(app, ids: dict, day) -> dict:
    bearer = {"Authorization": f"Bearer {ids['token']}"}
    api, desk, me = app.test_client(), signed_in_client(app, "desk"), signed_in_client(app, "resident")
    today = datetime.now(TZ).date()
    first = datetime.combine(today + timedelta(days=1), datetime.min.time(), TZ)
    etags = {}

    def feed(n: int):
        path = f"/feeds/{ids['feeds'][n % 40]}.ics"
        answer = api.get(path, headers={"If-None-Match": etags.get(path, "")})
        etags[path] = answer.headers.get("ETag")
        return answer

    return {
        "availability": lambda n: api.get(f"/api/v1/resources/{ids['rooms'][n % 20]}/availability"
                                          f"?date={today + timedelta(days=n % 14)}", headers=bearer),
        "booking": lambda n: api.post("/api/v1/bookings", headers=bearer, json={
            "resource_id": ids["halls"][n % 10], "resident_id": ids["people"][n % 300],
            "start": (first + timedelta(hours=n // 10)).isoformat(),
            "end": (first + timedelta(hours=n // 10 + 1)).isoformat()}),
        "board": lambda n: desk.get(f"/desk?date={day}"),
        "slots": lambda n: me.get(f"/my/book/{ids['rooms'][n % 20]}?date={today + timedelta(days=n % 7)}"),
        "feed": feed,
        "resources": lambda n: api.get("/api/v1/resources", headers=bearer),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    options = parser.parse_args()
    day = (datetime.now(TZ) + timedelta(days=1)).date()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'profile.db'}"
        ids = build_centre(url, day)
        app = make_app(url, FEED_RATE_LIMIT=10**9)
        calls = requests_for(app, ids, day)
        for name in options.paths or calls:
            send = calls[name]
            for n in range(20):  # warm-up: templates compiled, caches filled
                send(10_000 + n)
            profiler = cProfile.Profile()
            profiler.enable()
            statuses = {send(n).status_code for n in range(REQUESTS)}
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(options.sort)
            total_ms = stats.total_tt / REQUESTS * 1000
            stats.print_stats(options.top)
            print(f"== {name}: {total_ms:.2f} ms a request under the profiler, statuses {sorted(statuses)}")
            print("\n".join(out.getvalue().splitlines()[6:]))


if __name__ == "__main__":
    main()
