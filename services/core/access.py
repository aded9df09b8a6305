"""Who may see and act on what: the role and ownership rules of the public API and the pages."""
from dataclasses import dataclass, field

from sqlalchemy import Select, false, or_, select
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


def visible_bookings(actor: Actor) -> Select:
    """The one answer to "which bookings may this actor see": staff every booking, a resident their own
    and their wards', an operator those in the spaces its organisation runs. Every list, page and
    download of bookings starts from this query."""
    stmt = select(Booking).join(Resource, Booking.resource_id == Resource.id)
    if actor.is_staff:
        return stmt
    conditions = [Booking.resident_id.in_(actor.resident_ids)] if actor.resident_ids else []
    if actor.role == "operator" and actor.organisation:
        conditions.append(Resource.operator == actor.organisation)
    return stmt.where(or_(*conditions) if conditions else false())


def require_booking_for(actor: Actor, resident_id: int) -> None:
    """Staff book for anyone; residents for themselves and their wards; operators for no one."""
    if actor.is_staff or resident_id in actor.resident_ids:
        return
    raise errors.Forbidden(N_("只能为本人或监护的家人预约"))


def require_cancel_rights(actor: Actor, booking: Booking) -> None:
    """Staff cancel any booking; residents their own and their wards'. Operators see and check in the
    bookings of their spaces but cancel none: a resident's booking is the resident's (the pages and the
    API follow this one rule; an operator blocks time with a closure, which tells the residents)."""
    if actor.is_staff or booking.resident_id in actor.resident_ids:
        return
    raise errors.Forbidden(N_("只有本人、监护人或前台可以取消预约"))


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise errors.Forbidden()


def require_space_manager(actor: Actor, resource: Resource | None) -> None:
    """Staff manage every space; an operator only the spaces its organisation runs."""
    if actor.is_staff or (resource is not None and runs_space(actor, resource)):
        return
    raise errors.Forbidden()


def visible_booking(session: Session, actor: Actor, booking_id: int) -> Booking:
    booking = session.scalar(visible_bookings(actor).where(Booking.id == booking_id))
    # A resident-less row holds a space for an activity session: it changes only with its session.
    if booking is None or booking.resident_id is None:
        raise errors.NotFound()  # not yours to know of
    return booking
