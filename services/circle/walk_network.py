"""The walking network: stored nodes and edges, snapping places to it, shortest walks with networkx.

One multi-source Dijkstra per service type (from every open point of that type at once, each point
starting at its own snap distance) gives every building's nearest point of that type in one pass,
instead of one search per building × point pair.
"""
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import WalkEdge, WalkNode
from services.circle.geo import LocalFrame, haversine_m
from services.core.errors import N_, Invalid

_SUPER_SOURCE = -1  # a virtual node joined to every service point; real nodes are >= 0


class GridIndex:
    """Nearest-neighbour search over points in metres, by square cells searched ring by ring."""

    def __init__(self, xs: list[float], ys: list[float]):
        self.xs, self.ys = xs, ys
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
        self.cell = max(span / math.sqrt(len(xs)), 1.0)  # about one point a cell
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            self.cells[self._cell(x, y)].append(i)
        keys = self.cells.keys()
        self.max_ring = max(max(abs(a) for a, _ in keys), max(abs(b) for _, b in keys)) * 2 + 2

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self.cell), math.floor(y / self.cell)

    def nearest(self, x: float, y: float) -> tuple[int, float]:
        """(index, distance) of the nearest point; stops once no farther ring can hold a closer one."""
        cx, cy = self._cell(x, y)
        best, best_d = -1, math.inf
        ring = 0
        while ring <= self.max_ring + abs(cx) + abs(cy):
            if ring > 64:  # far outside the network: a plain scan beats sweeping empty rings
                return self._scan(x, y)
            for key in _ring_cells(cx, cy, ring):
                for i in self.cells.get(key, ()):
                    d = math.hypot(self.xs[i] - x, self.ys[i] - y)
                    if d < best_d:
                        best, best_d = i, d
            if best_d <= ring * self.cell:
                break
            ring += 1
        return best, best_d


    def _scan(self, x: float, y: float) -> tuple[int, float]:
        d = np.hypot(np.asarray(self.xs) - x, np.asarray(self.ys) - y)
        i = int(np.argmin(d))
        return i, float(d[i])


def _ring_cells(cx: int, cy: int, ring: int) -> Iterable[tuple[int, int]]:
    if ring == 0:
        yield cx, cy
        return
    for dx in range(-ring, ring + 1):
        yield cx + dx, cy - ring
        yield cx + dx, cy + ring
    for dy in range(-ring + 1, ring):
        yield cx - ring, cy + dy
        yield cx + ring, cy + dy


@dataclass
class Network:
    """A walking graph in a local metric frame; nodes are 0..n-1, edges carry `length` in metres."""

    frame: LocalFrame
    graph: nx.Graph
    index: GridIndex
    gates: list[tuple[float, float, str | None]] = field(default_factory=list)

    def snap(self, lat: float, lon: float) -> tuple[int, float]:
        """The nearest node and the straight walk to it in metres."""
        return self.index.nearest(*self.frame.to_xy(lat, lon))

    def distances_to(self, origins: list[tuple[int, float]], sources: list[tuple[int, float]]) -> np.ndarray:
        """Metres from each snapped origin to the nearest of the snapped sources (inf when unreachable)."""
        graph = self.graph
        graph.add_node(_SUPER_SOURCE)
        for node, offset in sources:
            old = graph.get_edge_data(_SUPER_SOURCE, node)
            if old is None or old["length"] > offset:
                graph.add_edge(_SUPER_SOURCE, node, length=offset)
        try:
            reach = nx.single_source_dijkstra_path_length(graph, _SUPER_SOURCE, weight="length")
        finally:
            graph.remove_node(_SUPER_SOURCE)
        return np.fromiter((snap + reach.get(node, math.inf) for node, snap in origins), float, len(origins))


def build_network(nodes: list[tuple[float, float]], edges: Iterable[tuple[int, int, float]],
                  frame: LocalFrame, gates: list[tuple[float, float, str | None]] | None = None) -> Network:
    """A Network from node coordinates (lat, lon) and edges (node index, node index, metres)."""
    xy = [frame.to_xy(lat, lon) for lat, lon in nodes]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(nodes)))
    shortest: dict[tuple[int, int], float] = {}
    for a, b, length in edges:  # parallel paths: the shorter one counts
        key = (a, b) if a < b else (b, a)
        if a != b and length < shortest.get(key, math.inf):
            shortest[key] = length
    graph.add_weighted_edges_from(((a, b, w) for (a, b), w in shortest.items()), weight="length")
    return Network(frame, graph, GridIndex([x for x, _ in xy], [y for _, y in xy]), gates or [])


def load_network(session: Session, frame: LocalFrame) -> Network | None:
    """The stored network, or None when none was imported (straight-line distances are used then)."""
    rows = session.execute(select(WalkNode.id, WalkNode.lat, WalkNode.lon, WalkNode.gate, WalkNode.name)).all()
    if not rows:
        return None
    position = {row.id: i for i, row in enumerate(rows)}
    edges = session.execute(select(WalkEdge.from_node_id, WalkEdge.to_node_id, WalkEdge.length_m)).all()
    if not edges:
        return None
    gates = [(r.lat, r.lon, r.name) for r in rows if r.gate]
    return build_network([(r.lat, r.lon) for r in rows],
                         ((position[a], position[b], length) for a, b, length in edges), frame, gates)


@dataclass(frozen=True)
class NodeRow:
    ref: str
    lat: float
    lon: float
    gate: bool = False
    name: str | None = None


@dataclass(frozen=True)
class EdgeRow:
    from_ref: str
    to_ref: str
    length_m: float | None = None  # measured along the path; None: the straight line between the nodes


def replace_network(session: Session, nodes: list[NodeRow], edges: list[EdgeRow],
                    progress: Callable[[int], None] = lambda n: None) -> tuple[int, int]:
    """Store a new network in place of the old one; returns (nodes, edges) stored."""
    by_ref = {n.ref: n for n in nodes}
    if len(by_ref) != len(nodes):
        raise Invalid("nodes", N_("节点编号重复"))
    for i, e in enumerate(edges):
        for ref in (e.from_ref, e.to_ref):
            if ref not in by_ref:
                raise Invalid(f"edges[{i}]", N_("找不到节点 %(node)s"), node=ref)
    session.execute(delete(WalkEdge))
    session.execute(delete(WalkNode))
    for start in range(0, len(nodes), 1000):
        batch = nodes[start:start + 1000]
        session.execute(insert(WalkNode), [vars(n) for n in batch])
        progress(len(batch))
    ids = {ref: node_id for ref, node_id in session.execute(select(WalkNode.ref, WalkNode.id))}
    kept = [e for e in edges if e.from_ref != e.to_ref]
    for start in range(0, len(kept), 1000):
        batch = kept[start:start + 1000]
        session.execute(insert(WalkEdge), [_edge_values(e, by_ref, ids) for e in batch])
        progress(len(batch))
    return len(nodes), len(kept)


def _edge_values(edge: EdgeRow, by_ref: dict[str, NodeRow], ids: dict[str, int]) -> dict:
    a, b = by_ref[edge.from_ref], by_ref[edge.to_ref]
    length = edge.length_m if edge.length_m is not None else haversine_m(a.lat, a.lon, b.lat, b.lon)
    return {"from_node_id": ids[edge.from_ref], "to_node_id": ids[edge.to_ref], "length_m": length}
