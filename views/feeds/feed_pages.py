"""Pages to make, list and revoke one's calendar feeds. The URL is shown once, right after making it."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from models import Resident, Resource, db
from services.accounts import accounts, residents
from services.core.access import runs_space
from services.core.errors import DomainError
from services.core.numbers import optional_whole_number
from services.feeds import feeds
from views.api.output import now
from views.core.pages import page_actor, readable
from views.feeds.feeds import create_from, feed_urls, revoke

bp = Blueprint("feed_pages", __name__)


def _choices(actor) -> dict:
    spaces = [s for s in db.session.scalars(select(Resource).where(Resource.active.is_(True)).order_by(Resource.id))
              if actor.is_staff or runs_space(actor, s)]
    people = list(db.session.scalars(select(Resident).where(Resident.id.in_(actor.resident_ids))
                                     .order_by(Resident.id))) if actor.resident_ids else []
    if not actor.is_staff:
        return {"spaces": spaces, "people": people}
    # Staff find the resident by name or building (each one listed is an audited read) and pick the organisation.
    query = (request.args.get("q") or "").strip()[:100]
    found = residents.search_residents(db.session, actor, query, now()) if query else []
    return {"spaces": spaces, "people": people, "q": query, "found": found,
            "organisations": accounts.operator_organisations(db.session)}


def _names() -> dict:
    return {"space_names": {r.id: r for r in db.session.scalars(select(Resource))}}


def _render(status: int = 200, **extra):
    actor = page_actor()
    mine = feeds.visible_feeds(db.session, actor)
    return render_template("feeds/index.html", feeds=mine, actor=actor, **_choices(actor), **_names(),
                           **extra), status


@bp.get("/feeds")
@login_required
def index():
    return _render()


def _form() -> dict:
    form = request.form
    data = {"scope": form.get("scope") or None, "organisation": (form.get("organisation") or "").strip() or None}
    for name in ("resource_id", "resident_id"):
        raw = form.get(name, "")
        data[name] = optional_whole_number(raw)
    return data


@bp.post("/feeds")
@login_required
def create():
    try:
        feed, token = create_from(_form())
    except DomainError as err:
        flash(readable(err), "error")
        return _render(422 if err.status == 422 else err.status)
    url, webcal = feed_urls(token)
    response = render_template("feeds/created.html", feed=feed, url=url, webcal=webcal, **_names())
    return response, 201, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.post("/feeds/<int:feed_id>/revoke")
@login_required
def revoke_page(feed_id: int):
    revoke(feed_id)
    flash(_("已停用，旧链接从现在起无法访问"), "success")
    return redirect(url_for("feed_pages.index"))

