"""In Chinese mode a page speaks Chinese only; in English mode English only. Every page of every role, both ways.

The world is the Hongmei demo centre (every kind of space, residents in every group, buildings and service points,
a fortnight of bookings in every status), as of the pinned NOW. Names from the data (people, organisations,
buildings, service points, closure reasons) are the data's, not the interface's, and are set aside before checking.
Spaces are stored in both languages and must show in the reader's.
"""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from models import (
    ActivitySession,
    Booking,
    Building,
    Closure,
    OutboxMessage,
    Problem,
    ProblemEvent,
    Resident,
    Resource,
    ServicePoint,
    User,
    WaitlistEntry,
    db,
)
from services.checkup import compute, standards
from services.checkup.period import Period
from services.demo import demo
from services.demo.demo_data import LOGINS, RESIDENT_LOGIN
from tests.web_login import login, page_csrf_token, post_form
from tests.world import NOW, TZ, make_app
from views.circle.circle_map import HOUSE_NUMBER
from views.core.formatting import masked

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
TODAY = NOW.astimezone(TZ).date()
PASSWORDS = {username: password for username, password, _role, _org in LOGINS} | dict([RESIDENT_LOGIN])
ACCOUNTS = {"admin": "admin", "staff": "desk", "operator": "counsellor", "resident": RESIDENT_LOGIN[0]}
EVERYONE = ["/", "/calendar", "/calendar/spaces/{space}", "/calendar/spaces/{space}?view=month", "/feeds",
            "/account/password", "/desk/bookings/999999"]
STAFF_PAGES = ["/desk", "/desk?date={tomorrow}", "/desk/book", "/desk/book?resident_id={elder}&resource_id={space}",
               "/desk/bookings/{booking}", "/desk/bookings/{booking}/slip", "/desk/roster?resource_id={space}&date={tomorrow}", "/desk/residents",
               "/desk/residents?q=王", "/desk/residents/new", "/desk/residents/{elder}", "/desk/outreach",
               "/calendar/residents/{elder}", "/calendar/residents/{elder}?view=month",
               "/circle/", "/circle/gaps", "/circle/gaps?by=type", "/circle/outreach", "/circle/trend", "/programme",
               "/feeds?q=王", "/feeds?q=xyz",
               "/programme/sessions/{session}", "/checkup", "/checkup/problems", "/checkup/names?building_id=1"]
PAGES = {
    None: ["/", "/login", "/activate"],
    "resident": EVERYONE + ["/my", "/my/book", "/my/book/{space}", "/my/book/{space}?date={tomorrow}",
                            "/my/book/{space}/confirm?start={tomorrow}T15:00", "/my/bookings/{own}/cancel",
                            "/my/waitlist", "/calendar/residents/{me}", "/calendar/residents/{me}?view=month",
                            "/activities", "/activities/check-in/{checkin}", "/my/problems"],
    "staff": EVERYONE + STAFF_PAGES,
    "operator": EVERYONE + ["/operator", "/operator?date={tomorrow}", "/operator/closures",
                            "/calendar/spaces/{counselling}", "/programme"],
    "admin": EVERYONE + STAFF_PAGES + ["/admin", "/admin/audit", "/admin/audit?type=enrolment&action=read&page=2",
                                       "/admin/closures", "/admin/spaces",
                                       "/admin/spaces/{space}", "/admin/spaces/new", "/admin/users", "/admin/tokens",
                                       "/admin/checkup/standards"],
}
# Not pages: files and machine answers, checked elsewhere (feeds, CSV exports, the JSON API).
NOT_PAGES = re.compile(r"^/(api/|static/|feeds/<token>|bookings/<int:booking_id>\.ics|healthz$|readyz$)|\.(csv|pdf|xlsx)$")
ENGLISH = {"lang": "en", "headers": {"Accept-Language": "en-GB,en;q=0.9"}}
CHINESE = {"lang": "zh", "headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('pages') / 'demo.db'}", FIXED_NOW=NOW)
    with app.app_context():
        s = db.session
        demo.seed(s, NOW, TZ)
        ids = _ids(s)
        _waitlist(s, ids)
        s.commit()
        data = _data_words(s)
    clients = {None: app.test_client()}
    for role, username in ACCOUNTS.items():
        clients[role] = app.test_client()
        assert login(clients[role], username, PASSWORDS[username]).status_code == 302, role
    post_form(clients["staff"], "/circle/trend", {"date": TODAY.isoformat()}, token_from="/circle/trend")
    return app, clients, ids, data


