"""Known answers on small rounds: who is paired, with what weight, why, and who is left over."""

from __future__ import annotations

import random

import pytest

from matching import (
    Availability,
    Candidate,
    Effort,
    LeftOverReason,
    MatchResult,
    Reason,
    ReasonKind,
    Weights,
    match,
)

from .helpers import (
    CENTRUM,
    PRESIKHAAF,
    PRESIKHAAF_WEST,
    SCHUYTGRAAF,
    ST_MARTEN,
    parent,
    rules,
)

FAST = Effort(exact_up_to=0, per_parent=1)  # force the large-round path on tiny rounds


def pairs(result: MatchResult) -> set[frozenset[int]]:
    return {frozenset((p.a, p.b)) for p in result.proposals}


def left(result: MatchResult) -> dict[int, LeftOverReason]:
    return {x.parent_id: x.reason for x in result.left_over}


def test_two_tigrinya_neighbours_are_paired_and_told_why() -> None:
    result = match([parent(1, "ti", waited=90), parent(2, "ti", "nl", waited=45)], rules())
    [proposal] = result.proposals
    assert (proposal.a, proposal.b, proposal.language) == (1, 2, "ti")
    # 100 language + 50 distance (0 m) + 30 age band + 30 and 15 for waiting 90 and 45 days
    assert proposal.weight == 225 == result.total_weight
    assert proposal.reasons == (
        Reason(ReasonKind.SHARED_LANGUAGE, language="ti"),
        Reason(ReasonKind.SAME_NEIGHBOURHOOD, name="Presikhaaf", metres=0),
        Reason(ReasonKind.SHARED_AGE_BAND, band="2-4"),
        Reason(ReasonKind.WAITED, days=90),
    )
    assert proposal.describe({"ti": "Tigrinya"}) == (
        "Both speak Tigrinya. Both live in Presikhaaf. Both have a child of 2-4. "
        "One of them has waited 90 days."
    )
    assert result.left_over == []


def test_explanation_names_the_distance_inside_a_neighbourhood() -> None:
    result = match([parent(1, "ti"), parent(2, "ti", place=PRESIKHAAF_WEST)], rules())
    [proposal] = result.proposals
    assert Reason(ReasonKind.SAME_NEIGHBOURHOOD, name="Presikhaaf", metres=300) in proposal.reasons
    assert proposal.describe({"ti": "Tigrinya"}) == (
        "Both speak Tigrinya. Both live in Presikhaaf (300 m apart). Both have a child of 2-4."
    )
    assert proposal.describe() == (
        "Both speak ti. Both live in Presikhaaf (300 m apart). Both have a child of 2-4."
    )


def test_nearby_neighbourhoods_within_the_limit() -> None:
    people = [
        parent(1, "pl", bands=("0-2", "4-6")),
        parent(2, "pl", place=ST_MARTEN, bands=("4-6",)),
    ]
    assert match(people, rules()).proposals == []  # 2.06 km > 2 km
    [proposal] = match(people, rules(max_distance_m=3000)).proposals
    # 100 language + round(50 * (1 - 2062 / 3000)) = 16 + 30 age band
    assert proposal.weight == 146
    assert proposal.reasons[1:] == (
        Reason(ReasonKind.NEARBY, name="Presikhaaf", other_name=ST_MARTEN.name, metres=2100),
        Reason(ReasonKind.SHARED_AGE_BAND, band="4-6"),
    )
    assert "They live 2.1 km apart (Presikhaaf and Sint Marten en Sonsbeek-Zuid)." in (
        proposal.describe()
    )
    assert proposal.reasons[1].params() == {
        "name": "Presikhaaf",
        "other_name": ST_MARTEN.name,
        "metres": 2100,
    }


def test_maximum_weight_not_greedy() -> None:
    # 1-2 is the heaviest pair (Arabic, same ages: 180), but 1-3 (Turkish, 150) and 2-4
    # (Arabic, 150) together weigh more, and 3 and 4 share nothing.
    people = [
        parent(1, "ar", "tr"),
        parent(2, "ar"),
        parent(3, "tr", bands=("0-2",)),
        parent(4, "ar", bands=("0-2",)),
    ]
    for effort in (None, FAST, Effort(exact_up_to=0, use_rustworkx=False, per_parent=1)):
        result = match(people, rules(), effort=effort)
        assert pairs(result) == {frozenset({1, 3}), frozenset({2, 4})}
        assert result.total_weight == 300


def test_dutch_counts_only_when_the_community_allows_it() -> None:
    people = [parent(1, "nl"), parent(2, "nl", "en", place=CENTRUM)]
    assert left(match(people, rules(max_distance_m=3000))) == {
        1: LeftOverReason.NO_LANGUAGE_NEARBY,
        2: LeftOverReason.NO_LANGUAGE_NEARBY,
    }
    [proposal] = match(people, rules(max_distance_m=3000, allow_dutch=True)).proposals
    assert proposal.language == "nl"
    assert proposal.reasons[0] == Reason(ReasonKind.SHARED_LANGUAGE, language="nl")
    assert proposal.weight == 40 + round(50 * (1 - 2836 / 3000)) + 30


