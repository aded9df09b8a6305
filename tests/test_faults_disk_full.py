"""A full disk under a SQLite file: writes answer a clear 503, reads keep working, nothing written is lost.

The server runs with a file-size limit (`ulimit -f`, RLIMIT_FSIZE) that lets the write-ahead log grow a
little and then no more, which SQLite reports exactly as it reports a full disk (SQLITE_FULL). No mount
needed. Raising the limit afterwards (as freeing space would) lets writes through again, without a restart.
"""
import resource
import signal
import sqlite3

import pytest

from tests.fault_world import BusyCentre, book, busy_centre, hall_bookings, ten_oclock
from tests.server import gunicorn_process, worker_pids

ROOM_FOR = 256 * 1024  # bytes the log may take before the "disk" is full
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


@pytest.mark.slow
def test_a_full_disk_refuses_writes_clearly_keeps_reads_and_loses_nothing(tmp_path, figures):
    path = tmp_path / "centre.db"
    centre = prepare(path)
    env = {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "disk-test"}
    made, refused, start = [], None, ten_oclock(days_ahead=2)
    with gunicorn_process("app:create_app()", 1, env, ready_path="/healthz", preexec_fn=limit_file_size) as (
            base, master):
        for person in centre.people:
            answer = book(base, centre, person, start)
            if answer.status_code != 201:
                refused = (person, answer)
                break
            made.append(answer.json()["id"])
        assert refused is not None, "the limit never bit"
        person, answer = refused
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "60"
        assert answer.json()["error"]["code"] == "unavailable" and answer.json()["error"]["reason"] == "storage"
        assert answer.json()["error"]["message"].startswith("存储空间已满或磁盘出错")
        assert book(base, centre, person, start).status_code == 503  # still full: still refused, still clear
        reads = hall_bookings(base, centre)
        assert reads.status_code == 200 and sorted(b["id"] for b in reads.json()) == made
        for pid in [master.pid, *worker_pids(master.pid)]:  # space freed
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        assert book(base, centre, person, start).status_code == 201
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, resident_id FROM booking ORDER BY id").fetchall()
    assert [row[0] for row in rows[:-1]] == made and rows[-1][1] == person and len(rows) == len(made) + 1
    figures.append(f"full disk (SQLite, {ROOM_FOR // 1024} KiB of room): {len(made)} bookings got 201 before it "
                   f"filled, then 503 (storage); reads served all {len(made)}; after space was freed the "
                   f"refused booking went through without a restart; {len(rows)} rows, integrity ok")
