"""The audit trail of sensitive records (PIPL art. 51): who read or changed counselling bookings and
residents' personal records, and when."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, Booking, Resident, User
from services.core.storage.transaction import write_transaction

READ, CHANGE, CREATE = "read", "change", "create"


def record(session: Session, user_id: int | None, action: str, object_type: str, object_id: int,
           now: datetime) -> None:
    session.add(AuditEntry(user_id=user_id, action=action, object_type=object_type, object_id=object_id, at=now))


def reads_recorded(session: Session, user_id: int | None, entries: list[tuple[str, int]], now: datetime) -> None:
    """A page or answer showed sensitive records: one entry each, in a short write of its own.

    What the page read stays loaded (the entries change none of it), so rendering re-reads nothing.
    """
    if not entries:
        return
    with write_transaction(session, keep_loaded=True):
        for object_type, object_id in entries:
            record(session, user_id, READ, object_type, object_id, now)


def sensitive_entries(bookings=(), residents=()) -> list[tuple[str, int]]:
    """The audit entries a read of these records needs: counselling-type bookings and every resident."""
    return [("booking", b.id) for b in bookings if b.resource.sensitive] + [("resident", r.id) for r in residents]


def is_sensitive_booking(booking: Booking) -> bool:
    return bool(booking.resource.sensitive)


def booking_touched(session: Session, user_id: int | None, booking: Booking, action: str, now: datetime) -> None:
    """Record reads and changes of bookings in sensitive spaces (counselling, rehab); others need no trail."""
    if is_sensitive_booking(booking):
        record(session, user_id, action, "booking", booking.id, now)


def resident_touched(session: Session, user_id: int | None, resident: Resident, action: str, now: datetime) -> None:
    record(session, user_id, action, "resident", resident.id, now)


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    username: str | None
    action: str
    object_type: str
    object_id: int


def recent(session: Session, limit: int = 200, object_type: str | None = None) -> list[AuditRow]:
    stmt = (select(AuditEntry, User.username).outerjoin(User, AuditEntry.user_id == User.id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    return [AuditRow(e.at, name, e.action, e.object_type, e.object_id) for e, name in session.execute(stmt)]
