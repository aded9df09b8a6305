"""GET /healthz (the process answers) and GET /readyz (it can serve: database, schema, scheduler). No sign-in."""
from datetime import timedelta

from flask import Blueprint, current_app, jsonify

from models import db, utcnow
from services.core import health
from services.core.storage.schema import head_revisions

bp = Blueprint("health", __name__)
# Three missed beats of the default 30 s interval before the deployment counts as not ready.
HEARTBEAT_MAX_AGE_SECONDS = 120


@bp.get("/healthz")
def healthz():
    """Touches nothing: a worker that can answer this is alive, whatever the database does."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    config = current_app.config
    max_age = timedelta(seconds=float(config.get("SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS", HEARTBEAT_MAX_AGE_SECONDS)))
    found = health.readiness(db.session, utcnow(), head_revisions(current_app.root_path + "/migrations"), max_age)
    if found.ready:
        return jsonify({"status": "ready", "checks": found.checks})
    answer = jsonify({"status": "not_ready", "reason": found.reason, "checks": found.checks})
    return answer, 503, {"Retry-After": "5"}
