"""The registration rush: 300 simultaneous enrolments for a 20-seat class through gunicorn (4 workers).

    python bench/bench_rush.py
Prints how long the rush takes to settle (first request sent to last answer) and the p99 latency,
without and with the waiting list, on SQLite and (when TEST_DATABASE_URL answers) PostgreSQL, sent
two ways: from plain sockets (bench/rush_client.py: the figure that counts, as the client costs next
to nothing) and by the test's 300 threads with `requests` (which spend about 0.8 s of the two cores).
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import rush_client  # noqa: E402
from tests.test_activities_rush import SEATS, TRIES, run_both_rushes, rush  # noqa: E402
from tests.world import PG_URL, postgres_available, reset_postgres  # noqa: E402

CLIENTS = (("sockets", rush_client.rush), ("threads", rush))


def report(engine: str, fresh_url) -> None:
    for client_name, client in CLIENTS:
        plain, queued, _ = run_both_rushes(fresh_url(), client)
        for label, result in (("capacity", plain), ("waitlist", queued)):
            errors = sum(1 for s in result["statuses"] if s >= 500)
            print(f"{engine:10} {client_name:7} {label:8} {TRIES} enrolments / {SEATS} seats: "
                  f"settled {result['settled']:.2f} s, p99 {result['p99']:.2f} s, "
                  f"enrolled {result['outcomes'].count('enrolled')}, 5xx {errors}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = iter(range(len(CLIENTS)))
        report("sqlite", lambda: f"sqlite:///{Path(folder) / f'rush{next(files)}.db'}")
    if postgres_available() is None:
        def reset() -> str:
            reset_postgres()
            return PG_URL
        report("postgresql", reset)
    else:
        print("postgresql: not reachable, skipped")


if __name__ == "__main__":
    main()
