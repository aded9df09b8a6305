"""The desk's day board, 30 spaces on a busy day: the page's weight with its assets.
(Its throughput from outside is bench/bench_hot_paths.py's, on the same centre.)

    python bench/bench_desk.py
Target: page + CSS + JS < 200 KB.
"""
import re
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.bench_hot_paths import build_centre, signed_in  # noqa: E402
from tests.server import gunicorn  # noqa: E402
from tests.world import TZ  # noqa: E402

WORKERS = 2


def page_weight(base: str, path: str, cookie: str) -> tuple[int, int]:
    html = requests.get(base + path, headers={"Cookie": cookie}).content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    return len(html), sum(len(requests.get(base + a.decode()).content) for a in assets)


def main() -> None:
    day = (datetime.now(TZ) + timedelta(days=1)).date()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'desk.db'}"
        build_centre(url, day)
        with gunicorn("bench.bench_app:app", WORKERS, {"BENCH_DATABASE_URL": url}) as base:
            html, assets = page_weight(base, f"/desk?date={day.isoformat()}", signed_in(base, "desk"))
    print(f"page weight: HTML {html / 1024:.1f} KB + CSS/JS {assets / 1024:.1f} KB = {(html + assets) / 1024:.1f} KB "
          "(target < 200 KB)")


if __name__ == "__main__":
    main()
