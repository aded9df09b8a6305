"""The service-circle pages: the SVG map, coverage table, gaps, outreach, trend and CSV exports."""
import csv
import io
import re
from datetime import date, timedelta

import pytest

from models import Booking, Building, Resident, ServicePoint, db
from services.accounts import accounts
from services.circle.geo import LocalFrame
from tests.world import NOW, make_app, space

from .web_login import login, post_form

FRAME = LocalFrame(30.2905, 120.1952)
PASSWORD = "correct horse battery"


@pytest.fixture
def world(tmp_path):
    """A centre with its elderly-care point, one building beside it and one 700 m away, and logins."""
    app = make_app(f"sqlite:///{tmp_path / 'circle.db'}", FIXED_NOW=NOW)
    with app.app_context():
        s = db.session
        near = Building(name="三里亭苑三区21幢", lat=FRAME.to_latlon(60, 60)[0], lon=FRAME.to_latlon(60, 60)[1])
        far = Building(name="红梅新村11幢", lat=FRAME.to_latlon(700, 0)[0], lon=FRAME.to_latlon(700, 0)[1])
        s.add_all([near, far, ServicePoint(name="红梅社区邻里中心", service_types=["community_service", "elderly_care"],
                                           lat=30.2905, lon=120.1952)])
        s.flush()
        elders = [Resident(name=f"老人{i}", birth_date=date(1950, 1, 1), building_id=b.id)
                  for i, b in enumerate([near, near, far, far, far])]
        s.add_all(elders)
        for role, name in (("staff", "desk"), ("operator", "care"), ("admin", "boss")):
            accounts.create_user(s, name, PASSWORD, role, organisation="颐康" if role == "operator" else None)
        s.commit()
        ids = {"near": near.id, "far": far.id, "elder_near": elders[0].id, "elder_far": elders[2].id}
    client = app.test_client()
    yield app, client, ids
    with app.app_context():
        db.engine.dispose()


def signed_in(world, username="desk"):
    app, client, _ = world
    assert login(client, username, PASSWORD).status_code == 302
    return client


def read_csv(answer) -> list[list[str]]:
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff") and answer.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_map_draws_buildings_coloured_by_coverage_and_rings_without_any_tile_server(world):
    page = signed_in(world).get("/circle/?group=elderly&type=elderly_care").get_data(as_text=True)
    assert "<svg" in page and "http://" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org", "")
    assert page.count('class="covered"') == 1 and page.count('class="gap"') == 1
    assert "红梅新村11幢" in page and "5 分钟" in page and "15 分钟" in page and "min" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert "15分钟服务圈" in page  # the menu link
    assert "<style" not in page and 'style="' not in page  # the Content-Security-Policy allows no inline styles
    assert "circle.css" in page


def test_the_coverage_table_shows_each_groups_share_and_exports_as_csv(world):
    client = signed_in(world)
    page = client.get("/circle/").get_data(as_text=True)
    assert "40%" in page  # 2 of 5 elderly live within 5 minutes of elderly care
    rows = read_csv(client.get("/circle/coverage.csv?date=2026-11-23"))
    header, elderly = rows[0], next(r for r in rows if r[0] == "elderly")
    assert float(elderly[header.index("elderly_care")]) == 0.4
    assert next(r for r in rows if r[0] == "child")[1] == ""  # no children: no share, not 0 %


def test_the_gap_list_ranks_buildings_and_exports_every_row(world):
    client = signed_in(world)
    page = client.get("/circle/gaps?type=elderly_care").get_data(as_text=True)
    assert "红梅新村11幢" in page and "三里亭苑三区21幢" not in page
    rows = read_csv(client.get("/circle/gaps.csv"))
    care = [r for r in rows[1:] if r[2] == "elderly_care"]
    assert [(r[1], r[rows[0].index("elderly")]) for r in care] == [("红梅新村11幢", "3")]


def test_outreach_lists_buildings_inside_the_circle_whose_elderly_never_came_next_to_those_outside(world):
    app, _, ids = world
    client = signed_in(world)
    page = client.get("/circle/outreach").get_data(as_text=True)
    inside_part, outside_part = page.split("圈外的楼栋")[0], page.split(
        "圈外的楼栋")[1].split("各楼栋老人使用情况")[0]
    assert "三里亭苑三区21幢" in inside_part and "红梅新村11幢" in outside_part
    with app.app_context():
        room = space(db.session, kind="elderly_care", exclusive=False, capacity=30)
        start = NOW - timedelta(days=3)
        db.session.add(Booking(resource_id=room.id, resident_id=ids["elder_near"], starts_at=start,
                               ends_at=start + timedelta(hours=1), status="checked_in"))
        db.session.commit()
    inside_part = client.get("/circle/outreach").get_data(as_text=True).split("圈外的楼栋")[0]
    assert "三里亭苑三区21幢" not in inside_part.split("<h2>圈内却从未来过")[1]
    rows = read_csv(client.get("/circle/outreach.csv"))
    near = next(r for r in rows if r[1] == "三里亭苑三区21幢")
    assert near[2:6] == ["2", "1", "0.5", "1"]


