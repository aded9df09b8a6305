"""Calendar feeds over HTTP: the private .ics URL, the JSON API, and one booking as a download."""
import gzip

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _

from models import CalendarFeed, db
from services.feeds import feed_build, feeds
from views.api.fields import centre_tz, int_field, json_body, text_field
from views.api.output import current_actor, iso, now
from views.feeds import feed_http

bp = Blueprint("feeds", __name__)
api = Blueprint("api_feeds", __name__, url_prefix="/api/v1")
CALENDAR_TYPE = "text/calendar; charset=utf-8"
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


def settings() -> feeds.FeedSettings:
    config = current_app.config
    return feeds.FeedSettings(days_back=config.get("FEED_DAYS_BACK", 30), days_ahead=config.get("FEED_DAYS_AHEAD", 180),
                              max_events=config.get("FEED_MAX_EVENTS", 1500),
                              max_bytes=config.get("FEED_MAX_BYTES", 900_000),
                              uid_domain=config.get("FEED_UID_DOMAIN", "linli.calendar"),
                              app_url=config.get("FEED_BASE_URL") or request.host_url.rstrip("/"))


def feed_urls(token: str) -> tuple[str, str]:
    """Absolute URLs: FEED_BASE_URL (the public address behind a proxy), else this request's own
    scheme and host; never https:// claimed over plain HTTP."""
    path = url_for("feeds.calendar_feed", token=token)
    base = current_app.config.get("FEED_BASE_URL") or f"{request.scheme}://{request.host}"
    url = base.rstrip("/") + path
    return url, "webcal://" + url.split("://", 1)[1]


def _plain(status: int, message: str, **headers) -> Response:
    return Response(message + "\n", status, {"Content-Type": "text/plain; charset=utf-8",
                                             "Cache-Control": "no-store", **PRIVATE_HEADERS, **headers})


def _build(feed_id: int, etag: str) -> feed_http.CachedFeed | None:
    feed = db.session.get(CalendarFeed, feed_id)
    owner = feeds.live_owner(db.session, feed)
    if owner is None:  # the owner may no longer see this: as good as revoked
        return None
    body = feed_build.build_feed(db.session, feed, owner, now(), centre_tz(), settings())
    return feed_http.CachedFeed(etag, body, gzip.compress(body, compresslevel=6, mtime=0))


def _live_feed(token: str):
    """The feed checked (and counted) by the middleware, or looked up and counted here."""
    live = request.environ.get(feed_http.CHECKED_FEED)
    if live is not None:
        return live, None
    live = feed_http.token_lookup(current_app)(token)
    if live is None:
        return None, _plain(404, _("找不到该日历"))
    limiter = current_app.extensions["feed_limiter"]
    if not limiter.allow(live.id):
        return None, _plain(429, _("请求太频繁，请稍后再试"),
                            **{"Retry-After": str(limiter.retry_after(live.id))})
    return live, None


@bp.get("/feeds/<token>.ics")
def calendar_feed(token: str):
    """The subscription URL: no login, the token is the key. 404 for unknown and revoked alike.
    Polls of an unchanged feed are mostly answered 304 by feed_http.FeedMiddleware before this."""
    live, refusal = _live_feed(token)
    if refusal is not None:
        return refusal
    etag = feed_http.feed_etag(current_app, live, feed_http.feed_day(current_app))
    cache = current_app.extensions["feed_cache"]
    entry = cache.get(live.id, etag)
    if entry is None:
        entry = _build(live.id, etag)
        if entry is None:
            return _plain(404, _("找不到该日历"))
        cache.put(live.id, entry)
    zipped = "gzip" in request.accept_encodings
    tag = etag + feed_http.GZIP_SUFFIX if zipped else etag
    headers = {"ETag": f'"{tag}"', "Last-Modified": feed_http.last_modified(current_app, live),
               "Vary": "Accept-Encoding", **dict(feed_http.FEED_HEADERS)}
    if request.if_none_match.contains_weak(etag) or request.if_none_match.contains_weak(etag + feed_http.GZIP_SUFFIX):
        return Response(status=304, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    if zipped:
        headers["Content-Encoding"] = "gzip"
    return Response(entry.gzipped if zipped else entry.body, 200, headers, content_type=CALENDAR_TYPE)


@bp.get("/bookings/<int:booking_id>.ics")
def booking_ics(booking_id: int):
    """One booking for the resident's phone, with a reminder an hour before."""
    booking, body = feed_build.audited_download(db.session, current_actor(), booking_id, centre_tz(), settings(),
                                                now())
    headers = {"Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"',
               "Cache-Control": "private, no-store", **PRIVATE_HEADERS}
    return Response(body, 200, headers, content_type=CALENDAR_TYPE)


def feed_json(feed: CalendarFeed, token: str | None = None) -> dict:
    data = {"id": feed.id, "scope": feed.scope, "resource_id": feed.resource_id, "resident_id": feed.resident_id,
            "organisation": feed.organisation, "created_at": iso(feed.created_at)}
    if token is not None:  # shown once: only the hash is kept
        data["url"], data["webcal_url"] = feed_urls(token)
    return data


def create_from(data: dict) -> tuple[CalendarFeed, str]:
    actor = current_actor()  # 401 before anything else
    return feeds.make_feed(
        db.session, actor, text_field(data, "scope", required=True, max_length=20),
        resource_id=int_field(data, "resource_id", required=False),
        resident_id=int_field(data, "resident_id", required=False),
        organisation=text_field(data, "organisation", max_length=120), now=now())


@api.post("/feeds")
def create_feed():
    feed, token = create_from(json_body())
    return jsonify(feed_json(feed, token)), 201


@api.get("/feeds")
def list_feeds():
    return jsonify([feed_json(f) for f in feeds.visible_feeds(db.session, current_actor())])


@api.delete("/feeds/<int:feed_id>")
def delete_feed(feed_id: int):
    revoke(feed_id)
    return Response(status=204)


def revoke(feed_id: int) -> None:
    feeds.revoke_feed(db.session, current_actor(), feed_id, now())
    current_app.extensions["feed_cache"].drop(feed_id)


