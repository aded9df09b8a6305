"""A year of the demo centre's history, so the check-up has real findings to show.

Written straight into the tables (the year is the past: no rule, notice or message applies to it),
in bulk, so `make run` stays quick. The story the check-up then tells:
- the early-education room is always full: every slot taken, parents on the waitlist, refusals;
- the rehab room turns away more people than it serves (one therapist, 30-minute slots);
- the elderly of 一区 and 红梅新村 (too far for a 5-minute walk) hardly ever come;
- the elderly-care space is under the standard (services/demo/demo_data.py SPACE_AREAS);
- outreach calls reach some of the lone elderly, a few of whom then come;
- a check-up of the first half-year was saved, and its problems are being worked on.
"""
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

from models import Booking, Building, ContactRecord, ProblemEvent, RefusedAttempt, Resident, Resource, WaitlistEntry
from models.people import ELDERLY_AGE
from services.booking.opening import public_holiday
from services.checkup import compute, privacy, problems, snapshots
from services.checkup.period import Period

FIRST_DAY, LAST_DAY = -365, -15  # days before today; the last two weeks come from demo.py's bookings
FAR = ("一区", "新村")  # buildings whose elderly live beyond the elderly-care target
SETTLED = (("checked_in", 0.84), ("no_show", 0.07), ("cancelled", 0.09))


def _settled(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for status, share in SETTLED:
        total += share
        if roll < total:
            return status
    return "checked_in"


def _slots(space: Resource, day: date, tz: ZoneInfo) -> list[datetime]:
    starts = []
    for h in space.hours:
        if h.weekday != day.weekday():
            continue
        cursor = datetime.combine(day, h.opens, tz)
        while cursor + timedelta(minutes=space.slot_minutes) <= datetime.combine(day, h.closes, tz):
            starts.append(cursor)
            cursor += timedelta(minutes=space.slot_minutes + space.buffer_minutes)
    return starts


class Year:
    """Collects the year's rows, then inserts each table in one statement."""

    def __init__(self, rng: random.Random):
        self.rng, self.bookings, self.waitlist, self.refused, self.contacts = rng, [], [], [], []

    def book(self, space: Resource, who: Resident, start: datetime, party: int = 1) -> None:
        status = _settled(self.rng)
        end = start + timedelta(minutes=space.slot_minutes)
        created = start - timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(0, 8))
        updated = start - timedelta(hours=self.rng.choice([2, 5, 30, 72])) if status == "cancelled" else created
        self.bookings.append(dict(
            resource_id=space.id, resident_id=who.id, starts_at=start, ends_at=end, party_size=party, status=status,
            exclusive=space.exclusive, channel=self.rng.choice(["desk", "online", "online", "phone"]),
            created_at=created, updated_at=updated, checked_in_at=start if status == "checked_in" else None))

    def refuse(self, space: Resource, start: datetime, code: str, groups: list[str]) -> None:
        self.refused.append(dict(resource_id=space.id, code=code, at=start - timedelta(days=self.rng.randint(1, 5)),
                                 slot_start=start, channel=self.rng.choice(["online", "desk", "phone"]),
                                 groups=groups))

    def wait(self, space: Resource, who: Resident, start: datetime) -> None:
        self.waitlist.append(dict(resource_id=space.id, resident_id=who.id, starts_at=start,
                                  ends_at=start + timedelta(minutes=space.slot_minutes), party_size=1,
                                  status="lapsed", created_at=start - timedelta(days=2)))

    def write(self, session: Session) -> None:
        for model, rows in ((Booking, self.bookings), (WaitlistEntry, self.waitlist),
                            (RefusedAttempt, self.refused), (ContactRecord, self.contacts)):
            if rows:
                session.execute(insert(model), rows)


def _day_of_use(year: Year, spaces: dict[str, list[Resource]], people: dict[str, list[Resident]], day: date,
                tz: ZoneInfo) -> None:
    rng = year.rng
    for space in spaces["early_education"]:  # always full: four families of three per slot, more waiting
        for start in _slots(space, day, tz):
            for _ in range(4):
                year.book(space, rng.choice(people["child"]), start, party=3)
            for _ in range(rng.randint(0, 2)):
                year.refuse(space, start, "capacity", ["child"])
            if rng.random() < 0.4:
                year.wait(space, rng.choice(people["child"]), start)
    for space in spaces["rehab_room"]:  # three of ten half-hours, four or five turned away
        slots = _slots(space, day, tz)
        for start in rng.sample(slots, min(3, len(slots))):
            year.book(space, rng.choice(people["near_elderly"]), start)
            for code in rng.sample(["conflict", "conflict", "quota", "too_far"], rng.randint(1, 2)):
                year.refuse(space, start, code, ["elderly"])
    for space in spaces["elderly_care"]:  # the near elderly drop in; those of 一区 and 新村 never
        for start in rng.sample(_slots(space, day, tz), 3):
            for _ in range(rng.randint(1, 3)):
                year.book(space, rng.choice(people["near_elderly"]), start)
    for space in spaces["other"]:
        slots = _slots(space, day, tz)
        for start in rng.sample(slots, min(len(slots), rng.randint(0, 2))):
            year.book(space, rng.choice(people["everyone"]), start, party=1 if space.exclusive else rng.randint(1, 3))


