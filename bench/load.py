"""Measuring helpers for the benchmarks: a closed-loop load generator and a best-of timer."""
import threading
import time
from collections.abc import Callable

import requests

Request = Callable[[requests.Session, int], requests.Response]


def throughput(make_request: Request, clients: int = 16, seconds: float = 5.0) -> tuple[float, int]:
    """Requests per second over `seconds`, and how many answers were 5xx or failed."""
    done, bad = [0] * clients, [0] * clients
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        session = requests.Session()
        i = 0
        while time.perf_counter() < stop:
            try:
                status = make_request(session, n * 1_000_000 + i).status_code
            except requests.RequestException:
                status = 599
            done[n] += 1
            bad[n] += status >= 500
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - began), sum(bad)


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    """The fastest of `runs` calls, in seconds: the least disturbed by a noisy machine."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
