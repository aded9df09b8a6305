"""Start the real app under a real gunicorn on a free local port, for concurrency tests and benchmarks."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, workers: int, env: dict | None = None, ready_path: str = "/login"):
    """Yield the base URL of `app_spec` served by gunicorn with `workers` sync workers."""
    with gunicorn_process(app_spec, workers, env, ready_path) as (base, _):
        yield base


@contextmanager
def gunicorn_process(app_spec: str, workers: int, env: dict | None = None, ready_path: str = "/login",
                     preexec_fn=None, access_log: Path | None = None):
    """Yield the base URL and the master process, for tests that signal the server or limit it.

    With `access_log`, gunicorn writes its access log there with the request line, path, query and raw URI:
    everything a log line could leak."""
    port = free_port()
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    logging = ["--access-logfile", str(access_log), "--access-logformat",
               '%(h)s "%(r)s" %(s)s %(U)s %(q)s {raw_uri}e'] if access_log else []
    proc = subprocess.Popen(
        [gunicorn_bin, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--backlog", "2048",
         "--log-level", "warning", *logging, app_spec],
        cwd=ROOT, env={**os.environ, **(env or {})}, preexec_fn=preexec_fn,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base + ready_path, proc)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=20)


def worker_pids(master: int) -> list[int]:
    """The master's child processes (gunicorn's workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it exited while we looked
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


def _wait_until_ready(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start within 60 s")
