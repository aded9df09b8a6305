"""`flask --app app serve`: what `make run` starts — gunicorn and the scheduler, supervised together.

A newcomer needs three things from the console: that it started, the address, the demo logins. So the
address and logins come last, once the web server answers; routine log lines go to instance/logs/ and
only warnings reach the console. Ctrl-C reaches this process only; it stops both children with SIGTERM,
waits for them and exits quietly. (The shell `trap 'kill 0'` this replaces re-entered itself on the signal it
sent and died with "Segmentation fault".)
"""
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from cli.database import print_logins

READY_SECONDS = 90
STOP_SECONDS = 30


def init_app(app: Flask) -> None:
    app.cli.add_command(serve)


def log_dir(app: Flask) -> Path:
    path = Path(app.instance_path) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _children(host: str, port: int, workers: int, logs: Path, secret: str) -> list[subprocess.Popen]:
    bin_dir = Path(sys.executable).parent
    web = [str(bin_dir / "gunicorn"), "--workers", str(workers), "--bind", f"{host}:{port}",
           "--access-logfile", str(logs / "access.log"), "--error-logfile", "-", "--log-level", "warning",
           "--no-control-socket", "app:create_app()"]
    routines = [sys.executable, "-m", "flask", "--app", "app", "run-scheduler"]
    # The key this installation generated, so the children do not each warn that SECRET_KEY is unset.
    env = {**os.environ, "SECRET_KEY": secret}
    # Each in its own session: Ctrl-C reaches only us, and we stop them gracefully with SIGTERM, so gunicorn
    # finishes the requests in flight instead of dying inside one with a traceback.
    return [subprocess.Popen(cmd, env=env, start_new_session=True) for cmd in (web, routines)]


def _web_up(url: str) -> bool:
    with contextlib.suppress(OSError), urllib.request.urlopen(url + "login", timeout=10):
        return True
    return False


def _scheduler_up(log: Path, offset: int) -> bool:
    """The scheduler logged that it started (after `offset`, where the log ended when we launched it)."""
    with contextlib.suppress(OSError), log.open("rb") as f:
        f.seek(offset)
        return b"Scheduler started" in f.read()
    return False


def _wait_until_up(url: str, log: Path, offset: int, children: list[subprocess.Popen],
                   stopping: "_Flag") -> bool:
    """Both answer: so that nothing they print at start-up comes after the address."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and not stopping.is_set():
        if any(child.poll() is not None for child in children):
            return False
        if _web_up(url) and _scheduler_up(log, offset):
            return True
        stopping.wait(0.3)
    return False


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


class _Flag:
    """Set from a signal handler: a plain attribute, no lock (an Event's lock could be held by the very
    code the handler interrupts)."""

    def __init__(self):
        self.up = False

    def set(self, *_):
        self.up = True

    def wait(self, seconds: float) -> bool:
        time.sleep(seconds)
        return self.up

    def is_set(self) -> bool:
        return self.up


def _stop_on_signals() -> _Flag:
    """Ctrl-C and SIGTERM only set a flag. Raising from a signal handler can land inside Popen.poll while
    it holds its internal lock, and the final wait() then blocks for ever (seen under load)."""
    stopping = _Flag()
    for number in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a shell may start us with it ignored
        signal.signal(number, stopping.set)
    return stopping


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--workers", default=2, type=int)
@with_appcontext
def serve(host: str, port: int, workers: int):
    """Run the web server and the scheduler until Ctrl-C; print the address and demo logins once up."""
    logs = log_dir(current_app)
    url = f"http://{host}:{port}/"
    scheduler_log = logs / "scheduler.log"
    offset = scheduler_log.stat().st_size if scheduler_log.exists() else 0
    children = _children(host, port, workers, logs, current_app.config["SECRET_KEY"])
    stopping = _stop_on_signals()
    try:
        up = _wait_until_up(url, scheduler_log, offset, children, stopping)
        if not up and not stopping.is_set():
            raise click.ClickException("服务没有启动，请查看上面的错误 / the server did not start; see the errors above")
        if up:
            click.echo("")
            print_logins()
            click.echo(f"日志 / Logs: {logs}")
            click.echo(f"邻里中心预约已启动，请在浏览器打开 / Open in a browser: {url}   (Ctrl-C 停止 / to stop)")
        while not stopping.wait(0.5):
            if any(child.poll() is not None for child in children):
                raise click.ClickException("有一个进程意外退出 / a process stopped unexpectedly")
        click.echo("\n正在停止… / Stopping…")
    finally:
        _stop(children)
    click.echo("已停止 / Stopped.")
