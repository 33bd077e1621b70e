"""The large-round path on a town-sized round: close to networkx's exact optimum. (Speed is
measured in bench/matcher.py, not here.)"""

from __future__ import annotations

import random
from datetime import timedelta

import networkx as nx
import pytest

from matching import Candidate, Effort, Place, Rules, eligible_graph, match

from .helpers import NOW


def town(parents: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    places = [
        Place(f"Wijk {i}", 51.99 + 0.008 * (i // 4), 5.90 + 0.013 * (i % 4)) for i in range(12)
    ]
    languages = ["nl", "nl", "nl", "ar", "ar", "tr", "tr", "rif", "pl", "uk", "ti", "so", "en"]
    people = []
    for pid in range(1, parents + 1):
        home = {rng.choice(languages)}
        if rng.random() < 0.3:
            home.add(rng.choice(languages))
        bands = {rng.choice(["0-2", "2-4", "4-6", "6-12"]) for _ in range(rng.randint(1, 2))}
        waited = timedelta(days=rng.randint(0, 120))
        people.append(
            Candidate(pid, frozenset(home), frozenset(bands), rng.choice(places), NOW - waited)
        )
    return people


@pytest.mark.parametrize("use_rustworkx", [True, False])
def test_large_round_path_is_within_two_percent_of_the_exact_optimum_on_small_parts(
    use_rustworkx: bool,
) -> None:
    people = town(300, seed=3)
    rules = Rules(now=NOW, max_distance_m=1_500, allow_dutch=True)
    graph = eligible_graph(people, rules)
    optimum = sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph))
    effort = Effort(exact_up_to=0, per_parent=8, part_size=60, use_rustworkx=use_rustworkx)
    result = match(people, rules, effort=effort)
    assert 0.98 * optimum <= result.total_weight <= optimum
    # The sparse graph really is sparse here: the test exercises the cut-and-repair path.
    assert graph.number_of_edges() > 10 * effort.per_parent * len(people) / 2 / 4
