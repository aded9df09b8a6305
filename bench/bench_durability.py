"""The cost of SQLite's durability setting: booking writes per second with synchronous=FULL and NORMAL (WAL).

    python bench/bench_durability.py [DIR]
Each booking is its own transaction through the booking service, as a request makes it, on a file in DIR
(default: a temporary directory; pass the disk the centre's database lives on). The modes alternate and
each keeps its best run, so a busy machine penalises neither.
"""
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import db  # noqa: E402
from services.booking import booking  # noqa: E402
from services.booking.rules import Request  # noqa: E402
from tests.world import DESK, context, make_app, resident, space  # noqa: E402

WRITES, ROUNDS = 300, 2
ALWAYS_OPEN = [(d, clock_time(0), clock_time(23, 59)) for d in range(7)]
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def writes_per_second(path: Path, mode: str) -> float:
    app = make_app(f"sqlite:///{path}", SQLITE_SYNCHRONOUS=mode)
    with app.app_context():
        s = db.session
        hall = space(s, exclusive=False, capacity=WRITES, hours=ALWAYS_OPEN, min_notice_minutes=0, window_days=60)
        people = [resident(s, name=f"居民{n}") for n in range(WRITES)]
        s.commit()
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == {"FULL": 2, "NORMAL": 1}[mode]
        start = NOW + timedelta(days=1)
        began = time.perf_counter()
        for person in people:
            s.commit()  # what write_transaction does first: end the read, begin the write
            req = Request(booking.lock_space(s, hall.id), person, start, start + timedelta(hours=1), 1)
            booking.book(s, req, DESK, context(s, now=NOW, by_staff=True))
            s.commit()
        elapsed = time.perf_counter() - began
        db.engine.dispose()
    return WRITES / elapsed


def main() -> None:
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        best = {"FULL": 0.0, "NORMAL": 0.0}
        for round_ in range(ROUNDS):
            for mode in best:
                best[mode] = max(best[mode], writes_per_second(Path(tmp) / f"{mode}-{round_}.db", mode))
    for mode, rate in best.items():
        print(f"synchronous={mode:6} (WAL): {rate:7.1f} booking writes/s, {1000 / rate:5.2f} ms each")
    print(f"FULL costs {1 - best['FULL'] / best['NORMAL']:.0%} of NORMAL's write rate "
          f"({1000 / best['FULL'] - 1000 / best['NORMAL']:.2f} ms more per booking)")


if __name__ == "__main__":
    main()
