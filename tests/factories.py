"""Small builders for test data; every field a test does not care about gets a sensible default."""
from datetime import date, time

from models import Centre, OpeningHours, Resident, Resource
from services.booking.rules import Context
from services.core.access import Actor
from services.core.centre import current_centre

from .conftest import NOW, TZ

DESK = Actor(user_id=None, role="staff")


def space(session, **fields) -> Resource:
    hours = fields.pop("hours", [(d, time(8), time(20)) for d in range(7)])
    values = dict(name="心理咨询室", name_en="Counselling room", kind="counselling", capacity=1, exclusive=True,
                  groups=[], buffer_minutes=0, slot_minutes=60, min_duration_minutes=15, max_duration_minutes=240,
                  min_notice_minutes=60, window_days=14, group_window_days={}, weekly_quota=None)
    values.update(fields)
    resource = Resource(**values)
    resource.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in hours]
    session.add(resource)
    session.flush()
    return resource


def resident(session, born=date(1980, 5, 1), **fields) -> Resident:
    person = Resident(name=fields.pop("name", "张建国"), birth_date=born, **fields)
    session.add(person)
    session.flush()
    return person


def context(session, now=NOW, by_staff=False, **centre_fields) -> Context:
    centre: Centre = current_centre(session)
    for key, value in centre_fields.items():
        setattr(centre, key, value)
    return Context(now=now, tz=TZ, centre=centre, by_staff=by_staff)


def resident_actor(person: Resident, *wards: Resident) -> Actor:
    return Actor(user_id=None, role="resident", resident_id=person.id,
                 resident_ids=frozenset([person.id, *(w.id for w in wards)]))
