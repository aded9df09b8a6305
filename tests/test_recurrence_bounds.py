"""A recurrence rule costs little and is judged before any lock: rules that never yield are a 422."""
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import db
from services.booking import recurrence
from services.core import errors
from tests.api_setup import build
from tests.world import TZ

TUESDAY = datetime.combine(date(2026, 11, 24), clock(10), TZ)
# The probe's rules: each kept dateutil searching to the year 9999 (1.0–1.3 s) or crashed it.
NEVER_YIELDING = ["FREQ=MONTHLY;BYDAY=6MO", "FREQ=DAILY;INTERVAL=7;BYDAY=WE", "FREQ=MONTHLY;BYMONTHDAY=28;BYDAY=1MO",
                  "FREQ=MONTHLY;BYDAY=53MO", "FREQ=WEEKLY;BYDAY=0MO", "FREQ=WEEKLY;INTERVAL=²",
                  "FREQ=WEEKLY;COUNT=٣", "FREQ=WEEKLY;BYDAY=1MO", "FREQ=WEEKLY;BYMONTHDAY=5",
                  "FREQ=MONTHLY;BYDAY=MO,1TU"]


@pytest.mark.parametrize("rule", NEVER_YIELDING)
def test_a_rule_that_can_never_yield_is_refused_quickly_naming_rrule(rule):
    began = time.perf_counter()
    with pytest.raises(errors.Invalid) as refused:
        recurrence.expand(rule, TUESDAY, TUESDAY + timedelta(hours=1), TZ)
    assert refused.value.details["field"] == "rrule"
    assert time.perf_counter() - began < 0.05


@pytest.mark.parametrize(("rule", "first", "count"), [
    ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", date(2026, 11, 27), 3),
    ("FREQ=MONTHLY;BYDAY=5SU;COUNT=2", date(2026, 11, 29), 2),
    ("FREQ=DAILY;INTERVAL=7;BYDAY=TU;COUNT=2", date(2026, 11, 24), 2),
    ("FREQ=DAILY;INTERVAL=3;BYDAY=WE;COUNT=2", date(2026, 12, 9), 2),
])
def test_unusual_rules_that_do_yield_are_kept(rule, first, count):
    found = recurrence.expand(rule, TUESDAY, TUESDAY + timedelta(hours=1), TZ).times
    assert found[0][0].astimezone(TZ).date() == first and len(found) == count


parts = st.fixed_dictionaries({"FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"])}, optional={
    "INTERVAL": st.integers(0, 14).map(str),
    "COUNT": st.integers(0, 120).map(str),
    "BYDAY": st.lists(st.tuples(st.sampled_from(["", "1", "-1", "2", "4", "5", "-5", "6", "53"]),
                                st.sampled_from(recurrence.WEEKDAYS)), min_size=1, max_size=3)
    .map(lambda items: ",".join(n + d for n, d in items)),
    "BYMONTHDAY": st.sampled_from(["1", "15", "28", "-1", "29", "31"]),
    "UNTIL": st.sampled_from(["20261231T000000", "20300101T000000", "20200101T000000"]),
})


@settings(max_examples=150, deadline=None)
@given(rule=parts.map(lambda p: ";".join(f"{k}={v}" for k, v in p.items())), days=st.integers(0, 400))
def test_any_rule_of_the_grammar_is_expanded_or_refused_in_bounded_time(rule, days):
    start = TUESDAY + timedelta(days=days)
    began = time.perf_counter()
    try:
        found = recurrence.expand(rule, start, start + timedelta(hours=1), TZ).times
        assert 1 <= len(found) <= recurrence.MAX_OCCURRENCES + 1  # one more marks an open rule as long
    except errors.Invalid as refused:
        assert refused.details["field"] == "rrule"
    assert time.perf_counter() - began < 0.2, rule


@pytest.fixture
def centre(tmp_path):
    c = build(f"sqlite:///{tmp_path / 'rules.db'}")
    yield c
    with c.app.app_context():
        db.engine.dispose()


def test_a_bad_rule_is_refused_while_another_writer_holds_the_lock(centre, tmp_path):
    """The rule is judged before BEGIN IMMEDIATE: a resident's bad rule never queues for, or holds, the lock."""
    writer = sqlite3.connect(tmp_path / "rules.db", isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    release = threading.Timer(10, writer.rollback)  # on the old code the request would wait for this
    release.start()
    try:
        began = time.perf_counter()
        answer = centre.post("/bookings", {"resource_id": centre.ids["library"], "resident_id": centre.ids["parent"],
                                           "start": "2026-11-24T10:00", "end": "2026-11-24T11:00",
                                           "rrule": "FREQ=MONTHLY;BYDAY=6MO"}, role="resident")
        waited = time.perf_counter() - began
    finally:
        release.cancel()
        writer.rollback()
        writer.close()
    assert answer.status_code == 422 and answer.json["error"]["field"] == "rrule"
    assert waited < 5
