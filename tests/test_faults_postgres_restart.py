"""PostgreSQL restarts under a steady load: quick 503s while it is down, serving again within seconds of its
return without restarting anything, and the scheduler carries on without sending anything twice.

A throwaway cluster of our own on another port: the shared server is never stopped.
"""
import threading
import time
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import func, select

from models import Booking, DeliveryAttempt, Heartbeat, OutboxMessage, db, utcnow
from tests.fault_world import (
    BusyCentre,
    all_sent,
    book,
    busy_centre,
    queue_messages,
    start_scheduler,
    stop_scheduler,
    ten_oclock,
)
from tests.pg_cluster import throwaway_cluster
from tests.server import gunicorn
from tests.world import make_app

CLIENTS = 4
PEOPLE = 600
FAIL_FAST_SECONDS = 5  # no request may hang while the server is away
RECOVERY_LIMIT_SECONDS = 10


@dataclass
class Answer:
    sent: float
    answered: float
    status: int  # 0: no answer at all
    code: str | None
    resident_id: int | None
    retry_after: str | None
    detail: str = ""  # why there was no answer, or the start of an unexpected one


class Load:
    """CLIENTS threads, each booking a seat for the next resident, then reading the space list, in a loop."""

    def __init__(self, base: str, centre: BusyCentre):
        self.base, self.centre, self.answers = base, centre, []
        self.stop, self.lock, self.next_person = threading.Event(), threading.Lock(), 0
        self.start = ten_oclock(days_ahead=1)

    def _person(self) -> int | None:
        with self.lock:
            if self.next_person >= len(self.centre.people):
                return None
            self.next_person += 1
            return self.centre.people[self.next_person - 1]

    def _one(self, http: requests.Session, person: int | None) -> None:
        sent = time.monotonic()
        try:
            if person is None:
                reply = http.get(f"{self.base}/api/v1/resources", headers=self.centre.headers, timeout=15)
            else:
                reply = book(self.base, self.centre, person, self.start, timeout=15, http=http)
            status, detail, retry_after = reply.status_code, reply.text[:200], reply.headers.get("Retry-After")
            code = reply.json().get("error", {}).get("code") if reply.status_code >= 400 else None
        except requests.exceptions.JSONDecodeError:
            code = "not json"
        except requests.RequestException as err:
            status, code, retry_after, detail = 0, None, None, repr(err)[:200]
        self.answers.append(Answer(sent, time.monotonic(), status, code, person, retry_after, detail))

    def _client(self) -> None:
        deadline = time.monotonic() + 120
        with requests.Session() as http:
            while not self.stop.is_set() and time.monotonic() < deadline:
                self._one(http, self._person())
                self._one(http, None)

    def wait_for(self, what, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not what(list(self.answers)):
            if time.monotonic() > deadline:
                pytest.fail(f"load: condition not met within {seconds} s")
            time.sleep(0.05)

    def __enter__(self):
        self.threads = [threading.Thread(target=self._client) for _ in range(CLIENTS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def assert_a_second_scheduler_is_refused(url: str, log_path) -> None:
    """The restart ended the session holding the first scheduler's lock; it must hold it again by now."""
    second = start_scheduler(url, log_path)
    try:
        second.wait(timeout=60)
    finally:
        stop_scheduler(second)
    assert second.returncode == 1 and "Another scheduler is already running" in log_path.read_text()


def successes_after(moment: float):
    return lambda answers: sum(1 for a in answers if a.sent > moment and 200 <= a.status < 300)


@pytest.mark.slow
def test_a_postgresql_restart_under_load_fails_fast_recovers_in_seconds_and_sends_nothing_twice(tmp_path, figures):
    with throwaway_cluster() as cluster:
        centre = busy_centre(cluster.url, PEOPLE)
        app = make_app(cluster.url)
        queue_messages(app, "before", 20)
        process = start_scheduler(cluster.url, tmp_path / "scheduler.log")
        try:
            env = {"DATABASE_URL": cluster.url, "SECRET_KEY": "fault-test"}
            with gunicorn("app:create_app()", 2, env, ready_path="/healthz") as base, Load(base, centre) as load:
                load.wait_for(successes_after(0), 60)
                all_sent(app)
                cluster.stop("fast")
                down = time.monotonic()
                load.wait_for(lambda answers: sum(1 for a in answers if a.sent > down and a.status == 503) >= 20, 30)
                starting = time.monotonic()  # pg_ctl returns a little after the server accepts connections
                up, up_wall = cluster.start(), utcnow()
                load.wait_for(successes_after(up), 30)
                assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
            queue_messages(app, "after", 20)
            all_sent(app)
            assert process.poll() is None, "the scheduler died with the database"
            assert_a_second_scheduler_is_refused(cluster.url, tmp_path / "second.log")
            with app.app_context():
                assert db.session.get(Heartbeat, "scheduler").beat_at > up_wall
        finally:
            exit_code = stop_scheduler(process)
        assert exit_code == 0
        report = check_outcome(app, load.answers, (down, starting, up), (tmp_path / "scheduler.log").read_text())
        with app.app_context():
            db.engine.dispose()
    figures.append("PostgreSQL restart under load: " + report)


def check_outcome(app, answers: list[Answer], moments: tuple[float, float, float], scheduler_log: str) -> str:
    """`moments`: the server had stopped; it was being started; pg_ctl said it was up."""
    down, starting, up = moments
    odd = [a for a in answers if a.status not in (200, 201, 503)]
    assert not odd, f"unexpected answers: {[(a.status, a.answered - a.sent, a.detail) for a in odd][:5]}"  # no 500, no hang, no dropped request
    outage = [a for a in answers if a.sent > down and a.answered < starting]
    wrong = [(a.status, a.code, a.retry_after, round(a.sent - down, 3)) for a in outage
             if a.status != 503 or a.code != "unavailable" or a.retry_after != "10"]
    assert outage and not wrong, f"during the outage: {wrong[:5]}"
    slowest = max(a.answered - a.sent for a in outage)
    assert slowest < FAIL_FAST_SECONDS
    first = min((a for a in answers if a.sent > up and a.status < 300), key=lambda a: a.answered)
    recovery = first.answered - up
    assert recovery < RECOVERY_LIMIT_SECONDS
    assert not [a for a in answers if a.sent > first.answered and a.status >= 300], "failures after recovery"
    acknowledged = {a.resident_id for a in answers if a.resident_id and a.status == 201}
    refused = {a.resident_id for a in answers if a.resident_id and a.status != 201}
    with app.app_context():
        s = db.session
        rows = dict(s.execute(select(Booking.resident_id, func.count()).group_by(Booking.resident_id)).all())
        assert all(rows.get(r) == 1 for r in acknowledged)
        assert all(n == 1 for n in rows.values())
        committed_unacknowledged = len(refused & rows.keys())
        messages = s.scalars(select(OutboxMessage.id)).all()  # ours, and any the jobs queued themselves
        ours = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("before:%") | OutboxMessage.dedupe_key.like("after:%")))
        attempts = dict(s.execute(select(DeliveryAttempt.message_id, func.count())
                                  .group_by(DeliveryAttempt.message_id)).all())
    assert ours == 40 and all(attempts.get(m) == 1 for m in messages)
    assert all(scheduler_log.count(f"message {m} [") == 1 for m in messages)
    assert "scheduler lock was lost (database restarted?) and has been taken again" in scheduler_log
    return (f"{len(answers)} requests by {CLIENTS} clients, {len(outage)} during the outage all 503 with Retry-After 10 "
            f"(slowest {slowest:.2f} s); first success {recovery:.2f} s after the server was back, none failed "
            f"after; {len(acknowledged)} bookings got 201, {len(rows)} rows found "
            f"({committed_unacknowledged} committed as the server went down without an answer); "
            f"{len(messages)} messages sent once each across the restart; the scheduler took its lock again and "
            f"a second one was refused")
