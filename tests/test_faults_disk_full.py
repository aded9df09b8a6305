"""A full disk under a SQLite file: writes answer a clear 503, reads keep working, nothing written is lost.

Twice. First a file-size limit (`ulimit -f`, RLIMIT_FSIZE) that lets the write-ahead log grow a little and
then no more (SQLite reports it as "disk I/O error"); no mount needed, so it runs everywhere. Then a real
filesystem that fills: a small tmpfs holding the database, filled up by another file while the server
runs (SQLITE_FULL); it needs root to mount and skips, saying so, where mounting is not permitted. Freeing
the room afterwards (raising the limit, deleting the filler) lets writes through again without a restart.
"""
import errno
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.fault_world import BusyCentre, book, busy_centre, hall_bookings, ten_oclock
from tests.server import gunicorn_process, worker_pids

ROOM_FOR = 256 * 1024  # bytes the log may take before the "disk" is full
TMPFS_ROOM = 1024 * 1024  # room on the small filesystem beyond the database file, before it is filled
FIRST_BOOKINGS = 5  # made while there is room, then the filesystem is filled
PEOPLE = 200


def prepare(path) -> BusyCentre:
    centre = busy_centre(f"sqlite:///{path}", PEOPLE)
    with sqlite3.connect(path) as conn:  # everything into the main file: the log starts empty
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return centre


def limit_file_size():
    """In the server process before exec: files may not grow past ROOM_FOR; EFBIG instead of SIGXFSZ.

    Only the soft limit: raising it again later ("freeing space") needs no privilege."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (ROOM_FOR, resource.RLIM_INFINITY))


def book_until_refused(base: str, centre: BusyCentre, people: list[int], start) -> tuple[list[int], int, object]:
    """Book one person after another until a booking is not made: the ids made, who was refused, the answer."""
    made = []
    for person in people:
        answer = book(base, centre, person, start)
        if answer.status_code != 201:
            return made, person, answer
        made.append(answer.json()["id"])
    pytest.fail(f"the disk never filled: {len(made)} bookings made")


def assert_refused_clearly(answer) -> None:
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "60", answer.text[:300]
    assert answer.json()["error"]["code"] == "unavailable" and answer.json()["error"]["reason"] == "storage"
    assert answer.json()["error"]["message"].startswith("存储空间已满或磁盘出错")


def assert_nothing_lost(path, made: list[int], then_booked: int) -> int:
    """Every booking made before the disk filled is in the file, then the one made after it had room again."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, resident_id FROM booking ORDER BY id").fetchall()
    assert [row[0] for row in rows[:-1]] == made and rows[-1][1] == then_booked and len(rows) == len(made) + 1
    return len(rows)


@pytest.mark.slow
def test_a_file_size_limit_refuses_writes_clearly_keeps_reads_and_loses_nothing(tmp_path, figures):
    path = tmp_path / "centre.db"
    centre = prepare(path)
    env = {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "disk-test"}
    start = ten_oclock(days_ahead=2)
    with gunicorn_process("app:create_app()", 1, env, ready_path="/healthz", preexec_fn=limit_file_size) as (
            base, master):
        made, person, answer = book_until_refused(base, centre, centre.people, start)
        assert_refused_clearly(answer)
        assert_refused_clearly(book(base, centre, person, start))  # still full: still refused, still clear
        reads = hall_bookings(base, centre)
        assert reads.status_code == 200 and sorted(b["id"] for b in reads.json()) == made
        for pid in [master.pid, *worker_pids(master.pid)]:  # space freed
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        assert book(base, centre, person, start).status_code == 201
    rows = assert_nothing_lost(path, made, person)
    figures.append(f"file-size limit (SQLite, {ROOM_FOR // 1024} KiB of room): {len(made)} bookings got 201 before "
                   f"it bit, then 503 (storage); reads served all {len(made)}; after the limit was raised the "
                   f"refused booking went through without a restart; {rows} rows, integrity ok")


@contextmanager
def small_filesystem(size: int):
    """A tmpfs of `size` bytes mounted on a fresh directory: a real filesystem that really fills up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root); the file-size-limit test still runs")
    where = Path(tempfile.mkdtemp(prefix="linli-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                             capture_output=True, text=True, timeout=30)
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip(f"mount is not permitted here (a container without CAP_SYS_ADMIN?): {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        unmounted = subprocess.run(["umount", str(where)], capture_output=True, text=True, timeout=30)
        if unmounted.returncode != 0:  # still busy: detach it now, the kernel frees it when the last file closes
            print("umount:", unmounted.stderr)
            subprocess.run(["umount", "--lazy", str(where)], capture_output=True, timeout=30, check=False)
        where.rmdir()


def fill(directory: Path) -> int:
    """Write zeros into `directory` until the filesystem says it is full (ENOSPC); the bytes written."""
    chunk, written = bytes(64 * 1024), 0
    with open(directory / "filler", "wb", buffering=0) as filler:
        while True:
            try:
                written += filler.write(chunk)
            except OSError as err:
                assert err.errno == errno.ENOSPC, err
                return written


def made_while_there_is_room(answer) -> int:
    assert answer.status_code == 201, f"refused while there was still room: {answer.text[:300]}"
    return answer.json()["id"]


@pytest.mark.slow
def test_a_really_full_filesystem_refuses_writes_clearly_keeps_reads_and_loses_nothing(tmp_path, figures):
    prepared = tmp_path / "centre.db"
    centre = prepare(prepared)
    size = (prepared.stat().st_size + TMPFS_ROOM + 4095) // 4096 * 4096
    start = ten_oclock(days_ahead=2)
    with small_filesystem(size) as disk:
        path = disk / "centre.db"
        shutil.copyfile(prepared, path)
        env = {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "disk-test"}
        with gunicorn_process("app:create_app()", 1, env, ready_path="/healthz") as (base, _master):
            before = [made_while_there_is_room(book(base, centre, p, start)) for p in centre.people[:FIRST_BOOKINGS]]
            filled = fill(disk)
            after, person, answer = book_until_refused(base, centre, centre.people[FIRST_BOOKINGS:], start)
            made = before + after
            assert_refused_clearly(answer)
            assert_refused_clearly(book(base, centre, person, start))
            reads = hall_bookings(base, centre)
            assert reads.status_code == 200 and sorted(b["id"] for b in reads.json()) == made
            (disk / "filler").unlink()  # space freed
            assert book(base, centre, person, start).status_code == 201
        rows = assert_nothing_lost(path, made, person)
    figures.append(f"really full filesystem (SQLite on a {size // 1024} KiB tmpfs, filled with {filled // 1024} KiB): "
                   f"{len(made)} bookings got 201, then 503 (storage); reads served all {len(made)}; after the "
                   f"filler was deleted the refused booking went through without a restart; {rows} rows, "
                   f"integrity ok")
