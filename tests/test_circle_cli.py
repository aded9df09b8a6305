"""flask circle import | snapshot | settings: files in, a network that changes the answer, dated snapshots."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Building, CircleSnapshot, Resident, ServicePoint, WalkEdge, WalkNode, db
from services.circle import circle_store
from services.circle.geo import LocalFrame, haversine_m, wgs84_to_gcj02

FRAME = LocalFrame(30.2905, 120.1952)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_buildings_import_from_csv_with_a_progress_bar_and_a_second_import_updates_in_place(app, runner, tmp_path):
    path = write(tmp_path, "b.csv", "\ufeffname,lat,lon,households\n三区21幢,30.2911,120.1957,60\n三区22幢,30.2902,120.1961,\n")
    first = runner.invoke(args=["circle", "import", "buildings", path])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("buildings\n")  # the progress bar's label (the bar itself needs a terminal)
    assert "2 added, 0 updated" in first.output
    path = write(tmp_path, "b.csv", "name,lat,lon,households\n三区21幢,30.2912,120.1957,64\n")
    assert "0 added, 1 updated" in runner.invoke(args=["circle", "import", "buildings", path]).output
    with app.app_context():
        moved = db.session.scalar(select(Building).where(Building.name == "三区21幢"))
        assert (moved.lat, moved.households) == (30.2912, 64)
    assert count(app, Building) == 2


def test_gcj02_files_are_converted_to_wgs84_on_import(app, runner, tmp_path):
    gcj = wgs84_to_gcj02(30.2905, 120.1952)
    path = write(tmp_path, "b.csv", f"name,lat,lon\n邻里中心,{gcj[0]},{gcj[1]}\n")
    assert runner.invoke(args=["circle", "import", "buildings", path, "--crs", "gcj02"]).exit_code == 0
    with app.app_context():
        stored = db.session.scalar(select(Building))
        assert haversine_m(stored.lat, stored.lon, 30.2905, 120.1952) < 0.01


def test_service_points_import_from_geojson(app, runner, tmp_path):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.1952, 30.2905]},
                 "properties": {"name": "邻里中心", "service_types": ["community_service", "elderly_care"]}},
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.1966, 30.2893]},
                 "properties": {"name": "托育园", "service_types": "nursery", "opens_on": "2027-03-01"}}]
    path = write(tmp_path, "p.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    result = runner.invoke(args=["circle", "import", "service-points", path])
    assert result.exit_code == 0, result.output
    with app.app_context():
        nursery = db.session.scalar(select(ServicePoint).where(ServicePoint.name == "托育园"))
        assert nursery.service_types == ["nursery"] and nursery.opens_on == date(2027, 3, 1)


def test_a_bad_row_names_its_line_and_nothing_is_written(app, runner, tmp_path):
    path = write(tmp_path, "p.csv", "name,service_types,lat,lon\n超市,supermarket,30.29,120.19\n赌场,casino,30.29,120.19\n")
    result = runner.invoke(args=["circle", "import", "service-points", path])
    assert result.exit_code != 0 and "line 3" in result.output
    assert count(app, ServicePoint) == 0


def lattice_csv(tmp_path):
    """A —300— B —300— C along a street, and a detour A —100— D —100— C through a compound gate D."""
    spots = {"A": (0, 0), "B": (300, 0), "C": (600, 0), "D": (300, 50)}
    nodes = "id,lat,lon,gate,name\n" + "".join(
        f"{k},{FRAME.to_latlon(*xy)[0]},{FRAME.to_latlon(*xy)[1]},{'1' if k == 'D' else ''},{'北门' if k == 'D' else ''}\n"
        for k, xy in spots.items())
    edges = "from,to,length_m\nA,B,300\nB,C,300\nA,D,100\nD,C,100\n"
    return write(tmp_path, "nodes.csv", nodes), write(tmp_path, "edges.csv", edges)


def test_a_csv_walking_network_replaces_straight_lines_in_the_circle(app, runner, tmp_path):
    nodes, edges = lattice_csv(tmp_path)
    result = runner.invoke(args=["circle", "import", "network", nodes, "--edges", edges])
    assert result.exit_code == 0, result.output
    assert "4 nodes, 4 edges" in result.output
    with app.app_context():
        s = db.session
        circle_store.add_building(s, "楼", *FRAME.to_latlon(0, 0))
        circle_store.add_service_point(s, "卫生站", ["health"], *FRAME.to_latlon(600, 0))
        s.commit()
        found = circle_store.circle_on(s, date(2026, 11, 23))
        assert found.used_network and found.distances["health"][0] == pytest.approx(200.0, abs=0.01)
        assert s.scalar(select(WalkNode).where(WalkNode.gate.is_(True))).name == "北门"


def test_a_csv_network_needs_its_edges_file_and_known_node_ids(app, runner, tmp_path):
    nodes, _ = lattice_csv(tmp_path)
    assert runner.invoke(args=["circle", "import", "network", nodes]).exit_code != 0
    bad = write(tmp_path, "bad.csv", "from,to\nA,Z\n")
    result = runner.invoke(args=["circle", "import", "network", nodes, "--edges", bad])
    assert result.exit_code != 0 and "Z" in result.output
    assert count(app, WalkNode) == 0


def test_a_geojson_network_joins_lines_at_shared_vertices_and_marks_gates(app, runner, tmp_path):
    a, b, c = (list(reversed(FRAME.to_latlon(x, 0))) for x in (0, 200, 400))
    features = [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [a, b]}, "properties": {}},
                {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [b, c]},
                 "properties": {"length_m": 250}},
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": b},
                 "properties": {"gate": True, "name": "南门"}}]
    path = write(tmp_path, "net.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    result = runner.invoke(args=["circle", "import", "network", path])
    assert result.exit_code == 0, result.output
    with app.app_context():
        lengths = sorted(db.session.scalars(select(WalkEdge.length_m)))
        assert lengths == pytest.approx([200.0, 250.0], abs=0.01)
        assert [n.name for n in db.session.scalars(select(WalkNode).where(WalkNode.gate.is_(True)))] == ["南门"]


def test_snapshots_for_a_series_of_dates_show_when_a_point_opens(app, runner):
    with app.app_context():
        s = db.session
        home = circle_store.add_building(s, "楼", *FRAME.to_latlon(0, 0))
        s.add(Resident(name="王奶奶", birth_date=date(1945, 3, 3), building_id=home.id))
        circle_store.add_service_point(s, "新驿站", ["elderly_care"], *FRAME.to_latlon(50, 0), date(2027, 2, 1))
        s.commit()
    result = runner.invoke(args=["circle", "snapshot", "--date", "2027-01-01", "--until", "2027-03-01", "--every", "31"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        snaps = circle_store.snapshots(db.session)
        assert [s.day for s in snaps] == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 4)][:len(snaps)]
        assert [s.coverage["elderly"]["elderly_care"] for s in snaps[:2]] == [0.0, 1.0]
        assert [s.open_points for s in snaps[:2]] == [0, 1]
    again = runner.invoke(args=["circle", "snapshot", "--date", "2027-01-01"])
    assert again.exit_code == 0 and count(app, CircleSnapshot) == 2


def test_settings_are_shown_changed_and_checked(app, runner):
    shown = runner.invoke(args=["circle", "settings"]).output
    assert "speed.elderly = 0.8 m/s" in shown and "target.meal = 5 min" in shown and "circuity = 1.3" in shown
    changed = runner.invoke(args=["circle", "settings", "speed.elderly=0.75", "target.meal=10", "circuity=1.4"])
    assert changed.exit_code == 0 and "speed.elderly = 0.75 m/s" in changed.output
    with app.app_context():
        settings = circle_store.load_settings(db.session)
        assert (settings.speeds["elderly"], settings.targets["meal"], settings.circuity) == (0.75, 10.0, 1.4)
    assert runner.invoke(args=["circle", "settings", "speed.horse=2"]).exit_code != 0
    assert runner.invoke(args=["circle", "settings", "circuity=9"]).exit_code != 0
    assert runner.invoke(args=["circle", "settings", "circuity"]).exit_code != 0
