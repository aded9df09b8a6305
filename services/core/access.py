"""Who may see and act on what: the role and ownership rules of CONTRACT.md."""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Booking, Resident, Resource, User
from services.core import errors
from services.core.errors import N_


@dataclass(frozen=True)
class Actor:
    """The person behind a request, reduced to what permission checks need."""

    user_id: int | None
    role: str
    resident_id: int | None = None
    organisation: str | None = None
    # Residents this actor may act for: themselves and those they are guardian of.
    resident_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "staff")


def actor_for(session: Session, user: User) -> Actor:
    ids: set[int] = set()
    if user.role == "resident" and user.resident_id:
        ids.add(user.resident_id)
        ids.update(session.scalars(select(Resident.id).where(Resident.guardian_id == user.resident_id)))
    return Actor(user.id, user.role, user.resident_id, user.organisation, frozenset(ids))


def may_see_resident(actor: Actor, resident_id: int) -> bool:
    return actor.is_staff or resident_id in actor.resident_ids


def runs_space(actor: Actor, resource: Resource) -> bool:
    return actor.role == "operator" and actor.organisation is not None and resource.operator == actor.organisation


def may_see_booking(actor: Actor, booking: Booking) -> bool:
    return (
        actor.is_staff
        or booking.resident_id in actor.resident_ids
        or runs_space(actor, booking.resource)
    )


def require_booking_for(actor: Actor, resident_id: int) -> None:
    """Staff book for anyone; residents for themselves and their wards; operators for no one."""
    if actor.is_staff or resident_id in actor.resident_ids:
        return
    raise errors.Forbidden(N_("只能为本人或监护的家人预约"))


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise errors.Forbidden()


def require_space_manager(actor: Actor, resource: Resource | None) -> None:
    """Staff manage every space; an operator only the spaces its organisation runs."""
    if actor.is_staff or (resource is not None and runs_space(actor, resource)):
        return
    raise errors.Forbidden()


def visible_booking(session: Session, actor: Actor, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or not may_see_booking(actor, booking):
        raise errors.NotFound()  # not yours to know of
    return booking
