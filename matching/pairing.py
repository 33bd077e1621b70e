"""Pairing one pool of parents: how hard to try (`Effort`), the pool solved exactly or in parts
(matching/solver.py), the free parents the sparse graph missed paired after, and the pairs read
off. Both the main round (matching/matcher.py) and the second pass (matching/second.py) use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, radians

from .graph import candidate_adjacency, full_graph
from .pool import UNKNOWN, Pool
from .solver import Mate, Point, has_rustworkx, solve


@dataclass(frozen=True, slots=True)
class Effort:
    """How hard to try. Rounds with at most `exact_up_to` available parents are solved exactly
    (networkx) on the full graph. Larger ones on a graph of each parent's `per_parent` best
    pairs (default: 6 when the round fits in one part, else 8, as the cuts need more), whose
    connected components are solved exactly when they have at most `part_size` parents
    (default: 1,000 with rustworkx, 80 without), else cut into parts that size and re-solved
    near the borders, `passes` times along different lines (default: 3; 1 above
    `border_passes_up_to` parents, where the border strips hold nearly everyone, so that each
    further pass costs as much as the first and gains about 0.05%)."""

    exact_up_to: int = 150
    per_parent: int | None = None
    part_size: int | None = None
    passes: int | None = None
    border_passes_up_to: int = 50_000
    use_rustworkx: bool = True


def solve_pool(pool: Pool, effort: Effort) -> Mate:
    """The matching of a pool's parents (pool indices): exact for small rounds."""
    if pool.n <= effort.exact_up_to:
        import networkx as nx  # loaded by a round, not by every process that imports matching

        mate: Mate = {}
        for u, v in nx.max_weight_matching(full_graph(pool), weight="weight"):
            mate[u], mate[v] = v, u
        return mate
    fast = effort.use_rustworkx and has_rustworkx()
    part_size = effort.part_size or (1000 if fast else 80)
    per_parent = effort.per_parent or (6 if pool.n <= part_size else 8)
    adj = candidate_adjacency(pool, per_parent)
    mate = solve(
        adj,
        _positions(pool),
        part_size=part_size,
        passes=effort.passes or (3 if pool.n <= effort.border_passes_up_to else 1),
        use_rustworkx=effort.use_rustworkx,
    )
    _pair_the_rest(pool, mate)
    return mate


def pairs_of(pool: Pool, mate: Mate) -> list[tuple[int, int, int]]:
    """The pairs of a mate map as (u, v, weight), u < v."""
    out = []
    for u, v in mate.items():
        if u < v:
            weight = pool.weight(u, v)
            assert weight is not None  # every edge came from the pool's rules
            out.append((u, v, weight))
    return out


def _positions(pool: Pool) -> dict[int, Point]:
    """Each parent's place in metres east and north (parents without a place: the middle)."""
    places = pool.places
    lat0 = sum(p.lat for p in places) / len(places) if places else 0.0
    lon0 = sum(p.lon for p in places) / len(places) if places else 0.0
    scale = 111_195.0 * cos(radians(lat0))
    xy = [((p.lon - lon0) * scale, (p.lat - lat0) * 111_195.0) for p in places]
    return {u: xy[p] if p != UNKNOWN else (0.0, 0.0) for u, p in enumerate(pool.place)}


def _pair_the_rest(pool: Pool, mate: Mate) -> None:
    """Left-over parents may have allowed partners the sparse graph did not keep: pair any two
    free parents who may be paired, best first, so that no two left-over parents could have
    been a pair."""
    free = [u for u in range(pool.n) if u not in mate]
    by_bucket: dict[tuple[str, int], list[int]] = {}
    for u in free:
        for lang in pool.links[u]:
            by_bucket.setdefault((lang, pool.place[u]), []).append(u)
    options = []
    for u in free:
        for lang in pool.links[u]:
            for place in pool.near.get(pool.place[u], {}):
                for v in by_bucket.get((lang, place), ()):
                    if u < v and (weight := pool.weight(u, v)) is not None:
                        options.append((-weight, u, v))
    for _, u, v in sorted(options):
        if u not in mate and v not in mate:
            mate[u], mate[v] = v, u
