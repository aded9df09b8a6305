"""The registration rush: 300 simultaneous enrolments for a 20-seat class through gunicorn (4 workers).

    python bench/bench_rush.py
Prints how long the rush takes to settle (first request sent to last answer) and the p99 latency,
without and with the waiting list, on SQLite and (when TEST_DATABASE_URL answers) PostgreSQL, sent
two ways: from plain sockets (bench/rush_client.py: the figure that counts, as the client costs next
to nothing) and by the test's 300 threads with `requests` (which spend about 0.8 s of the two cores).
One rush first warms the workers; then each kind of rush runs three times, each at a class of its own,
and the median is printed with the range. In the same run the same 300 bodies go from the sockets to a
hello-world Flask app under the same gunicorn settings: the time a server that does nothing needs to
settle them. (wrk drives a steady load for a duration; it cannot send one burst of exactly 300.)
"""
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import rush_client  # noqa: E402
from tests.server import gunicorn  # noqa: E402
from tests.test_activities_rush import SEATS, TRIES, WORKERS, place_class, prepare, rush  # noqa: E402
from tests.world import PG_URL, postgres_available, reset_postgres  # noqa: E402

CLIENTS = (("sockets", rush_client.rush), ("threads", rush))
ROUNDS = 3


def hello_burst(people: list[int]) -> float:
    """The median time for hello-world to settle the same burst, from the same sockets."""
    with gunicorn("bench.plain_app:app", WORKERS, ready_path="/plain") as plain:
        rush_client.rush(plain, "-", 0, people, False, path="/plain")
        return statistics.median(rush_client.rush(plain, "-", 0, people, False, path="/plain")["settled"]
                                 for _ in range(ROUNDS))


def ratio(client_name: str, settled: float, hello: float) -> str:
    """Against hello-world only what was sent the same way: the threads cost their client 0.8 s of their own."""
    return f"; {settled / hello:.0f}× hello-world" if client_name == "sockets" else ""


def report(engine: str, url: str) -> None:
    token, ids = prepare(url)
    classes = iter(range(0, 24 * 30, 24))  # one class a day, at 09:00, from the day after tomorrow
    seen: dict[tuple[str, str], list[dict]] = {}
    with gunicorn("app:create_app()", WORKERS, {"DATABASE_URL": url, "SECRET_KEY": "rush-bench"}) as base:
        rush_client.rush(base, token, place_class(base, token, ids["hall"], next(classes)), ids["people"], False)
        for _round in range(ROUNDS):
            for client_name, client in CLIENTS:
                for label, waitlist in (("capacity", False), ("waitlist", True)):
                    session_id = place_class(base, token, ids["hall"], next(classes))
                    result = client(base, token, session_id, ids["people"], waitlist)
                    seen.setdefault((client_name, label), []).append(result)
    hello = hello_burst(ids["people"])
    print(f"{engine:10} hello-world, the same burst from the sockets: settled {hello:.2f} s")
    for (client_name, label), results in seen.items():
        settled, p99 = ([r[field] for r in results] for field in ("settled", "p99"))
        errors = sum(1 for r in results for s in r["statuses"] if s >= 500)
        enrolled = {r["outcomes"].count("enrolled") for r in results}
        print(f"{engine:10} {client_name:7} {label:8} {TRIES} enrolments / {SEATS} seats: "
              f"settled {statistics.median(settled):.2f} s ({min(settled):.2f}–{max(settled):.2f}"
              f"{ratio(client_name, statistics.median(settled), hello)}), "
              f"p99 {statistics.median(p99):.2f} s ({min(p99):.2f}–{max(p99):.2f}), "
              f"enrolled {sorted(enrolled)}, 5xx {errors}")


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