def _ids(s) -> dict:
    me = s.scalar(select(User).where(User.username == RESIDENT_LOGIN[0])).resident_id
    space = s.scalar(select(Resource).where(Resource.exclusive.is_(False)).order_by(Resource.id))
    counselling = s.scalar(select(Resource).where(Resource.kind == "counselling"))
    own = s.scalar(select(Booking).where(Booking.resident_id == me, Booking.status == "confirmed",
                                         Booking.starts_at > NOW))
    if own is None:  # the demo's random fortnight gave the login no booking ahead: give it one
        own = Booking(resource_id=space.id, resident_id=me, starts_at=NOW + timedelta(days=2, hours=2),
                      ends_at=NOW + timedelta(days=2, hours=3), exclusive=False, channel="online")
        s.add(own)
        s.flush()
    elder = s.scalar(select(Resident).where(Resident.lives_alone.is_(True)).order_by(Resident.id))
    booking = s.scalar(select(Booking).where(Booking.status == "checked_in").order_by(Booking.id))
    session_row = s.scalar(select(ActivitySession).where(ActivitySession.starts_at > NOW)
                           .order_by(ActivitySession.starts_at))
    return {"session": session_row.id, "checkin": session_row.checkin_token, "me": me, "space": space.id, "counselling": counselling.id, "own": own.id, "elder": elder.id,
            "booking": booking.id, "tomorrow": (TODAY + timedelta(days=1)).isoformat()}


def _waitlist(s, ids) -> None:
    """One place on hold and one still waiting, so the waitlist page shows both."""
    start = NOW + timedelta(days=3, hours=2)
    for hours, status, hold in ((0, "offered", NOW + timedelta(hours=2)), (1, "waiting", None)):
        s.add(WaitlistEntry(resource_id=ids["space"], resident_id=ids["me"], starts_at=start + timedelta(hours=hours),
                            ends_at=start + timedelta(hours=hours + 1), party_size=2, status=status, created_at=NOW,
                            offered_at=NOW if hold else None, hold_until=hold))


def _data_words(s) -> list[str]:
    """Text that comes from the records, longest first, so a name is removed before a name inside it."""
    names = [p.name for p in s.scalars(select(Resident))]
    words = names + [masked(n) for n in names]
    words += [u.organisation for u in s.scalars(select(User)) if u.organisation]
    words += [u.username for u in s.scalars(select(User))]
    words += [r.operator for r in s.scalars(select(Resource)) if r.operator]
    words += [b.name for b in s.scalars(select(Building))] + [p.name for p in s.scalars(select(ServicePoint))]
    # where buildings crowd, the map writes a building's house number only ("18幢"): data too
    words += [m.group(0) for b in s.scalars(select(Building)) if (m := HOUSE_NUMBER.search(b.name))]
    words += [c.reason for c in s.scalars(select(Closure))]
    words += [b.note for b in s.scalars(select(Booking)) if b.note]
    words += [b.cancel_reason for b in s.scalars(select(Booking)) if b.cancel_reason]
    words += [m.kind for m in s.scalars(select(OutboxMessage))]
    # the check-up's records: the standards' names and sources, the ledger's problems (the centre's own text)
    words += [w for st in standards.in_force(s) for w in (st.name, st.source, st.unit)]
    words += [w for p in s.scalars(select(Problem)) for w in (p.title, p.evidence, p.location, p.measure,
                                                             p.responsible) if w]
    words += [e.note for e in s.scalars(select(ProblemEvent)) if e.note]
    year = Period(TODAY - timedelta(days=365), TODAY - timedelta(days=1), TZ)
    words += [f[k] for f in compute.checkup(s, year, NOW)["findings"] for k in ("title", "evidence", "location")]
    words.append("中文")  # the button that switches to Chinese says so in Chinese
    return sorted(set(words), key=len, reverse=True)


def _english_only_words() -> set[str]:
    """Words of the English catalogue that no Chinese msgid also uses (so not RRULE, CSV or wgs84)."""
    catalogue = read_po(CATALOGUE.open("rb"))
    english, chinese = set(), set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        chinese |= {w.lower() for text in ids for w in WORD.findall(text.replace("%(", " ").replace(")s", " "))}
        english |= {w.lower() for text in strings for w in WORD.findall(re.sub(r"%\(\w+\)[sd]", " ", text))}
    return english - chinese