def test_a_saved_snapshot_appears_in_the_trend_with_the_point_that_opened(world):
    app, client, _ = world
    signed_in(world)
    with app.app_context():
        db.session.add(ServicePoint(name="新村养老站", service_types=["elderly_care"], lat=FRAME.to_latlon(700, 10)[0],
                                    lon=FRAME.to_latlon(700, 10)[1], opens_on=date(2027, 1, 15)))
        db.session.commit()
    for day in ("2026-12-01", "2027-02-01"):
        assert post_form(client, "/circle/snapshots", {"date": day}, token_from="/circle/trend").status_code == 302
    page = client.get("/circle/trend").get_data(as_text=True)
    assert "2026-12-01" in page and "新村养老站（2027-01-15）" in page and "<polyline" in page
    rows = read_csv(client.get("/circle/trend.csv"))
    share = rows[0].index("elderly.elderly_care")
    assert [(r[0], r[share]) for r in rows[1:]] == [("2026-12-01", "0.4"), ("2027-02-01", "1.0")]


def test_saving_a_snapshot_without_the_csrf_token_is_refused(world):
    client = signed_in(world)
    assert client.post("/circle/snapshots", data={"date": "2026-12-01"}).status_code == 400


@pytest.mark.parametrize("path", ["/circle/", "/circle/gaps", "/circle/outreach", "/circle/trend",
                                  "/circle/gaps.csv"])
def test_operators_may_not_open_the_circle_pages_and_visitors_are_sent_to_sign_in(world, path):
    app, client, _ = world
    assert client.get(path).status_code == 302
    assert signed_in(world, "care").get(path).status_code == 403


def test_an_unknown_group_or_date_is_a_readable_400_not_a_crash(world):
    client = signed_in(world)
    assert client.get("/circle/?group=aliens").status_code == 400
    assert client.get("/circle/?date=yesterday").status_code == 422
    assert client.get("/circle/gaps?type=casino").status_code == 400


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
                                  "-2+3", "\t=1", "\r=1"])
@pytest.mark.parametrize("path", ["/circle/gaps.csv", "/circle/outreach.csv"])
def test_a_building_name_that_looks_like_a_formula_is_exported_as_text(world, path, name):
    app, _, ids = world
    with app.app_context():
        db.session.get(Building, ids["far"]).name = name
        db.session.commit()
    cells = [cell for row in read_csv(signed_in(world).get(path)) for cell in row]
    assert "'" + name in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


def test_the_map_writes_each_buildings_name_beside_it_and_explains_the_marks_in_a_legend(world):
    page = signed_in(world).get("/circle/?group=elderly&type=elderly_care").get_data(as_text=True)
    drawing = page.split("<svg", 1)[1].split("</svg>")[0]
    for name in ("三里亭苑三区21幢", "红梅新村11幢"):  # as text on the map, not only inside a hover <title>
        assert re.search(rf'class="building-label" x="[\d.]+" y="[\d.]+" text-anchor="\w+">{name}</text>', drawing)
    legend = page.split('<ul class="map-legend"', 1)[1].split("</ul>")[0]
    for words in ("楼栋：已覆盖", "楼栋：未覆盖（方块带叉）", "楼栋：没有老年人居住", "养老服务服务点", "虚线圈", "楼名写在每个方块旁边"):
        assert words in legend


def test_the_gaps_are_grouped_by_building_or_by_service_with_minutes_rounded(world):
    client = signed_in(world)
    by_building = client.get("/circle/gaps").get_data(as_text=True)
    far, near = by_building.index("<h2>红梅新村11幢 <small>"), by_building.index("<h2>三里亭苑三区21幢 <small>")
    assert far < near  # three elderly miss the nearest care point there: that round comes first
    assert "约 " in by_building and not re.search(r"\d+\.\d+ 分钟", by_building)
    by_type = client.get("/circle/gaps?by=type").get_data(as_text=True)
    assert "<h2>养老服务 <small>1 幢楼走不到 · 目标 5 分钟</small></h2>" in by_type
    assert client.get("/circle/gaps?by=colour").status_code == 400


def test_a_walk_reads_as_about_so_many_whole_minutes():
    from views.circle.circle_pages import about_minutes

    with make_app("sqlite://").test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert [about_minutes(m) for m in (28.4, 27.5, 0.3, None)] == ["约 28 分钟", "约 28 分钟", "不到 1 分钟", "无法到达"]


def test_the_trend_page_explains_the_snapshot_in_plain_words_with_a_button_and_no_command(world):
    client = signed_in(world)
    page = client.get("/circle/trend").get_data(as_text=True)
    assert "flask" not in page and "<code>" not in page
    assert "建议每月保存一次" in page and '<button type="submit" class="primary">保存快照</button>' in page
    saved = post_form(client, "/circle/snapshots", {"date": "2026-11-23"}, token_from="/circle/trend")
    assert saved.status_code == 302
    assert "已保存 2026年11月23日 星期一 的快照" in client.get("/circle/trend").get_data(as_text=True)


def test_only_staff_may_save_a_snapshot(world):
    app, client, _ = world
    operator = signed_in(world, "care")
    assert post_form(operator, "/circle/snapshots", {"date": "2026-11-23"}, token_from="/feeds").status_code == 403
    with app.app_context():
        from models import CircleSnapshot
        assert db.session.query(CircleSnapshot).count() == 0
