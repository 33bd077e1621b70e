"""The second pass: among the parents the main round left over, the best pairs under the wider
limits a community allows, as a separate group with the reasons that make it weaker. Never an
avoided pair, never a parent twice, never a parent the main round paired."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Candidate, Effort, LeftOverReason, ReasonKind, Rules, eligible_graph, match
from matching.geo import haversine_m

from .helpers import CENTRUM, PRESIKHAAF, SCHUYTGRAAF, parent, rules
from .test_properties import rounds

WIDER = rules(max_distance_m=10_000, allow_dutch=True)


def test_two_tigrinya_parents_too_far_apart_are_a_weaker_second_pass_pair() -> None:
    people = [
        parent(1, "ti", place=PRESIKHAAF),
        parent(2, "ti", place=SCHUYTGRAAF, waited=40),
        parent(3, "ar", place=PRESIKHAAF),
        parent(4, "ar", place=PRESIKHAAF),
    ]
    first = match(people, rules())
    assert [(p.a, p.b) for p in first.proposals] == [(3, 4)]
    result = match(people, rules(), relaxed=WIDER)
    assert [(p.a, p.b, p.second_pass) for p in result.proposals] == [(3, 4, False), (1, 2, True)]
    weaker = result.second_pass[0]
    metres = haversine_m(PRESIKHAAF.lat, PRESIKHAAF.lon, SCHUYTGRAAF.lat, SCHUYTGRAAF.lon)
    beyond = weaker.reasons[0]
    assert beyond.kind is ReasonKind.BEYOND_LIMIT and beyond.limit == 2000
    assert metres <= beyond.metres < metres + 100  # type: ignore[operator]
    assert weaker.reasons[1].kind is ReasonKind.SHARED_LANGUAGE and weaker.language == "ti"
    assert "more than the usual 2.0 km" in weaker.describe()
    assert result.left_over == [] and result.total_weight == first.total_weight


def test_parents_who_share_only_dutch_are_paired_when_the_second_pass_counts_dutch() -> None:
    people = [parent(1, "nl", "ar"), parent(2, "nl", "tr"), parent(3, "tr", place=SCHUYTGRAAF)]
    result = match(people, rules(), relaxed=rules(allow_dutch=True))
    [weaker] = result.proposals
    assert (weaker.a, weaker.b, weaker.language, weaker.second_pass) == (1, 2, "nl", True)
    assert weaker.reasons[0].kind is ReasonKind.ONLY_DUTCH
    assert [(x.parent_id, x.reason) for x in result.left_over] == [
        (3, LeftOverReason.NO_LANGUAGE_NEARBY)
    ]


def test_the_second_pass_never_proposes_an_avoided_pair() -> None:
    people = [parent(1, "ti", place=PRESIKHAAF), parent(2, "ti", place=SCHUYTGRAAF)]
    result = match(people, rules(), relaxed=WIDER, avoid=[frozenset({1, 2})])
    assert result.proposals == []
    # The reason stays the main round's: nobody within the usual limit.
    assert {x.reason for x in result.left_over} == {LeftOverReason.NO_LANGUAGE_NEARBY}


def test_nothing_wider_no_second_pass_and_a_stricter_one_is_refused() -> None:
    people = [parent(1, "ti", place=PRESIKHAAF), parent(2, "ti", place=SCHUYTGRAAF)]
    assert match(people, rules(), relaxed=rules()) == match(people, rules())
    with pytest.raises(ValueError, match="only widen"):
        match(people, rules(max_distance_m=3000), relaxed=rules(max_distance_m=2000))
    with pytest.raises(ValueError, match="only widen"):
        match(people, rules(allow_dutch=True), relaxed=rules(max_distance_m=5000))


def test_parents_who_chose_to_wait_or_gave_no_place_are_not_in_the_second_pass() -> None:
    people = [
        parent(1, "ti", place=PRESIKHAAF),
        parent(2, "ti", place=CENTRUM, availability="paused"),  # type: ignore[arg-type]
        parent(3, "ti", place=None),
    ]
    result = match(people, rules(), relaxed=WIDER)
    assert result.proposals == []
    reasons = {x.parent_id: x.reason for x in result.left_over}
    assert reasons == {
        1: LeftOverReason.NO_LANGUAGE_NEARBY,
        2: LeftOverReason.PAUSED,
        3: LeftOverReason.NO_PLACE,
    }


@settings(max_examples=150, deadline=None)
@given(rounds(), st.sampled_from([2_000.0, 5_000.0, 10_000.0]), st.booleans(), st.booleans())
def test_second_pass_never_an_avoided_pair_never_a_parent_twice_always_a_reason(
    data: tuple[list[Candidate], Rules, list[frozenset[int]]],
    distance: float,
    dutch: bool,
    fast: bool,
) -> None:
    people, main, avoid = data
    relaxed = replace(
        main,
        max_distance_m=max(main.max_distance_m, distance),
        allow_dutch=main.allow_dutch or dutch,
    )
    effort = Effort(exact_up_to=0, per_parent=2, part_size=4) if fast else None
    first = match(people, main, avoid=avoid, effort=effort)
    result = match(people, main, avoid=avoid, effort=effort, relaxed=relaxed)
    # The main round is untouched; the second pass comes after it.
    assert [p for p in result.proposals if not p.second_pass] == first.proposals
    ids = [pid for p in result.proposals for pid in (p.a, p.b)]
    assert len(ids) == len(set(ids))
    left = {x.parent_id for x in result.left_over}
    assert left.isdisjoint(ids) and left | set(ids) == {c.parent_id for c in people}
    allowed = eligible_graph(people, relaxed, avoid=avoid)
    strict = eligible_graph(people, main, avoid=avoid)
    for p in result.second_pass:
        assert frozenset((p.a, p.b)) not in {frozenset(x) for x in avoid}
        assert allowed.has_edge(p.a, p.b) and allowed[p.a][p.b]["weight"] == p.weight
        assert not strict.has_edge(p.a, p.b)  # it needed a wider limit...
        kinds = {r.kind for r in p.reasons}
        # ...and says which one.
        assert kinds & {ReasonKind.BEYOND_LIMIT, ReasonKind.ONLY_DUTCH}
    # Nobody left over could still have been paired under the wider limits.
    free = [c.parent_id for c in people if c.parent_id in left]
    for i, a in enumerate(free):
        for b in free[i + 1 :]:
            assert not allowed.has_edge(a, b)
