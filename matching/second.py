"""The second pass: after the main round, the best pairs among the parents it left over under
the wider limits a community allows (a larger distance, Dutch counting). They are proposed as a
separate, weaker group: each such proposal has `second_pass=True` and starts with the reasons
that say which limit it needed (`beyond_limit`, `only_dutch`).

Only parents who could not be paired take part (nobody nearby shares a language, all possible
buddies were tried before or got a better pair); never a pair to avoid, never a parent who
already has a proposal. The left-over reasons of the parents still left stay those of the main
round: what a coordinator would have to change for them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from math import ceil

from .geo import haversine_m
from .graph import available
from .pairing import Effort, pairs_of, solve_pool
from .pool import Pool
from .profiles import Candidate
from .results import LeftOverReason, MatchResult, Proposal, Reason, ReasonKind
from .rules import Rules

# The parents a second pass may help: the others are left over by their own choice, are
# waiting for a decision, or have no place.
MAY_HELP = frozenset(
    {
        LeftOverReason.NO_LANGUAGE_NEARBY,
        LeftOverReason.ONLY_PAST_PAIRS,
        LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    }
)


def relaxes(rules: Rules, relaxed: Rules) -> bool:
    """Whether `relaxed` allows anything `rules` does not (and forbids nothing it allows)."""
    if (
        relaxed.max_distance_m < rules.max_distance_m
        or (rules.allow_dutch and not relaxed.allow_dutch)
        or (rules.allow_unknown_place and not relaxed.allow_unknown_place)
        or relaxed.dutch != rules.dutch
    ):
        raise ValueError("the second pass may only widen the limits of the main round")
    return (
        relaxed.max_distance_m > rules.max_distance_m
        or relaxed.allow_dutch != rules.allow_dutch
        or relaxed.allow_unknown_place != rules.allow_unknown_place
    )


def second_pass(
    candidates: Sequence[Candidate],
    rules: Rules,
    relaxed: Rules,
    first: MatchResult,
    *,
    avoid: Collection[frozenset[int]] = (),
    effort: Effort | None = None,
) -> MatchResult:
    """`first` (the main round's result) with the second pass's proposals added after its own
    and their parents taken off the left-over list."""
    if not relaxes(rules, relaxed):
        return first
    helpable = {x.parent_id for x in first.left_over if x.reason in MAY_HELP}
    left = [c for c in available(candidates, relaxed) if c.parent_id in helpable]
    pool = Pool(left, relaxed, avoid)
    mate = solve_pool(pool, effort or Effort())
    extra = []
    for u, v, weight in pairs_of(pool, mate):
        why = _relaxations(pool, u, v, rules) + pool.reasons(u, v)
        language = pool.shared_language(u, v)[0]
        extra.append(Proposal(pool.ids[u], pool.ids[v], weight, language, why, second_pass=True))
    extra.sort(key=lambda p: (-p.weight, p.a))
    paired = {pid for p in extra for pid in (p.a, p.b)}
    return replace(
        first,
        proposals=[*first.proposals, *extra],
        left_over=[x for x in first.left_over if x.parent_id not in paired],
    )


def _relaxations(pool: Pool, u: int, v: int, rules: Rules) -> tuple[Reason, ...]:
    """Which of the main round's limits the pair (u, v) needs relaxed."""
    out = []
    pu, pv = pool.people[u].place, pool.people[v].place
    if pu is not None and pv is not None:
        metres = haversine_m(pu.lat, pu.lon, pv.lat, pv.lon)
        if metres > rules.max_distance_m:
            limit = int(rules.max_distance_m)
            # Rounded up to 100 m: never shown as at or under the limit.
            shown = int(ceil(metres / 100) * 100)
            out.append(Reason(ReasonKind.BEYOND_LIMIT, metres=shown, limit=limit))
    shared = pool.langs[u] & pool.langs[v]
    if shared == {rules.dutch} and not rules.allow_dutch:
        out.append(Reason(ReasonKind.ONLY_DUTCH))
    return tuple(out)
