"""Load from outside the server: wrk (a C client that does not compete with Python for the GIL), parsed.

Every figure the benchmarks quote is a ratio to a hello-world Flask app served by the same gunicorn settings in
the same run, measured just before and just after the target, so that load from elsewhere falls on both.
"""
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
THREADS, CONNECTIONS, SECONDS = 2, 16, 5


@dataclass(frozen=True)
class Run:
    per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    unexpected: int  # answers with another status than the one expected, and socket errors
    example: str  # one such status, if any


def require_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("the benchmarks need wrk (Debian: apt-get install wrk)")
    return found


def wrk(url: str, script: str, *args, headers: dict | None = None, seconds: int = SECONDS) -> Run:
    """Run `script` (in bench/lua; its first argument is the status every answer should have) against `url`."""
    command = [require_wrk(), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(LUA / script), url, "--", *map(str, args)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return _parse(out)


def _parse(out: str) -> Run:
    def number(pattern: str) -> float:
        found = re.search(pattern, out)
        return float(found.group(1)) if found else 0.0

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Run(per_second=number(r"Requests/sec:\s+([\d.]+)"), p50_ms=latency("50"), p99_ms=latency("99"),
               requests=int(number(r"(\d+) requests in")),
               unexpected=int(number(r"Unexpected status: (\d+)")) + (sum(map(int, errors.groups())) if errors else 0),
               example=(re.search(r"Unexpected status: \d+ \(e\.g\. (\d+)\)", out) or [None, ""])[1])