def test_a_shared_home_language_beats_shared_dutch() -> None:
    people = [parent(1, "ar", "nl"), parent(2, "nl", "ar"), parent(3, "nl")]
    result = match(people, rules(allow_dutch=True))
    [proposal] = result.proposals
    assert (proposal.a, proposal.b, proposal.language) == (1, 2, "ar")
    assert [r.language for r in proposal.reasons if r.kind is ReasonKind.SHARED_LANGUAGE] == ["ar"]
    assert left(result) == {3: LeftOverReason.MATCHED_BETTER_ELSEWHERE}


def test_too_far_apart_is_no_language_nearby() -> None:
    result = match([parent(1, "so"), parent(2, "so", place=SCHUYTGRAAF)], rules())
    assert result.proposals == []
    assert left(result) == {
        1: LeftOverReason.NO_LANGUAGE_NEARBY,
        2: LeftOverReason.NO_LANGUAGE_NEARBY,
    }


def test_pairs_to_avoid_get_no_edge() -> None:
    people = [parent(1, "uk"), parent(2, "uk"), parent(3, "uk", bands=("6-12",))]
    result = match(people, rules(), avoid=[frozenset({1, 2})])
    assert pairs(result) in ({frozenset({1, 3})}, {frozenset({2, 3})})
    only = match(people[:2], rules(), avoid=[frozenset({2, 1})])
    assert left(only) == {1: LeftOverReason.ONLY_PAST_PAIRS, 2: LeftOverReason.ONLY_PAST_PAIRS}


@pytest.mark.parametrize(
    "availability",
    [Availability.OPTED_OUT, Availability.PAUSED, Availability.WAITING_FOR_APPROVAL],
)
def test_unavailable_parents_are_left_over_with_their_availability(
    availability: Availability,
) -> None:
    people = [parent(1, "tr", availability=availability), parent(2, "tr"), parent(3, "tr")]
    result = match(people, rules())
    assert pairs(result) == {frozenset({2, 3})}
    assert left(result) == {1: LeftOverReason(availability.value)}


def test_parents_without_a_place() -> None:
    people = [parent(1, "ar", place=None), parent(2, "ar", place=SCHUYTGRAAF)]
    assert left(match(people, rules())) == {
        1: LeftOverReason.NO_PLACE,
        2: LeftOverReason.NO_LANGUAGE_NEARBY,
    }
    [proposal] = match(people, rules(allow_unknown_place=True)).proposals
    assert proposal.weight == 100 + 0 + 30  # no distance points when the distance is unknown
    assert Reason(ReasonKind.PLACE_UNKNOWN) in proposal.reasons
    assert "One of them gave no postcode." in proposal.describe()


def test_the_odd_one_out_is_the_one_who_waited_least() -> None:
    people = [parent(1, "rif", waited=60), parent(2, "rif"), parent(3, "rif", waited=30)]
    result = match(people, rules())
    assert pairs(result) == {frozenset({1, 3})}
    assert left(result) == {2: LeftOverReason.MATCHED_BETTER_ELSEWHERE}
    assert result.proposals[0].weight == 180 + 20 + 10


def test_waiting_points_stop_growing_after_full_wait_days() -> None:
    weights = Weights(waiting=30, full_wait_days=90)
    long = match([parent(1, "ti", waited=400), parent(2, "ti")], rules(weights=weights))
    assert long.total_weight == 180 + 30
    assert long.proposals[0].reasons[-1] == Reason(ReasonKind.WAITED, days=400)


def test_same_input_in_any_order_gives_the_same_result() -> None:
    rng = random.Random(7)
    places = [PRESIKHAAF, ST_MARTEN, CENTRUM]
    people = [
        parent(
            i,
            rng.choice(["ar", "tr", "nl"]),
            place=rng.choice(places),
            bands=(rng.choice(["0-2", "2-4"]),),
            waited=rng.randint(0, 50),
        )
        for i in range(1, 40)
    ]
    round_rules = rules(max_distance_m=2500, allow_dutch=True)
    for effort in (None, FAST, Effort(exact_up_to=0, part_size=8)):
        first = match(people, round_rules, effort=effort)
        assert first.proposals
        for _ in range(3):
            rng.shuffle(people)
            assert match(people, round_rules, effort=effort) == first


def test_every_candidate_is_accounted_for_once() -> None:
    people = [parent(i, "ar" if i % 3 else "so", waited=i) for i in range(1, 12)]
    people.append(parent(99, "ar", availability=Availability.PAUSED))
    result = match(people, rules())
    seen = [x for p in result.proposals for x in (p.a, p.b)] + [
        x.parent_id for x in result.left_over
    ]
    assert sorted(seen) == sorted(c.parent_id for c in people)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        match([parent(1, "ar"), parent(1, "tr")], rules())
    with pytest.raises(TypeError):
        Candidate(1, "ar")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Weights(shared_language=0)
    assert match([], rules()) == MatchResult([], [])


def test_reasons_are_plain_data_for_the_catalogs() -> None:
    reason = Reason("shared_language", language="ti")  # type: ignore[arg-type]
    assert reason == Reason(ReasonKind.SHARED_LANGUAGE, language="ti")
    assert reason.kind is ReasonKind.SHARED_LANGUAGE and reason.params() == {"language": "ti"}
    assert Reason(ReasonKind.WAITED, days=30).params() == {"days": 30}
    with pytest.raises(ValueError):
        Reason("charm")  # type: ignore[arg-type]
