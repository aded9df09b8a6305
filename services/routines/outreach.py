"""一人不落下 — no one left behind.

Each morning the desk gets the residents who live alone, have a disability or another recorded
need, or are aged 80+, and who have had no booking, check-in or recorded contact for N days.
Staff call or visit and record the contact (structured fields only: PIPL, no free-text health notes).
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import CONTACT_METHODS, CONTACT_OUTCOMES, Booking, ContactRecord, Resident
from services.core import audit, errors
from services.core.access import Actor, require_staff
from services.core.clock import at_local
from services.core.errors import N_
from services.core.spreadsheet import csv_text
from services.core.storage.transaction import write_transaction
from services.messaging import outbox
from services.routines.scheduler_settings import Settings

# "No answer" is an attempt, not a contact: the resident stays on the list.
COUNTS_AS_CONTACT = ("reached", "needs_help")
REASONS = {"lives_alone": N_("独居"), "disability": N_("残疾"),
           "other_need": N_("其他需要"), "aged": N_("80岁以上")}


@dataclass(frozen=True)
class Row:
    resident: Resident
    age: int
    reasons: list[str]
    last_seen: datetime | None

    def days_since(self, now: datetime) -> int | None:
        return None if self.last_seen is None else (now - self.last_seen).days


def _birthday_cutoff(today: date, age: int) -> date:
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def _last_seen(session: Session, now: datetime) -> dict[int, datetime]:
    """Per resident: the latest booking made, booking held (up to now), check-in or real contact."""
    seen: dict[int, datetime] = {}
    queries = [
        select(Booking.resident_id, func.max(Booking.created_at)).group_by(Booking.resident_id),
        select(Booking.resident_id, func.max(Booking.starts_at)).where(
            Booking.status != "cancelled", Booking.starts_at <= now).group_by(Booking.resident_id),
        select(Booking.resident_id, func.max(Booking.checked_in_at)).group_by(Booking.resident_id),
        select(ContactRecord.resident_id, func.max(ContactRecord.at)).where(
            ContactRecord.outcome.in_(COUNTS_AS_CONTACT)).group_by(ContactRecord.resident_id),
    ]
    for query in queries:
        for resident_id, at in session.execute(query):
            at = _aware(at)
            if at is not None and at <= now and (resident_id not in seen or at > seen[resident_id]):
                seen[resident_id] = at
    return seen


def _aware(value) -> datetime | None:
    """func.max() loses the column type on SQLite, so the value comes back naive or as text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _reasons(resident: Resident, age: int, settings: Settings) -> list[str]:
    found = [key for key in ("lives_alone", "disability", "other_need") if getattr(resident, key)]
    return found + (["aged"] if age >= settings.outreach_age else [])


def who_to_contact(session: Session, now: datetime, settings: Settings) -> list[Row]:
    """The list, longest without contact first (never seen at all comes first)."""
    today = now.astimezone(settings.tz).date()
    cutoff = _birthday_cutoff(today, settings.outreach_age)
    people = session.scalars(select(Resident).where(or_(
        Resident.lives_alone, Resident.disability, Resident.other_need, Resident.birth_date <= cutoff)))
    seen = _last_seen(session, now)
    quiet_since = now - timedelta(days=settings.outreach_days)
    rows = []
    for person in people:
        last = seen.get(person.id)
        if last is None or last < quiet_since:
            age = person.age_on(today)
            rows.append(Row(person, age, _reasons(person, age, settings), last))
    rows.sort(key=lambda r: (r.last_seen is not None, r.last_seen or now, r.resident.id))
    return rows


def record_contact(session: Session, resident_id: int, method: str, outcome: str, user_id: int | None,
                   now: datetime) -> ContactRecord:
    if session.get(Resident, resident_id) is None:
        raise errors.NotFound(N_("找不到该居民"), field="resident_id")
    if method not in CONTACT_METHODS:
        raise errors.Invalid("method", N_("method 只能是 %(choices)s 之一"), choices=", ".join(CONTACT_METHODS))
    if outcome not in CONTACT_OUTCOMES:
        raise errors.Invalid("outcome", N_("outcome 只能是 %(choices)s 之一"), choices=", ".join(CONTACT_OUTCOMES))
    record = ContactRecord(resident_id=resident_id, method=method, outcome=outcome, at=now, recorded_by_id=user_id)
    session.add(record)
    session.flush()
    return record


def contact_list(session: Session, actor: Actor, now: datetime, settings: Settings) -> list[Row]:
    """Staff's list of whom to call or visit. It reveals disability and living alone, so every
    resident shown is a read in the audit trail (PIPL art. 51)."""
    require_staff(actor)
    rows = who_to_contact(session, now, settings)
    audit.reads_recorded(session, actor.user_id, audit.sensitive_entries(residents=[r.resident for r in rows]), now)
    return rows


def log_contact(session: Session, actor: Actor, resident_id: int, method: str, outcome: str,
                now: datetime) -> ContactRecord:
    """The desk records a call or visit."""
    require_staff(actor)
    with write_transaction(session):
        return record_contact(session, resident_id, method, outcome, actor.user_id, now)


def as_csv(rows: list[Row], now: datetime, settings: Settings) -> str:
    """UTF-8 with a BOM so Excel on a desk PC opens the Chinese correctly; formulas neutralised."""
    header = ["居民编号 id", "姓名 name", "年龄 age", "原因 reasons", "楼栋 building", "电话 phone",
              "上次联系 last seen", "天数 days"]
    return csv_text(header, (_csv_row(row, now, settings) for row in rows))


def _csv_row(row: Row, now: datetime, settings: Settings) -> list:
    person = row.resident
    last = row.last_seen.astimezone(settings.tz).date().isoformat() if row.last_seen else ""
    return [person.id, person.name, row.age, "；".join(REASONS[r] for r in row.reasons),
            person.building.name if person.building else "", person.phone or "", last,
            row.days_since(now) if row.last_seen else ""]


def queue_morning_list(session: Session, now: datetime, settings: Settings) -> int:
    """Once a day, after OUTREACH_AT, tell the desk how many to call; the page has the names."""
    local = now.astimezone(settings.tz)
    if now < at_local(local.date(), settings.outreach_at, settings.tz):
        return 0
    key = f"outreach_list:{local.date().isoformat()}"
    if outbox.existing_keys(session, [key]):
        return 0
    count = len(who_to_contact(session, now, settings))
    address = outbox.Address(settings.desk_contact.get("channel", "log"), settings.desk_contact.get("address"))
    body = (f"{outbox.signature(session)}一人不落下：今天有 {count} 位居民超过 {settings.outreach_days} 天没有联系，请打电话或上门看看。"
            f" / No one left behind: {count} residents have had no contact for {settings.outreach_days}+ days.")
    queued = outbox.queue(session, key, "outreach_list", address,
                          f"一人不落下 {local.date().isoformat()} / No one left behind", body, now)
    session.commit()
    return int(queued)