def _far_ids(buildings: list[Building]) -> set[int]:
    return {b.id for b in buildings if any(tag in b.name for tag in FAR)}


def visitors(residents: list[Resident], buildings: list[Building], today: date) -> list[Resident]:
    """Everyone but the elderly of the far buildings: the story is that those never come, so no demo row,
    of the year, of the last and next two weeks or of the programme, may bring one of them. Without this
    the recent weeks' random draws (which shift with the date) sometimes did, and the finding came and went."""
    far_ids = _far_ids(buildings)
    return [r for r in residents if not (r.building_id in far_ids and r.age_on(today) >= ELDERLY_AGE)]


def _groups(residents: list[Resident], buildings: list[Building], today: date) -> dict[str, list[Resident]]:
    far_ids = _far_ids(buildings)
    elderly = [r for r in residents if r.age_on(today) >= ELDERLY_AGE]
    return {"child": [r for r in residents if r.age_on(today) < 14] or residents,
            "near_elderly": [r for r in elderly if r.building_id not in far_ids] or residents,
            "lonely": [r for r in residents if r.lives_alone or r.age_on(today) >= 80],
            "everyone": [r for r in residents if r.age_on(today) >= 14 and r not in elderly] or residents}


def _spaces(spaces: list[Resource]) -> dict[str, list[Resource]]:
    rehab_room = [s for s in spaces if s.kind == "rehab" and s.exclusive]
    special = {"early_education", "elderly_care"}
    return {"early_education": [s for s in spaces if s.kind == "early_education"], "rehab_room": rehab_room,
            "elderly_care": [s for s in spaces if s.kind == "elderly_care"],
            "other": [s for s in spaces if s.kind not in special and s not in rehab_room]}


def _outreach(year: Year, lonely: list[Resident], today: date, tz: ZoneInfo) -> None:
    """Calls and visits to the lone and the over-eighties, about one a fortnight each; a third come afterwards."""
    rng = year.rng
    for person in lonely:
        for offset in range(FIRST_DAY + rng.randint(0, 14), LAST_DAY, rng.randint(14, 28)):
            at = datetime.combine(today + timedelta(days=offset), time(rng.randint(9, 16)), tz)
            year.contacts.append(dict(resident_id=person.id, method=rng.choice(["phone", "phone", "visit"]),
                                      outcome=rng.choice(["reached", "reached", "no_answer"]), at=at))


def seed_year(session: Session, spaces: list[Resource], residents: list[Resident], buildings: list[Building],
              now: datetime, tz: ZoneInfo, rng: random.Random) -> None:
    session.flush()
    today = now.astimezone(tz).date()
    people, by_kind, year = _groups(residents, buildings, today), _spaces(spaces), Year(rng)
    for offset in range(FIRST_DAY, LAST_DAY):
        day = today + timedelta(days=offset)
        if not public_holiday(day):
            _day_of_use(year, by_kind, people, day, tz)
    _outreach(year, people["lonely"], today, tz)
    year.write(session)
    _first_half_checkup(session, today, now, tz)


def _first_half_checkup(session: Session, today: date, now: datetime, tz: ZoneInfo) -> None:
    """The half-year check-up the committee already saw; two of its problems are being rectified."""
    period = Period(today + timedelta(days=FIRST_DAY), today + timedelta(days=FIRST_DAY + 181), tz)
    public = privacy.public(compute.checkup(session, period, now))
    snapshots.save(session, period, snapshots.indicators(public), None, now)
    problems.sync_generated(session, public["findings"], None, now)
    session.flush()
    for problem, (status, unit, measure) in zip(
            sorted(problems.ledger(session), key=lambda p: -p.severity),
            [("in_progress", "街道", "一区居家养老服务站选址装修，2027年1月开放"),
             ("in_progress", "社区", "康复理疗室增开周六下午，增加一名理疗师")], strict=False):
        problem.history.append(ProblemEvent(at=now, from_status=problem.status, to_status=status,
                                            note="红梅议事日确定整改措施", changes={"responsible": unit}))
        problem.status, problem.responsible, problem.measure = status, unit, measure
        problem.due_on = today + timedelta(days=60)
