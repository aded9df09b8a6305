"""The desk's day board counts seats held by waitlist offers, as every booking check does."""
from datetime import date, datetime, time, timedelta

from models import WaitlistEntry
from services.booking import answers, dayboard
from tests.world import NOW, TZ, context, resident, space

TUESDAY = date(2026, 11, 24)
TEN = datetime.combine(TUESDAY, time(10), TZ)


def test_a_held_seat_shows_full_on_the_board_and_moves_the_counter_its_cached_table_is_kept_under(session):
    room = space(session, hours=[(1, time(9), time(12))])
    session.commit()
    before = answers.OCCUPANCY.read(session)
    session.add(WaitlistEntry(resource_id=room.id, resident_id=resident(session).id, starts_at=TEN,
                              ends_at=TEN + timedelta(hours=1), party_size=1, status="offered", created_at=NOW,
                              offered_at=NOW, hold_until=NOW + timedelta(hours=2)))
    session.commit()
    [day] = dayboard.board(session, TUESDAY, context(session), [room])
    assert [(s.start.astimezone(TZ).hour, s.status) for s in day.slots] == [(9, "free"), (10, "full"), (11, "free")]
    assert answers.OCCUPANCY.read(session) != before, "a new hold must refresh the cached board"
