"""The floor under the booking row: Flask and plain sqlite3 making the same durable booking on a copy of the same
database, and nothing else.

One POST /api/v1/bookings here takes its turn among the writers as the app's do (the same connection class),
begins the write (BEGIN IMMEDIATE), reads the counters and the overlapping bookings, inserts the row under the
same indexes and foreign keys, bumps the two counters a booking bumps and commits with the app's synchronous
mode. No sign-in, no rules, no ORM, no audit. With writes taking turns on one file and each commit waiting for
the disk, the app's booking cannot be faster than this on the same machine; bench_hot_paths prints both, each
against hello-world.
"""
import json
import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, Response, request

from models import FeedChange, OccupancyChange
from services.core.storage.database import BUSY_TIMEOUT_SECONDS, QueuedConnection

app = Flask(__name__)
_connection: QueuedConnection | None = None
_STORED = "%Y-%m-%d %H:%M:%S.%f"  # how the app stores an instant on SQLite: naive UTC text
_BUMPS = [f"UPDATE {table.name} SET counter = counter + 1, changed_at = ? WHERE id = 1"
          for table in (OccupancyChange.__table__, FeedChange.__table__)]


def _database() -> QueuedConnection:
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["FLOOR_DATABASE"], isolation_level=None,
                                      timeout=BUSY_TIMEOUT_SECONDS, factory=QueuedConnection)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON",
                       f"synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'FULL')}"):
            _connection.execute(f"PRAGMA {pragma}")
    return _connection


def _instant(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime(_STORED)


@app.get("/ready")
def ready():
    return "ok"


@app.post("/api/v1/bookings")
def book():
    data = request.get_json()
    start, end, now = _instant(data["start"]), _instant(data["end"]), datetime.now(UTC).strftime(_STORED)
    row = (data["resource_id"], data["resident_id"], start, end)
    connection = _database()
    connection.take_turn(os.environ["FLOOR_DATABASE"] + "-writers", BUSY_TIMEOUT_SECONDS)
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(f"SELECT counter FROM {OccupancyChange.__table__.name} WHERE id = 1").fetchone()
        connection.execute(
            "SELECT party_size FROM booking WHERE resource_id = ? AND starts_at < ? AND ends_at > ? "
            "AND status IN ('confirmed', 'checked_in')", (data["resource_id"], end, start)).fetchall()
        booking_id = connection.execute(
            "INSERT INTO booking (resource_id, resident_id, starts_at, ends_at, party_size, status, exclusive, "
            "channel, created_at, updated_at, sequence) VALUES (?, ?, ?, ?, 1, 'confirmed', 0, 'desk', ?, ?, 0)",
            (*row, now, now)).lastrowid
        for bump in _BUMPS:
            connection.execute(bump, (now,))
        connection.commit()  # these end the turn
    except BaseException:
        connection.rollback()
        raise
    body = {"id": booking_id, "resource_id": row[0], "resident_id": row[1], "start": data["start"],
            "end": data["end"], "party_size": 1, "status": "confirmed"}
    return Response(json.dumps(body), status=201, mimetype="application/json")
