"""The entry point: `match(candidates, rules, avoid=...)` -> proposals and parents left over."""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from math import cos, radians

import networkx as nx

from .graph import available, candidate_adjacency, full_graph
from .pool import UNKNOWN, Pool
from .profiles import Availability, Candidate
from .results import LeftOver, LeftOverReason, MatchResult, Proposal
from .rules import Rules
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


_UNAVAILABLE = {
    Availability.OPTED_OUT: LeftOverReason.OPTED_OUT,
    Availability.PAUSED: LeftOverReason.PAUSED,
    Availability.WAITING_FOR_APPROVAL: LeftOverReason.WAITING_FOR_APPROVAL,
}


def match(
    candidates: Sequence[Candidate],
    rules: Rules,
    *,
    avoid: Collection[frozenset[int]] = (),
    effort: Effort | None = None,
    relaxed: Rules | None = None,
) -> MatchResult:
    """Propose buddy pairs for one round.

    `candidates`: every parent of the community who asked for a buddy, with their availability;
    `rules`: the community's limits, weights and the current time; `avoid`: pairs of parent ids
    that were tried, rejected, ended or blocked (they never get an edge). `relaxed`: the wider
    limits of a second pass among the parents the main round left over (see `second_pass`).

    Returns proposals (heaviest first, those of the second pass after all others) and every
    candidate without one, with a reason. The same input gives the same output."""
    with _no_cyclic_gc():
        return _match(candidates, rules, avoid, effort or Effort(), relaxed)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A large round allocates millions of small tuples and dicts and frees none of them in
    cycles: the cyclic garbage collector would scan the growing heap again and again (a tenth
    of the time at 100,000 parents) for nothing. Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _match(
    candidates: Sequence[Candidate],
    rules: Rules,
    avoid: Collection[frozenset[int]],
    effort: Effort,
    relaxed: Rules | None,
) -> MatchResult:
    ids = [c.parent_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("parent ids must be unique")
    pool = Pool(available(candidates, rules), rules, avoid)
    mate = solve_pool(pool, effort)
    proposals = [
        Proposal(
            pool.ids[u], pool.ids[v], weight, pool.shared_language(u, v)[0], pool.reasons(u, v)
        )
        for u, v, weight in pairs_of(pool, mate)
    ]
    proposals.sort(key=lambda p: (-p.weight, p.a))
    result = MatchResult(proposals, _left_over(candidates, rules, pool, mate))
    if relaxed is not None:
        from .second import second_pass  # the second pass builds on this module

        result = second_pass(candidates, rules, relaxed, result, avoid=avoid, effort=effort)
    return result


def solve_pool(pool: Pool, effort: Effort) -> Mate:
    """The matching of a pool's parents (pool indices): exact for small rounds."""
    if pool.n <= effort.exact_up_to:
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


def _left_over(
    candidates: Sequence[Candidate], rules: Rules, pool: Pool, mate: Mate
) -> list[LeftOver]:
    out = []
    for c in candidates:
        if c.availability is not Availability.AVAILABLE:
            out.append(LeftOver(c.parent_id, _UNAVAILABLE[c.availability]))
        elif c.place is None and not rules.allow_unknown_place:
            out.append(LeftOver(c.parent_id, LeftOverReason.NO_PLACE))
    pooled = {c.parent_id for c in candidates} - {x.parent_id for x in out}
    assert len(pooled) == pool.n
    for u in range(pool.n):
        if u in mate:
            continue
        reason = LeftOverReason.NO_LANGUAGE_NEARBY
        for v in pool.all_partners(u):
            if pool.weight(u, v) is not None:
                reason = LeftOverReason.MATCHED_BETTER_ELSEWHERE
                break
            reason = LeftOverReason.ONLY_PAST_PAIRS
        out.append(LeftOver(pool.ids[u], reason))
    out.sort(key=lambda x: x.parent_id)
    return out
