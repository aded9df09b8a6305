"""The JSON shapes of the programme (CONTRACT.md, Activities)."""
from models import Activity, ActivitySession, Attendance, Enrolment
from services.activities import listing, seats
from views.api.output import iso


def session_json(row: ActivitySession, counts: dict) -> dict:
    enrolled = seats.enrolled_in(counts, row)
    return {"id": row.id, "activity_id": row.activity_id, "resource_id": row.resource_id, "start": iso(row.starts_at),
            "end": iso(row.ends_at), "seats": row.seats, "enrolled": enrolled,
            "remaining": max(row.seats - enrolled, 0) if row.status == "scheduled" else 0, "status": row.status,
            "cancel_reason": row.cancel_reason}


def activity_json(activity: Activity, rows: list[ActivitySession], counts: dict) -> dict:
    return {"id": activity.id, "title": activity.title, "title_en": activity.title_en, "kind": activity.kind,
            "description": activity.description, "operator": activity.operator, "groups": list(activity.groups),
            "min_age": activity.min_age, "max_age": activity.max_age, "seats": activity.seats,
            "mode": activity.mode, "guardian_present": activity.guardian_present,
            "registration_opens_at": iso(activity.registration_opens_at),
            "registration_closes_at": iso(activity.registration_closes_at),
            "sessions": [session_json(r, counts) for r in rows]}


def enrolment_json(row: Enrolment) -> dict:
    return {"id": row.id, "activity_id": row.activity_id, "resident_id": row.resident_id, "status": row.status,
            "seats": row.seats, "session_ids": listing.session_ids(row), "hold_until": iso(row.hold_until),
            "created_at": iso(row.created_at)}


def attendance_json(row: Attendance) -> dict:
    return {"session_id": row.session_id, "resident_id": row.resident_id, "present": row.present,
            "method": row.method, "recorded_at": iso(row.recorded_at)}
