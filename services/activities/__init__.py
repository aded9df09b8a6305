"""The activity programme (活动报名): placing sessions on the booking core, enrolment, waitlists, attendance."""
