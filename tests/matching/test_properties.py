"""Properties on small random rounds (hypothesis): a matching, within the hard rules, exactly
as heavy as networkx's exact optimum on the same graph, deterministic, and every left-over parent
with the right reason. The fast path for large rounds is checked on the same rounds by forcing
it (Effort(exact_up_to=0)): valid always, exact when it keeps every pair in one part."""

from __future__ import annotations

from datetime import timedelta

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    Availability,
    Candidate,
    Effort,
    LeftOverReason,
    MatchResult,
    Rules,
    eligible_graph,
    match,
)
from matching.geo import haversine_m

from .helpers import CENTRUM, NOW, PRESIKHAAF, PRESIKHAAF_WEST, SCHUYTGRAAF, ST_MARTEN

PLACES = [PRESIKHAAF, PRESIKHAAF_WEST, ST_MARTEN, CENTRUM, SCHUYTGRAAF, None]
LANGUAGES = ["nl", "ar", "tr", "ti"]
BANDS = ["0-2", "2-4", "4-6", "6-12"]


@st.composite
def rounds(draw: st.DrawFn) -> tuple[list[Candidate], Rules, list[frozenset[int]]]:
    n = draw(st.integers(0, 14))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    people = []
    for pid in ids:
        people.append(
            Candidate(
                pid,
                frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2))),
                frozenset(draw(st.sets(st.sampled_from(BANDS), max_size=2))),
                draw(st.sampled_from(PLACES)),
                NOW - timedelta(days=draw(st.integers(0, 120))),
                draw(st.sampled_from([Availability.AVAILABLE] * 6 + list(Availability)[1:])),
            )
        )
    avoid = []
    if n >= 2:
        pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
        avoid = [frozenset(p) for p in draw(st.lists(pairs, max_size=4))]
    rules = Rules(
        now=NOW,
        max_distance_m=draw(st.sampled_from([0.0, 500.0, 2_000.0, 3_000.0])),
        allow_dutch=draw(st.booleans()),
        allow_unknown_place=draw(st.booleans()),
    )
    return people, rules, avoid


def allowed(a: Candidate, b: Candidate, rules: Rules, avoid: list[frozenset[int]]) -> bool:
    """The hard rules, written out again independently of the matcher."""
    if a.availability is not Availability.AVAILABLE or b.availability is not Availability.AVAILABLE:
        return False
    if frozenset((a.parent_id, b.parent_id)) in avoid:
        return False
    shared = a.home_languages & b.home_languages
    if not (shared - {"nl"} or (rules.allow_dutch and shared)):
        return False
    if a.place is None or b.place is None:
        return rules.allow_unknown_place
    metres = haversine_m(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
    return metres <= rules.max_distance_m


def check_valid(
    result: MatchResult, people: list[Candidate], rules: Rules, avoid: list[frozenset[int]]
) -> None:
    by_id = {c.parent_id: c for c in people}
    paired = [x for p in result.proposals for x in (p.a, p.b)]
    assert len(paired) == len(set(paired)), "a parent is in two pairs"
    left = [x.parent_id for x in result.left_over]
    assert sorted(paired + left) == sorted(by_id), "every parent once: paired or left over"
    graph = eligible_graph(people, rules, avoid=avoid)
    for p in result.proposals:
        assert p.a < p.b
        assert allowed(by_id[p.a], by_id[p.b], rules, avoid), "a pair breaks a hard rule"
        assert p.weight == graph[p.a][p.b]["weight"]
        assert p.reasons and p.describe()
    # No two left-over parents could have been a pair (the matching is maximal).
    free = [x for x in left if x in graph]
    for i, a in enumerate(free):
        for b in free[i + 1 :]:
            assert not graph.has_edge(a, b)


def check_reasons(
    result: MatchResult, people: list[Candidate], rules: Rules, avoid: list[frozenset[int]]
) -> None:
    by_id = {c.parent_id: c for c in people}
    for x in result.left_over:
        c = by_id[x.parent_id]
        others = [o for o in people if o is not c]
        if c.availability is not Availability.AVAILABLE:
            assert x.reason == LeftOverReason(c.availability.value)
        elif c.place is None and not rules.allow_unknown_place:
            assert x.reason is LeftOverReason.NO_PLACE
        elif any(allowed(c, o, rules, avoid) for o in others):
            assert x.reason is LeftOverReason.MATCHED_BETTER_ELSEWHERE
        elif any(allowed(c, o, rules, []) for o in others):
            assert x.reason is LeftOverReason.ONLY_PAST_PAIRS
        else:
            assert x.reason is LeftOverReason.NO_LANGUAGE_NEARBY


def exact_total(people: list[Candidate], rules: Rules, avoid: list[frozenset[int]]) -> int:
    graph = eligible_graph(people, rules, avoid=avoid)
    return sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph, weight="weight"))


@settings(max_examples=300, deadline=None)
@given(rounds())
def test_small_rounds_are_valid_optimal_and_explained(
    data: tuple[list[Candidate], Rules, list[frozenset[int]]],
) -> None:
    people, rules, avoid = data
    result = match(people, rules, avoid=avoid)
    check_valid(result, people, rules, avoid)
    check_reasons(result, people, rules, avoid)
    assert result.total_weight == exact_total(people, rules, avoid)


@settings(max_examples=100, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_same_round_in_another_order_gives_the_same_result(
    data: tuple[list[Candidate], Rules, list[frozenset[int]]], rng: object
) -> None:
    people, rules, avoid = data
    shuffled = list(people)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    turned = [frozenset(reversed(sorted(p))) for p in reversed(avoid)]
    for effort in (None, Effort(exact_up_to=0, part_size=3, per_parent=2)):
        first = match(people, rules, avoid=avoid, effort=effort)
        assert match(shuffled, rules, avoid=turned, effort=effort) == first


@settings(max_examples=200, deadline=None)
@given(
    rounds(),
    st.integers(1, 4),
    st.integers(1, 16),
    st.integers(1, 3),
    st.booleans(),
)
def test_fast_path_is_valid_and_never_beats_the_optimum(
    data: tuple[list[Candidate], Rules, list[frozenset[int]]],
    per_parent: int,
    part_size: int,
    passes: int,
    use_rustworkx: bool,
) -> None:
    people, rules, avoid = data
    effort = Effort(0, per_parent, part_size, passes, use_rustworkx)
    result = match(people, rules, avoid=avoid, effort=effort)
    check_valid(result, people, rules, avoid)
    check_reasons(result, people, rules, avoid)
    assert result.total_weight <= exact_total(people, rules, avoid)


@settings(max_examples=100, deadline=None)
@given(rounds(), st.booleans())
def test_fast_path_is_exact_when_it_keeps_every_pair_in_one_part(
    data: tuple[list[Candidate], Rules, list[frozenset[int]]], use_rustworkx: bool
) -> None:
    people, rules, avoid = data
    effort = Effort(exact_up_to=0, per_parent=20, part_size=20, use_rustworkx=use_rustworkx)
    result = match(people, rules, avoid=avoid, effort=effort)
    assert result.total_weight == exact_total(people, rules, avoid)
