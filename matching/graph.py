"""The networkx graphs of a round: a node per available parent, an edge per allowed pair with
its weight in points.

`eligible_graph` has every allowed pair: the exact model, used by small rounds and as the
reference in tests and the benchmark. `candidate_adjacency` keeps only each parent's best few
pairs (the union over both ends), as plain dicts: what makes large rounds fast."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING

from .pool import Pool
from .profiles import Availability, Candidate
from .rules import Rules

if TYPE_CHECKING:
    import networkx as nx


def candidate_adjacency(pool: Pool, per_parent: int) -> dict[int, dict[int, int]]:
    """Each parent's `per_parent` best pairs (the union over both ends) as plain dicts, node ->
    neighbour -> weight, with pool indices as nodes: what the solver reads, built without a
    networkx graph because large rounds build it for every parent."""
    adj: dict[int, dict[int, int]] = {u: {} for u in range(pool.n)}
    wait = pool.wait_pts
    for u in range(pool.n):
        if u in pool.taken:
            continue
        adj_u, wait_u = adj[u], wait[u]
        for points, v in pool.best_partners(u, per_parent):
            weight = points + wait_u + wait[v]
            adj_u[v] = weight
            adj[v][u] = weight
    return adj


def full_graph(pool: Pool) -> nx.Graph:
    """Nodes are pool indices; every allowed pair is an edge."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(pool.n))
    graph.add_weighted_edges_from(_pairs(pool))
    return graph


def _pairs(pool: Pool) -> Iterator[tuple[int, int, int]]:
    for u in range(pool.n):
        for v in pool.all_partners(u):
            if u < v:
                weight = pool.weight(u, v)
                if weight is not None:
                    yield u, v, weight


def eligible_pairs(
    candidates: Sequence[Candidate], rules: Rules, *, avoid: Collection[frozenset[int]] = ()
) -> Iterator[tuple[int, int, int]]:
    """Every allowed pair as (parent id, parent id, weight), smaller id first."""
    pool = Pool(available(candidates, rules), rules, avoid)
    for u, v, weight in _pairs(pool):
        yield pool.ids[u], pool.ids[v], weight


def eligible_graph(
    candidates: Sequence[Candidate], rules: Rules, *, avoid: Collection[frozenset[int]] = ()
) -> nx.Graph:
    """The exact model with parent ids as nodes: every available parent who can be placed, and
    an edge with attribute "weight" for every allowed pair. `networkx.max_weight_matching` on it
    gives the optimum that `match` aims for."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(c.parent_id for c in available(candidates, rules))
    graph.add_weighted_edges_from(eligible_pairs(candidates, rules, avoid=avoid))
    return graph


def available(candidates: Sequence[Candidate], rules: Rules) -> list[Candidate]:
    """The candidates that can take part: available, and placed unless places may be unknown."""
    return [
        c
        for c in candidates
        if c.availability is Availability.AVAILABLE
        and (c.place is not None or rules.allow_unknown_place)
    ]
