"""The report a committee reads: committee order, SVG charts, PDF and workbook without names; staff's drill-down."""
import io
import re
import zlib

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AuditEntry, CheckupSnapshot, Problem, Resident, db
from services.accounts import accounts
from tests.checkup_world import build
from tests.web_login import login, post_form
from tests.world import NOW, make_app

PASSWORD = "correct-horse-1"
WEEK = "from=2026-11-02&to=2026-11-08"
ORDER = ("一、概览", "人口画像", "设施达标", "15分钟可达", "服务供需", "群体使用", "一人不落下", "三、发现的问题",
         "四、问题与整改清单", "五、附录")


@pytest.fixture
def site(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'c.db'}", FIXED_NOW=NOW)
    with app.app_context():
        world = build(db.session)
        for name, role, org in (("desk", "staff", None), ("admin", "admin", None), ("eldercare", "operator", "颐康")):
            accounts.create_user(db.session, name, PASSWORD, role, organisation=org)
        accounts.create_user(db.session, "13800000001", PASSWORD, "resident", resident_id=world.people["a1"].id)
        db.session.flush()
        db.session.commit()
        names = list(db.session.scalars(select(Resident.name)))
        ids = {**{k: (p.id, p.name) for k, p in world.people.items()}, "north": (world.buildings["north"].id, "")}
    yield app, ids, names
    with app.app_context():
        db.engine.dispose()


def signed_in(app, username: str):
    client = app.test_client()
    assert login(client, username, PASSWORD).status_code == 302
    return client


def test_the_report_reads_in_committee_order_with_charts_and_no_names(site):
    app, _, names = site
    page = signed_in(app, "desk").get(f"/checkup?{WEEK}").get_data(as_text=True)
    report = page[page.index('<article class="report">'):page.index("</article>")]
    positions = [report.index(f'<h2 class="report-section">{"" if h[1] == "、" else "二、指标 · "}{h}')
                 for h in ORDER]
    assert positions == sorted(positions)
    assert report.count("<svg") >= 3 and "<script" not in report
    assert not re.search(r'(src|href)="https?://', page), "nothing from a CDN"
    assert not [n for n in names if n in report]
    assert "&lt;5" in report


@pytest.mark.parametrize("path", ["/checkup", "/checkup/report.pdf", "/checkup/report.xlsx", "/checkup/problems",
                                  "/checkup/names?building_id=1"])
@pytest.mark.parametrize("who", ["eldercare", "13800000001"])
def test_operators_and_residents_get_403(site, path, who):
    assert signed_in(site[0], who).get(path).status_code == 403


def _pdf_fonts(data: bytes) -> set[bytes]:
    fonts = set()
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            fonts |= set(re.findall(rb"/BaseFont\s*/([^\s/]+)", zlib.decompress(stream.group(1))))
        except zlib.error:
            continue
    return fonts


def test_the_pdf_is_drawn_on_the_server_with_a_chinese_font(site):
    answer = signed_in(site[0], "desk").get(f"/checkup/report.pdf?{WEEK}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    assert any(b"CJK" in font for font in _pdf_fonts(answer.data)), "Chinese text needs a CJK font (fonts-noto-cjk)"


def test_the_workbook_has_a_sheet_per_table_no_names_and_no_live_formulas(site):
    app, _, names = site
    with app.app_context():
        db.session.add(Problem(title="=HYPERLINK(\"http://x\")", severity=4, status="open", source="staff"))
        db.session.commit()
    answer = signed_in(app, "desk").get(f"/checkup/report.xlsx?{WEEK}")
    book = load_workbook(io.BytesIO(answer.data))
    assert {"overview", "population", "facilities", "use", "heatmap", "groups", "outreach", "findings",
            "ledger", "trend"} <= set(book.sheetnames)
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not [n for n in names if any(n in c for c in cells)]
    assert "<5" in cells


def test_staff_drill_down_to_names_is_audited_one_entry_per_name(site):
    app, ids, _ = site
    page = signed_in(app, "desk").get(f"/checkup/names?building_id={ids['north'][0]}&{WEEK}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for key in ("e4", "e5"):  # elderly of the north building without a check-in that week
        assert ids[key][1] in text
    assert ids["e1"][1] not in text  # came on Monday
    with app.app_context():
        read = set(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == "resident", AuditEntry.action == "read")))
    assert read == {ids[k][0] for k in ("e3", "e4", "e5")}  # e3 booked but never checked in


