"""Maximum-weight matching of a weighted graph (plain dicts): exact on connected components,
large components cut along geography.

The exact solver is Edmonds' blossom algorithm: rustworkx's `max_weight_matching` when rustworkx
is installed (the same algorithm as networkx's, compiled), else networkx's own. A component of
at most `part_size` parents is solved exactly in one go. The running time grows faster than the
square of the number of parents, so a larger component is cut into parts of nearby parents
(recursive bisection of their map positions) and each part is solved exactly. Then only the
parents near the borders of that cut (a pair across a border, up to two pairs away from one,
and their partners) are cut again along other lines (the map turned by 45, then 22.5 degrees)
and re-solved exactly with everything else held fixed: re-solving never lowers the weight, and
pairs that the first cut kept apart meet in the second. A last local repair (augmenting paths
and swaps of two pairs) picks up what is left."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import cos, radians, sin
from typing import TYPE_CHECKING

try:  # optional: a compiled blossom, about 50 times faster than networkx's
    import rustworkx as _rx
except ImportError:  # pragma: no cover - depends on the installation
    _rx = None  # type: ignore[assignment]

if TYPE_CHECKING:
    import networkx as nx

Mate = dict[int, int]
Point = tuple[float, float]
Adjacency = dict[int, dict[int, int]]  # node -> neighbour -> weight
ANGLES = (0.0, 45.0, 22.5)  # the cuts of the successive passes


def has_rustworkx() -> bool:
    return _rx is not None


def exact(graph: nx.Graph, *, use_rustworkx: bool = True) -> Mate:
    """Exact maximum-weight matching (edge attribute "weight", integers) as a mate map."""
    return _exact(adjacency(graph), sorted(graph.nodes), use_rustworkx)


def adjacency(graph: nx.Graph) -> Adjacency:
    """The weights as plain dicts: the repair loops below read them millions of times."""
    return {u: {v: d["weight"] for v, d in nbrs.items()} for u, nbrs in graph.adjacency()}


def _exact(adj: Adjacency, nodes: Sequence[int], use_rustworkx: bool) -> Mate:
    index = {u: i for i, u in enumerate(nodes)}
    edges = [
        (i, j, w)
        for i, u in enumerate(nodes)
        for v, w in adj[u].items()
        if u < v and (j := index.get(v)) is not None
    ]
    mate: Mate = {}
    if not edges:
        return mate
    if use_rustworkx and _rx is not None:
        fast = _rx.PyGraph(multigraph=False)
        fast.add_nodes_from(nodes)
        fast.add_edges_from(edges)
        pairs = [(nodes[i], nodes[j]) for i, j in _rx.max_weight_matching(fast, weight_fn=int)]
    else:
        import networkx as nx  # loaded only where rustworkx is missing

        slow = nx.Graph()
        slow.add_weighted_edges_from((nodes[i], nodes[j], w) for i, j, w in edges)
        pairs = list(nx.max_weight_matching(slow, weight="weight"))
    for u, v in pairs:
        mate[u], mate[v] = v, u
    return mate


def solve(
    adj: Adjacency,
    points: Mapping[int, Point],
    *,
    part_size: int,
    passes: int = 2,
    use_rustworkx: bool = True,
) -> Mate:
    """A matching of the graph `adj` (positive integer weights) as a symmetric mate map.
    `points` gives each node's position in metres (east, north). Each connected component of
    at most `part_size` nodes is solved exactly in one go; a larger one is cut into parts of at
    most `part_size` nodes, `passes` times along different lines."""
    mate: Mate = {}
    for component in components(adj):
        if len(component) <= part_size:
            mate.update(_exact(adj, component, use_rustworkx))
            continue
        turned = _turned({u: points[u] for u in component}, ANGLES[0])
        parts = _cut(component, turned, part_size)
        for part in parts:
            _resolve(adj, mate, part, use_rustworkx)
        for angle in ANGLES[1 : max(1, passes)]:
            # Only the borders of the last cut can gain: re-solve the parents near them, cut
            # along other lines, with everything else held as it is.
            strip = _near_borders(adj, mate, parts)
            turned = _turned({u: points[u] for u in strip}, angle)
            parts = [p for c in components(adj, strip) for p in _cut(c, turned, part_size)]
            for part in parts:
                _resolve(adj, mate, part, use_rustworkx)
        improve(adj, mate, nodes=component)
    return mate


def _near_borders(adj: Adjacency, mate: Mate, parts: list[list[int]], hops: int = 2) -> set[int]:
    """The nodes with a pair across the border of their part, those up to `hops` pairs away
    from them, and their partners."""
    part_of = {u: i for i, part in enumerate(parts) for u in part}
    strip = {u for u in part_of if any(part_of.get(v, -1) != part_of[u] for v in adj[u])}
    edge = set(strip)
    for _ in range(hops):
        edge = {v for u in edge for v in adj[u] if v not in strip}
        strip |= edge
    strip |= {mate[u] for u in list(strip) if u in mate}
    return strip


def components(adj: Adjacency, within: set[int] | None = None) -> list[list[int]]:
    """The connected components (of the nodes `within`, default all), each sorted, in order of
    their smallest node. Nodes without an edge are left out: they have nothing to solve."""
    seen: set[int] = set()
    out = []
    for start in sorted(adj if within is None else within):
        if start in seen or not adj[start]:
            continue
        seen.add(start)
        stack, members = [start], [start]
        while stack:
            for v in adj[stack.pop()]:
                if v not in seen and (within is None or v in within):
                    seen.add(v)
                    stack.append(v)
                    members.append(v)
        out.append(sorted(members))
    return out


def _turned(points: Mapping[int, Point], angle: float) -> dict[int, Point]:
    c, s = cos(radians(angle)), sin(radians(angle))
    return {u: (x * c - y * s, x * s + y * c) for u, (x, y) in points.items()}


def _cut(nodes: Sequence[int], points: Mapping[int, Point], size: int) -> list[list[int]]:
    """Recursive bisection across the wider axis until parts hold <= size nodes. The cut goes
    between two places, as near the middle as possible, so that the parents of one place (who
    are each other's best partners) stay together unless a place alone is too big."""
    if len(nodes) <= size:
        return [list(nodes)]
    xs = [points[u][0] for u in nodes]
    ys = [points[u][1] for u in nodes]
    axis = 0 if max(xs) - min(xs) >= max(ys) - min(ys) else 1
    ordered = sorted(nodes, key=lambda u: (points[u][axis], points[u][1 - axis], u))
    half = len(ordered) // 2
    cuts = [i for i in range(1, len(ordered)) if points[ordered[i]] != points[ordered[i - 1]]]
    at = min(cuts, key=lambda i: (abs(i - half), i)) if cuts else half
    return _cut(ordered[:at], points, size) + _cut(ordered[at:], points, size)


def _resolve(adj: Adjacency, mate: Mate, part: list[int], use_rustworkx: bool) -> None:
    """Re-solve the part exactly, keeping pairs that cross its border as they are."""
    inside = set(part)
    free = [u for u in part if u not in mate or mate[u] in inside]
    old = sum(adj[u][v] for u in free if (v := mate.get(u, -1)) > u)
    new = _exact(adj, free, use_rustworkx)
    if sum(adj[u][v] for u, v in new.items() if u < v) > old:
        for u in free:
            mate.pop(u, None)
        mate.update(new)


def improve(
    adj: Adjacency,
    mate: Mate,
    *,
    nodes: Sequence[int] | None = None,
    depth: int = 2,
    passes: int = 4,
) -> None:
    """Local repair in place: augmenting paths from free nodes across up to `depth` matched
    edges, and swaps of partners between two pairs, until a pass finds nothing. `nodes`: where
    to start (default: everywhere)."""
    nodes = sorted(adj) if nodes is None else nodes
    for _ in range(passes):
        changed = False
        for u in nodes:
            if u not in mate:
                gain, path = _augment(adj, mate, u, depth, {u})
                if gain > 0:
                    _apply(mate, u, path)
                    changed = True
            elif u < mate[u] and _swap(adj, mate, u):
                changed = True
        if not changed:
            break


def _augment(
    adj: Adjacency, mate: Mate, u: int, depth: int, used: set[int]
) -> tuple[int, list[int]]:
    """Best gain of matching free node u along an alternating path: u takes v; v's old mate x
    is then free and, if depth allows, looks for a partner the same way. Returns the gain and the
    nodes taken in turn (v, then the partner x takes, ...)."""
    best_gain, best_path = 0, []
    for v, weight in adj[u].items():
        if v in used:
            continue
        x = mate.get(v)
        if x is None:
            gain, path = weight, [v]
        else:
            if x in used:
                continue
            gain, path = weight - adj[v][x], [v]
            if depth > 0:
                more, rest = _augment(adj, mate, x, depth - 1, used | {v, x})
                if more > 0:
                    gain, path = gain + more, [v, *rest]
        if gain > best_gain:
            best_gain, best_path = gain, path
    return best_gain, best_path


def _apply(mate: Mate, u: int, path: list[int]) -> None:
    free = u
    for v in path:
        x = mate.pop(v, None)
        if x is not None:
            del mate[x]
        mate[free], mate[v] = v, free
        if x is None:
            break
        free = x


def _swap(adj: Adjacency, mate: Mate, u: int) -> bool:
    """Trade partners between the pair (u, x) and another pair (v, y) when (u, v) and (x, y)
    weigh more together."""
    x = mate[u]
    old = adj[u][x]
    adj_x = adj[x]
    for v, weight in adj[u].items():
        y = mate.get(v)
        if y is None or v == x or y == u:
            continue
        xy = adj_x.get(y)
        if xy is not None and weight + xy > old + adj[v][y]:
            for a, b in ((u, v), (x, y)):
                mate[a], mate[b] = b, a
            return True
    return False
