"""The app as the hot-path benchmark serves it: the database from the environment, the feeds' per-feed rate
limit out of the way of the load (wrk polls each feed far more often than a calendar client would)."""
import os

from app import create_app

app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"], "SECRET_KEY": "bench-secret-key-0",
                  "FEED_RATE_LIMIT": 10**9,
                  "SQLITE_SYNCHRONOUS": os.environ.get("SQLITE_SYNCHRONOUS", "FULL")})