def _visible_text(html: str) -> str:
    """What a reader sees or hears: text, and the labels and titles a screen reader speaks."""
    html = re.sub(r"<(script|style|code)[^>]*>.*?</\1>", " ", html, flags=re.S)  # code is a command, not prose
    spoken = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + spoken


def _paths(ids: dict, role) -> list[str]:
    return [path.format(**ids) for path in PAGES[role]]


def _page(client, path: str, language: dict) -> str:
    answer = client.get(path, headers=language["headers"], follow_redirects=True)
    assert answer.status_code in (200, 403, 404), f"{path}: {answer.status_code}"
    return answer.get_data(as_text=True)


def _strip(text: str, data: list[str]) -> str:
    """The text without the data's words, addresses, and the button that switches to English (it says so)."""
    text = re.sub(r"(?:https?|webcal)://\S+|\bEnglish\b", " ", text)
    for word in data:
        text = text.replace(word, " ")
    return text


@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r or "anonymous")
def test_english_pages_show_no_chinese(world, role):
    app, clients, ids, data = world
    with app.app_context():
        space_names = [r.name for r in db.session.scalars(select(Resource))]
    for path in _paths(ids, role):
        html = _page(clients[role], path, ENGLISH)
        assert '<html lang="en">' in html, path
        leftovers = CJK.findall(_strip(_visible_text(html), data))
        assert not [w for w in leftovers if w in space_names], f"{path}: a space's Chinese name on an English page"
        assert not leftovers, f"{path}: Chinese on an English page: {leftovers[:12]}"


@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r or "anonymous")
def test_chinese_pages_show_no_english_from_the_catalogue(world, role):
    app, clients, ids, data = world
    english_only = _english_only_words()
    with app.app_context():
        space_names_en = {w.lower() for r in db.session.scalars(select(Resource)) for w in WORD.findall(r.name_en)}
    for path in _paths(ids, role):
        html = _page(clients[role], path, CHINESE)
        assert '<html lang="zh-CN">' in html, path
        words = {w.lower() for w in WORD.findall(_strip(_visible_text(html), data))}
        assert not words & space_names_en, f"{path}: a space's English name on a Chinese page"
        assert not words & english_only, f"{path}: English on a Chinese page: {sorted(words & english_only)[:12]}"


def test_every_page_is_checked(world):
    """A new page joins PAGES above, or this fails: "every page of every role" stays true."""
    app, _clients, ids, _data = world
    adapter = app.url_map.bind("localhost")
    visited = {adapter.match(path.split("?")[0])[0] for role in PAGES for path in _paths(ids, role)
               if not path.startswith("/desk/bookings/999999")}
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not NOT_PAGES.search(rule.rule)}
    assert pages - visited == set()


@pytest.mark.parametrize("language", [CHINESE, ENGLISH], ids=["zh", "en"])
def test_answers_to_forms_speak_one_language_too(world, language):
    """Pages that answer a POST: a new feed's address, a refused booking, a form with a mistake."""
    app, clients, ids, data = world
    check = _checker(data, language)

    def post(who: str, path: str, form: dict, token_from: str):
        client = clients[who]
        token = page_csrf_token(client, token_from)
        return client.post(path, data={"csrf_token": token, **form}, headers=language["headers"])

    check(post("resident", "/feeds", {"scope": "resident"}, "/feeds"), 201)
    refused = post("resident", f"/my/book/{ids['space']}/confirm", {"start": f"{ids['tomorrow']}T03:00"}, "/my")
    check(refused, refused.status_code)
    check(post("staff", "/desk/residents/new", {"name": "", "birth_date": "x"}, "/desk/residents/new"), 422)


def _checker(data: list[str], language: dict):
    english_only = _english_only_words()

    def check(answer, status: int) -> None:
        assert answer.status_code == status
        text = _strip(_visible_text(answer.get_data(as_text=True)), data)
        if language["lang"] == "en":
            assert not CJK.findall(text), CJK.findall(text)[:12]
        else:
            assert not {w.lower() for w in WORD.findall(text)} & english_only, \
                sorted({w.lower() for w in WORD.findall(text)} & english_only)
    return check
