"""A best-of timer for in-process measurements (load from outside is bench/wrk.py's)."""
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    """The fastest of `runs` calls, in seconds: the least disturbed by a noisy machine."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
