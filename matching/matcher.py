"""The entry point: `match(candidates, rules, avoid=...)` -> proposals and parents left over."""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager

from .graph import available
from .pairing import Effort, pairs_of, solve_pool
from .pool import Pool
from .profiles import Availability, Candidate
from .results import LeftOver, LeftOverReason, MatchResult, Proposal
from .rules import Rules
from .second import second_pass
from .solver import Mate

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
        result = second_pass(candidates, rules, relaxed, result, avoid=avoid, effort=effort)
    return result


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
