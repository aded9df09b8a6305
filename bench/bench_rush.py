"""The registration rush: 300 simultaneous enrolments for a 20-seat class through gunicorn (4 workers).

    python bench/bench_rush.py
Prints how long the rush takes to settle (first request sent to last answer) and the p99 latency,
without and with the waiting list, on SQLite and (when TEST_DATABASE_URL answers) PostgreSQL.
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_activities_rush import SEATS, TRIES, run_both_rushes  # noqa: E402
from tests.world import PG_URL, postgres_available, reset_postgres  # noqa: E402


def report(engine: str, url: str) -> None:
    plain, queued, _ = run_both_rushes(url)
    for label, result in (("capacity", plain), ("waitlist", queued)):
        errors = sum(1 for s in result["statuses"] if s >= 500)
        print(f"{engine:10} {label:8} {TRIES} enrolments / {SEATS} seats: settled {result['settled']:.2f} s, "
              f"p99 {result['p99']:.2f} s, enrolled {result['outcomes'].count('enrolled')}, 5xx {errors}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        report("sqlite", f"sqlite:///{Path(folder) / 'rush.db'}")
    if postgres_available() is None:
        reset_postgres()
        report("postgresql", PG_URL)
    else:
        print("postgresql: not reachable, skipped")


if __name__ == "__main__":
    main()
