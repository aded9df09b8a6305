"""`make run` (flask serve) in a real terminal: the address and demo logins come last, routine log lines go to
instance/logs/, and Ctrl-C stops the web server and the scheduler cleanly."""
import os
import pty
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read(fd: int, seconds: float, until: bytes | None = None) -> bytes:
    out, end = b"", time.monotonic() + seconds
    while time.monotonic() < end and not (until and until in out):
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the terminal closed: everyone has exited
                break
            if not chunk:
                break
            out += chunk
    return out


def test_the_address_comes_last_and_ctrl_c_stops_both_processes_cleanly(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "SECRET_KEY": "test",
           "PYTHONUNBUFFERED": "1", "QUIET_HOURS_FROM": "00:00", "QUIET_HOURS_UNTIL": "00:00"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command a newcomer's terminal runs
        os.chdir(ROOT)
        os.execve(sys.executable, [*flask, "serve", "--port", str(port)], env)
    started = _read(fd, 240, until=b"Ctrl-C").decode(errors="replace")
    lines = [line for line in started.splitlines() if line.strip()]
    os.write(fd, b"\x03")  # Ctrl-C, as typed
    stopped = _read(fd, 90).decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    assert f"http://127.0.0.1:{port}/" in lines[-1], started
    assert "hongmei-desk" in "\n".join(lines[-8:])
    assert "apscheduler" not in started and "Booting worker" not in started  # routine lines are in the log files
    assert "Segmentation fault" not in stopped and "Traceback" not in stopped, stopped
    assert "定时任务已停止 / Scheduler stopped" in stopped and "已停止 / Stopped." in stopped
    assert os.waitstatus_to_exitcode(status) == 0
    assert "Scheduler started" in (ROOT / "instance" / "logs" / "scheduler.log").read_text(encoding="utf-8")
