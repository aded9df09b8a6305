"""API: the outbox, the single record of every message the centre sent or will send (admins only)."""
from flask import Blueprint, jsonify, request
from sqlalchemy import select

from models import MESSAGE_STATUSES, DeliveryAttempt, OutboxMessage, db
from services.core.access import require_staff
from services.core.errors import N_, Forbidden, Invalid
from views.api.fields import query_int
from views.api.output import current_actor, iso

bp = Blueprint("api_outbox", __name__, url_prefix="/api/v1")
LIST_LIMIT = 1000


def message_json(m: OutboxMessage, attempts: list[DeliveryAttempt]) -> dict:
    return {"id": m.id, "kind": m.kind, "channel": m.channel, "resident_id": m.resident_id,
            "booking_id": m.booking_id, "status": m.status, "created_at": iso(m.created_at),
            "recipient": m.recipient, "subject": m.subject, "body": m.body, "sent_at": iso(m.sent_at),
            "next_attempt_at": iso(m.next_attempt_at) if m.status == "pending" else None,
            "attempts": [{"number": a.number, "at": iso(a.at), "succeeded": a.succeeded, "detail": a.detail}
                         for a in attempts]}


@bp.get("/outbox")
def list_outbox():
    actor = current_actor()
    require_staff(actor)
    if actor.role != "admin":
        raise Forbidden(N_("只有管理员可以查看消息记录"))
    stmt = select(OutboxMessage)
    for name, column in (("booking_id", OutboxMessage.booking_id), ("resident_id", OutboxMessage.resident_id)):
        value = query_int(name)
        if value is not None:
            stmt = stmt.where(column == value)
    for name, column in (("kind", OutboxMessage.kind), ("status", OutboxMessage.status)):
        if request.args.get(name):
            stmt = stmt.where(column == request.args[name])
    if request.args.get("status") and request.args["status"] not in MESSAGE_STATUSES:
        raise Invalid("status", N_("%(field)s 只能是 %(choices)s 之一"), status=400, choices=", ".join(MESSAGE_STATUSES))
    messages = db.session.scalars(stmt.order_by(OutboxMessage.id).limit(LIST_LIMIT)).all()
    attempts: dict[int, list[DeliveryAttempt]] = {}
    if messages:
        for a in db.session.scalars(select(DeliveryAttempt).where(
                DeliveryAttempt.message_id.in_([m.id for m in messages])).order_by(DeliveryAttempt.id)):
            attempts.setdefault(a.message_id, []).append(a)
    return jsonify([message_json(m, attempts.get(m.id, [])) for m in messages])
