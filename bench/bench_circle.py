"""How the 15-minute circle's computation grows from 50 to 5,000 buildings, 11 service types each.

    python bench/bench_circle.py [--quick]

Prints seconds per computation (best of a few runs) with straight-line distances and with a walking
network of ~20,000 edges, then the HTTP answer of GET /api/v1/service-circle on a SQLite file with
5,000 buildings, as a ratio to a plain Flask endpoint served the same way in the same run.
Target: 5,000 buildings × 11 types in under 2 s, with and without the network.
"""
import argparse
import random
import sys
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from bench.load import best_of  # noqa: E402
from cli.database import apply_migrations  # noqa: E402
from models import (  # noqa: E402
    SERVICE_TYPES,  # noqa: E402
    Building,
    Resident,
    ServicePoint,
    db,
)
from services.accounts import accounts  # noqa: E402
from services.circle.circle import COMBOS, Place, Point, Settings, compute  # noqa: E402
from services.circle.geo import LocalFrame  # noqa: E402
from services.circle.walk_network import (  # noqa: E402
    EdgeRow,
    NodeRow,
    build_network,  # noqa: E402
    replace_network,
)

FRAME = LocalFrame(30.2905, 120.1952)
DAY = date(2026, 11, 23)
SIDE_M = 4000.0  # a 4 km × 4 km district


def synthetic_places(n: int, rng: random.Random) -> list[Place]:
    places = []
    for i in range(n):
        lat, lon = FRAME.to_latlon(rng.uniform(0, SIDE_M), rng.uniform(0, SIDE_M))
        heads = {combo: rng.randint(0, 12) for combo in COMBOS}
        places.append(Place(i + 1, f"{i + 1}幢", lat, lon, heads))
    return places


def synthetic_points(per_type: int, rng: random.Random) -> list[Point]:
    points = []
    for t in SERVICE_TYPES:
        for _ in range(per_type):
            lat, lon = FRAME.to_latlon(rng.uniform(0, SIDE_M), rng.uniform(0, SIDE_M))
            points.append(Point(len(points) + 1, t, lat, lon, (t,)))
    return points


def lattice(side: int, rng: random.Random):
    """side × side junctions, streets between neighbours with a little detour: 2·side·(side−1) edges."""
    step = SIDE_M / (side - 1)
    nodes = [FRAME.to_latlon(i * step, j * step) for i in range(side) for j in range(side)]
    edges = []
    for i in range(side):
        for j in range(side):
            here = i * side + j
            if i + 1 < side:
                edges.append((here, here + side, step * rng.uniform(1.0, 1.3)))
            if j + 1 < side:
                edges.append((here, here + 1, step * rng.uniform(1.0, 1.3)))
    return nodes, edges



def bench_compute(sizes: list[int], runs: int) -> None:
    rng = random.Random(15)
    nodes, edges = lattice(101, rng)  # 10,201 nodes, 20,200 edges
    print(f"walking network: {len(nodes):,} nodes, {len(edges):,} edges")
    build = best_of(lambda: build_network(nodes, edges, FRAME), runs)
    network = build_network(nodes, edges, FRAME)
    print(f"building the graph and its snapping index: {build:.3f} s (once per request, not per type)")
    print(f"{'buildings':>9} {'points':>6} {'straight s':>10} {'network s':>10} {'gaps':>7}")
    for n in sizes:
        places, points = synthetic_places(n, rng), synthetic_points(max(2, n // 100), rng)
        straight = best_of(partial(compute, DAY, places, points, Settings()), runs)
        on_net = best_of(partial(compute, DAY, places, points, Settings(), network), runs)
        gaps = len(compute(DAY, places, points, Settings(), network).gaps)
        print(f"{n:>9,} {len(points):>6} {straight:>10.3f} {on_net:>10.3f} {gaps:>7,}")


def bench_http(n: int, runs: int) -> None:
    """GET /api/v1/service-circle against a plain endpoint, both through the same WSGI test client."""
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.db"})
        app.add_url_rule("/plain", "plain", lambda: {"ok": True})
        with app.app_context():
            apply_migrations()
            for place in synthetic_places(n, rng):
                db.session.add(Building(id=place.id, name=place.name, lat=place.lat, lon=place.lon))
            db.session.flush()
            db.session.add_all(Resident(name="居民", birth_date=date(rng.choice([1940, 1985, 2018]), 5, 1),
                                        building_id=rng.randint(1, n), lives_alone=rng.random() < 0.1)
                               for _ in range(n * 3))
            db.session.add_all(ServicePoint(name=p.name, service_types=list(p.types), lat=p.lat, lon=p.lon)
                               for p in synthetic_points(max(2, n // 100), rng))
            user = accounts.create_user(db.session, "bench", "bench-password-1", "staff")
            token = accounts.create_token(db.session, user)
            db.session.commit()
        client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
        plain = best_of(lambda: client.get("/plain"), runs * 5)
        for label in ("straight line", "walking network"):
            if label == "walking network":
                with app.app_context():
                    store_lattice(db.session, rng)
            circle = best_of(lambda: client.get("/api/v1/service-circle?date=2026-11-23", headers=headers), runs)
            answer = client.get("/api/v1/service-circle?date=2026-11-23", headers=headers)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            print(f"HTTP, {n:,} buildings, {n * 3:,} residents (SQLite), {label}: GET /service-circle "
                  f"{circle:.3f} s, plain endpoint {plain * 1000:.2f} ms, ratio {circle / plain:,.0f}×, "
                  f"{len(answer.get_data()) / 1e6:.1f} MB answer ({answer.json['distance']})")


def store_lattice(session, rng: random.Random) -> None:
    """The same ~20,000-edge lattice, stored as an imported network would be."""
    nodes, edges = lattice(101, rng)
    replace_network(session, [NodeRow(str(i), lat, lon) for i, (lat, lon) in enumerate(nodes)],
                    [EdgeRow(str(a), str(b), length) for a, b, length in edges])
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer sizes and runs")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    bench_compute([50, 500, 5000] if args.quick else [50, 200, 500, 1000, 2000, 5000], runs)
    bench_http(5000, runs)


if __name__ == "__main__":
    main()
