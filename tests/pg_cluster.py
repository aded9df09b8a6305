"""A throwaway PostgreSQL cluster on a free loopback port, for tests that stop and restart the server.

The shared server other tests use is never touched. initdb refuses to run as root, so under root
(CI) the cluster runs as the `postgres` OS user; without Debian's server binaries the test skips.
"""
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.server import free_port

STEP_TIMEOUT = 60


def _server_binaries() -> Path | None:
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(Path(bindir, tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(bindir)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and Path(found).with_name("initdb").is_file() else None


def _as_owner() -> tuple[list[str], str | None]:
    """The command prefix to run server tools as a non-root user, and that user's name."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` OS user to own a throwaway cluster")
    if shutil.which("runuser") is None:
        pytest.skip("running as root and `runuser` is missing: cannot start a throwaway cluster")
    return ["runuser", "-u", "postgres", "--"], "postgres"


class Cluster:
    def __init__(self, bindir: Path, base: Path, prefix: list[str]):
        self.bindir, self.base, self.prefix, self.port = bindir, base, prefix, free_port()
        self.data = base / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.prefix, str(self.bindir / tool), *args], capture_output=True, text=True,
                              timeout=STEP_TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> float:
        """Start and wait until it accepts connections; the monotonic time it did."""
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-o", options,
                  "-w", "-t", str(STEP_TIMEOUT), "start")
        return time.monotonic()

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(STEP_TIMEOUT), "stop")


@contextmanager
def throwaway_cluster():
    bindir = _server_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    prefix, owner = _as_owner()
    base = Path(tempfile.mkdtemp(prefix="linli-pg-"))
    if owner:
        shutil.chown(base, user=owner)
    cluster = Cluster(bindir, base, prefix)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            cluster.stop("immediate")  # raises when it was not running (a failed start)
        shutil.rmtree(base, ignore_errors=True)
