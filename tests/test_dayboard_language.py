"""The desk's day board speaks the reader's language on every reload, whichever worker answers.

Real gunicorn with two workers, readers alternating Chinese and English. A status word translated once and
kept by a worker (a constant folded into the compiled template, or a cached table not keyed by language)
shows here as an English word on a Chinese board or the reverse.
"""
import re

import pytest
import requests

from models import Booking, db
from tests.server import gunicorn
from tests.web_world import LOGINS, PASSWORD, TOMORROW, build

WORKERS = 2
RELOADS = 24
ZH_STATUS = ("已预约", "已签到", "未到")
EN_STATUS = ("Booked", "Checked in", "No-show")


def _board_world(tmp_path) -> str:
    """The web world, with one booking checked in and one a no-show so every status word is on the board."""
    url = f"sqlite:///{tmp_path / 'board.db'}"
    world = build(url)
    with world.app.app_context():
        db.session.get(Booking, world.ids["their_booking"]).status = "checked_in"
        db.session.get(Booking, world.ids["their_station_booking"]).status = "no_show"
        db.session.commit()
        db.engine.dispose()
    return url


def _signed_in(base: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = browser.post(f"{base}/login", data={"username": LOGINS["staff"], "password": PASSWORD,
                                                 "csrf_token": token}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, "the desk could not sign in"
    return browser


def _status_words(html: str) -> set[str]:
    return {word for word in ZH_STATUS + EN_STATUS if f"<small>{word}</small>" in html}


@pytest.mark.slow
def test_the_chinese_day_board_never_shows_an_english_status_word_under_two_workers(tmp_path):
    env = {"DATABASE_URL": _board_world(tmp_path), "SECRET_KEY": "board-language-test"}
    with gunicorn("app:create_app()", WORKERS, env) as base:
        browser = _signed_in(base)
        seen = {"zh": set(), "en": set()}
        for n in range(RELOADS):
            lang = ("en", "zh")[n % 2]
            header = "en-GB,en;q=0.9" if lang == "en" else "zh-CN,zh;q=0.9"
            answer = browser.get(f"{base}/desk", params={"date": TOMORROW.isoformat()},
                                 headers={"Accept-Language": header}, timeout=30)
            assert answer.status_code == 200
            seen[lang] |= _status_words(answer.text)
    assert seen["zh"] == set(ZH_STATUS), f"the Chinese board showed {sorted(seen['zh'])}"
    assert seen["en"] == set(EN_STATUS), f"the English board showed {sorted(seen['en'])}"