def test_saving_a_check_up_keeps_it_for_the_trend_and_logs_its_findings_once(site):
    app, _, _ = site
    desk = signed_in(app, "desk")
    for _ in range(2):
        assert post_form(desk, f"/checkup/save?{WEEK}").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckupSnapshot)) == 1
        keys = list(db.session.scalars(select(Problem.key).where(Problem.source == "generated")))
        assert "facility:elderly_care_space_old" in keys and len(keys) == len(set(keys))
    assert "体检发现" in desk.get("/checkup/problems").get_data(as_text=True)


def test_a_residents_problem_reaches_staff_and_the_answer_reaches_the_phone(site):
    app, _, _ = site
    phone = signed_in(app, "13800000001")
    assert post_form(phone, "/my/problems", {"title": "南区2幢门口路灯坏了", "location": "南区2幢"}).status_code == 302
    desk = signed_in(app, "desk")
    ledger = desk.get("/checkup/problems").get_data(as_text=True)
    assert "南区2幢门口路灯坏了" in ledger and "居民提出、待受理（1）" in ledger
    with app.app_context():
        problem_id = db.session.scalar(select(Problem.id).where(Problem.source == "resident"))
    answer = post_form(desk, f"/checkup/problems/{problem_id}/review",
                       {"action": "answer", "answer": "已报物业，本周内修好"}, token_from="/checkup/problems")
    assert answer.status_code == 302
    mine = phone.get("/my/problems").get_data(as_text=True)
    assert "已报物业，本周内修好" in mine and "已答复" in mine


def test_a_residents_problem_merged_into_another_shows_that_problems_progress(site):
    app, _, _ = site
    phone, desk = signed_in(app, "13800000001"), signed_in(app, "desk")
    post_form(desk, "/checkup/problems", {"title": "北区缺少养老服务点", "severity": "7", "responsible": "街道"},
              token_from="/checkup/problems")
    post_form(phone, "/my/problems", {"title": "北边老人去驿站太远"})
    with app.app_context():
        parent, proposed = (db.session.scalar(select(Problem.id).where(Problem.source == s))
                            for s in ("staff", "resident"))
    post_form(desk, f"/checkup/problems/{proposed}/review", {"action": "merge", "into": str(parent)},
              token_from="/checkup/problems")
    post_form(desk, f"/checkup/problems/{parent}", {"status": "in_progress", "note": "选址中"},
              token_from="/checkup/problems")
    mine = phone.get("/my/problems").get_data(as_text=True)
    assert "已合并" in mine and "整改中" in mine and "街道" in mine


def test_an_admin_changes_a_standard_and_the_next_report_uses_it(site):
    app, _, _ = site
    admin = signed_in(app, "admin")
    assert "贵州" in admin.get("/admin/checkup/standards").get_data(as_text=True)
    post_form(admin, "/admin/checkup/standards/elderly_care_space_old",
              {"value": "10", "source": "某省导则：每百户10平方米", "severity": "7", "active": "1"},
              token_from="/admin/checkup/standards")
    body = signed_in(app, "desk").get(f"/checkup?{WEEK}").get_data(as_text=True)
    assert "≥ 10 m²/百户" in body and "某省导则" in body


def test_a_standards_file_that_is_wrong_changes_nothing(site):
    app, _, _ = site
    admin = signed_in(app, "admin")
    token_page = "/admin/checkup/standards"
    bad = b'{"standards": [{"code": "x", "name": "x", "name_en": "x", "unit": "m", "source": "s", ' \
          b'"measure": "volume", "kinds": ["park"], "value": 1}]}'
    from tests.web_login import page_csrf_token
    answer = admin.post(token_page, data={"csrf_token": page_csrf_token(admin, token_page),
                                          "file": (io.BytesIO(bad), "s.json")}, follow_redirects=True)
    assert "measure" in answer.get_data(as_text=True)
    with app.app_context():
        from models import CheckupStandard
        assert db.session.scalar(select(func.count()).select_from(CheckupStandard)) == 0


@pytest.mark.parametrize("who, path", [("13800000001", "/my/problems"), ("desk", "/checkup/problems")])
def test_the_problem_pages_speak_english_on_request(site, who, path):
    page = signed_in(site[0], who).get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S))
    assert not re.findall(r"[\u4e00-\u9fff]+", text.replace("中文", ""))


def test_the_english_report_translates_its_headings_and_labels(site):
    page = signed_in(site[0], "desk").get(f"/checkup?{WEEK}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for words in ("Community check-up report", "1. Overview", "5. Appendices", "Elderly (60+)", "Seat-hours offered"):
        assert words in page
