"""Buddy matcher benchmark: speed and quality of `matching.match` against an exact reference.

Generates a realistic community: a city of neighbourhoods about 1.2 km apart, a language mix
like Arnhem's or Amsterdam's (Dutch, Arabic, Turkish, Tamazight, Polish, Ukrainian, Tigrinya,
Somali, English), each language clustered around a few neighbourhoods the way people really
live, many parents with two home languages, one to three children in age bands, waiting times,
some parents paused, opted out or waiting for approval, some pairs to avoid. Dutch counts as a
link (the densest case); the distance limit is 2 km.

For each instance it prints the matcher's time, total weight and pairs side by side with an
exact reference on the same instance: networkx's `max_weight_matching` on the full graph where
that finishes in a few minutes (up to `--nx-up-to` parents: about 20 s at 1,000), else
rustworkx's exact `max_weight_matching` (up to `--rustworkx-up-to`: about a minute at 5,000; at
20,000 it did not finish in 20 minutes). Every instance also gets a proven upper bound on the
optimum (a feasible dual of the matching LP, see `upper_bound`), so where no exact reference
runs, the share of the bound is a guaranteed lower limit of the share of the optimum.
Figures, not pass/fail: it exits 0.

    python -m bench.matcher                        # 1,000, 5,000 and 20,000 parents
    python -m bench.matcher --parents 5000 --seed 3 --json
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import networkx as nx

from matching import Availability, Candidate, Place, Rules, eligible_graph, eligible_pairs, match
from matching.solver import has_rustworkx

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
CITY_CENTRE = (51.9851, 5.8987)  # Arnhem
SPACING_M = 1_200
AGE_BANDS = ("0-2", "2-4", "4-6", "6-12")
# Share of buddy-seeking parents by first home language: roughly the mix of young families
# with a migration background in Arnhem and Amsterdam, who ask for a buddy more often.
LANGUAGE_MIX = {
    "nl": 0.34,
    "ar": 0.12,
    "tr": 0.11,
    "rif": 0.09,
    "en": 0.11,
    "pl": 0.07,
    "uk": 0.07,
    "ti": 0.05,
    "so": 0.04,
}
# Second home languages that go together often (Moroccan parents speak Tamazight and Arabic,
# Eritrean parents often Arabic besides Tigrinya).
SECOND = {"rif": ("ar", 0.5), "ar": ("rif", 0.15), "ti": ("ar", 0.2), "so": ("ar", 0.15)}
NAMES = {
    "nl": "Dutch",
    "ar": "Arabic",
    "tr": "Turkish",
    "rif": "Tamazight",
    "en": "English",
    "pl": "Polish",
    "uk": "Ukrainian",
    "ti": "Tigrinya",
    "so": "Somali",
}


@dataclass
class Instance:
    candidates: list[Candidate]
    rules: Rules
    avoid: list[frozenset[int]]
    neighbourhoods: int


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_195.0, lon + east_m / (111_195.0 * math.cos(math.radians(lat)))


def community(parents: int, seed: int) -> Instance:
    rng = random.Random(seed)
    count = max(16, round(0.8 * math.sqrt(parents)))
    # Neighbourhoods on a jittered hexagonal grid, filled from the centre outwards.
    spots = []
    rings = int(math.sqrt(count)) + 3
    for row in range(-rings, rings + 1):
        for col in range(-rings, rings + 1):
            x = (col + 0.5 * (row % 2)) * SPACING_M
            y = row * SPACING_M * math.sqrt(3) / 2
            spots.append((math.hypot(x, y), x, y))
    spots.sort()
    hoods = []
    for i, (_, x, y) in enumerate(spots[:count]):
        lat, lon = _offset(*CITY_CENTRE, y + rng.gauss(0, 200), x + rng.gauss(0, 200))
        hoods.append((Place(f"Wijk {i + 1}", round(lat, 5), round(lon, 5)), x, y))
    size = [rng.lognormvariate(0, 0.5) for _ in hoods]

    # Each language but Dutch lives mostly around two or three neighbourhoods; English speakers
    # around the centre.
    affinity: dict[str, list[float]] = {}
    for lang in LANGUAGE_MIX:
        if lang == "nl":
            affinity[lang] = [1.0] * count
            continue
        hot = [0] if lang == "en" else rng.sample(range(count), min(count, rng.randint(2, 3)))
        scale = 2.5 * SPACING_M
        affinity[lang] = [
            0.25
            + 3
            * sum(
                math.exp(-((x - hoods[h][1]) ** 2 + (y - hoods[h][2]) ** 2) / scale**2) for h in hot
            )
            for _, x, y in hoods
        ]
    langs = list(LANGUAGE_MIX)
    mixes = []
    for h in range(count):
        raw = [LANGUAGE_MIX[lang] * affinity[lang][h] for lang in langs]
        mixes.append(raw)
    # Scale each language so that the city-wide shares stay as in LANGUAGE_MIX.
    for j, lang in enumerate(langs):
        total = sum(size[h] * mixes[h][j] for h in range(count)) / sum(size)
        for h in range(count):
            mixes[h][j] *= LANGUAGE_MIX[lang] / total

    candidates = []
    by_hood_lang: dict[tuple[int, str], list[int]] = {}
    hood_of: list[int] = []
    for pid in range(1, parents + 1):
        h = rng.choices(range(count), weights=size)[0]
        first = rng.choices(langs, weights=mixes[h])[0]
        home = {first}
        if first != "nl" and rng.random() < 0.35:
            home.add("nl")
        if first not in ("en", "nl") and rng.random() < 0.10:
            home.add("en")
        if first == "nl" and rng.random() < 0.08:
            home.add("en")
        if first in SECOND and rng.random() < SECOND[first][1]:
            home.add(SECOND[first][0])
        children = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
        band = rng.choices(range(4), weights=(30, 35, 20, 15))[0]
        bands = {band}
        for _ in range(children - 1):
            band = min(3, band + rng.choice((0, 1, 1, 2)))
            bands.add(band)
        place = None if rng.random() < 0.04 else hoods[h][0]
        waited = min(365, int(rng.expovariate(1 / 25)))
        availability = rng.choices(list(Availability), weights=(92, 2, 3, 3))[0]
        candidates.append(
            Candidate(
                pid,
                frozenset(home),
                frozenset(AGE_BANDS[b] for b in bands),
                place,
                NOW - timedelta(days=waited, hours=rng.randint(0, 23)),
                availability,
            )
        )
        by_hood_lang.setdefault((h, first), []).append(pid)
        hood_of.append(h)
    # Some pairs were tried before or blocked: people who live close and share a language.
    avoid = set()
    for c in candidates:
        if rng.random() < 0.03:
            h = hood_of[c.parent_id - 1]
            group = [
                p for lang in sorted(c.home_languages) for p in by_hood_lang.get((h, lang), [])
            ]
            other = rng.choice(group)
            if other != c.parent_id:
                avoid.add(frozenset((c.parent_id, other)))
    rules = Rules(now=NOW, max_distance_m=2_000, allow_dutch=True)
    return Instance(candidates, rules, sorted(avoid, key=sorted), count)


def upper_bound(pairs: list[tuple[int, int, int]], waiting: dict[int, int]) -> int:
    """A proven upper bound on the weight of any matching: the objective of a feasible solution
    of the dual of the matching LP, that is potentials y >= 0 with y[a] + y[b] >= w for every
    allowed pair (any matching weighs at most sum(y)).

    Start from y = waiting points + half the parent's best pair points (feasible, as a pair
    weighs its pair points plus both parents' waiting points), then lower each y as far as its
    pairs allow, once over all parents."""
    best: dict[int, int] = {}
    adj: dict[int, list[tuple[int, int]]] = {}
    for a, b, w in pairs:
        points = w - waiting[a] - waiting[b]
        best[a] = max(best.get(a, 0), points)
        best[b] = max(best.get(b, 0), points)
        adj.setdefault(a, []).append((b, w))
        adj.setdefault(b, []).append((a, w))
    y = {u: waiting[u] + best[u] / 2 for u in best}
    for u in sorted(adj):
        y[u] = max(0.0, max(w - y[v] for v, w in adj[u]))
    return math.ceil(sum(y.values()))


def run(parents: int, seed: int, nx_up_to: int, rx_up_to: int) -> dict[str, object]:
    inst = community(parents, seed)
    wall, cpu = time.perf_counter(), time.process_time()
    result = match(inst.candidates, inst.rules, avoid=inst.avoid)
    matcher_s = time.perf_counter() - wall
    f: dict[str, object] = {
        "parents": parents,
        "seed": seed,
        "neighbourhoods": inst.neighbourhoods,
        "matcher_s": round(matcher_s, 3),
        "matcher_cpu_s": round(time.process_time() - cpu, 3),
        "matcher_weight": result.total_weight,
        "matcher_pairs": len(result.proposals),
        "left_over": len(result.left_over),
    }

    pairs = list(eligible_pairs(inst.candidates, inst.rules, avoid=inst.avoid))
    waiting = {c.parent_id: _waiting_points(c, inst.rules) for c in inst.candidates}
    bound = upper_bound(pairs, waiting)
    f["allowed_pairs"] = len(pairs)
    f["upper_bound"] = bound

    reference: int | None = None
    if parents <= nx_up_to:
        graph = eligible_graph(inst.candidates, inst.rules, avoid=inst.avoid)
        wall = time.perf_counter()
        exact = nx.max_weight_matching(graph, weight="weight")
        f["reference"] = "networkx exact"
        f["reference_s"] = round(time.perf_counter() - wall, 3)
        reference = sum(graph[u][v]["weight"] for u, v in exact)
        f["reference_pairs"] = len(exact)
    elif parents <= rx_up_to and has_rustworkx():
        import rustworkx as rx

        ids = sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs})
        index = {p: i for i, p in enumerate(ids)}
        graph_rx = rx.PyGraph()
        graph_rx.add_nodes_from(ids)
        graph_rx.add_edges_from([(index[a], index[b], w) for a, b, w in pairs])
        wall = time.perf_counter()
        exact_rx = rx.max_weight_matching(graph_rx, weight_fn=int)
        f["reference"] = "rustworkx exact"
        f["reference_s"] = round(time.perf_counter() - wall, 3)
        reference = sum(graph_rx.get_edge_data(u, v) for u, v in exact_rx)
        f["reference_pairs"] = len(exact_rx)
    else:
        f["reference"] = "upper bound"
    f["reference_weight"] = reference if reference is not None else bound
    f["share"] = round(result.total_weight / max(1, reference or bound), 5)
    f["share_of_bound"] = round(result.total_weight / max(1, bound), 5)
    if "reference_s" in f:
        f["speed_up"] = round(float(f["reference_s"]) / max(matcher_s, 1e-9), 1)  # type: ignore[arg-type]
    return f


def _waiting_points(c: Candidate, rules: Rules) -> int:
    w = rules.weights
    days = max(0, (rules.now - c.waiting_since).days) if c.waiting_since else 0
    return w.waiting * min(days, w.full_wait_days) // w.full_wait_days


def _row(f: dict[str, object]) -> str:
    def pct(x: object) -> str:
        return f"{float(x) * 100:.2f}%"  # type: ignore[arg-type]

    lines = [
        f"{f['parents']} parents, seed {f['seed']}: {f['neighbourhoods']} neighbourhoods, "
        f"{f['allowed_pairs']} allowed pairs",
        f"  matcher        {f['matcher_s']:>8.3f} s (cpu {f['matcher_cpu_s']:.3f} s)  "
        f"weight {f['matcher_weight']:>8}  pairs {f['matcher_pairs']:>5}  "
        f"left over {f['left_over']}",
    ]
    if "reference_s" in f:
        lines.append(
            f"  {f['reference']:<15}{f['reference_s']:>7.3f} s                   "
            f"weight {f['reference_weight']:>8}  pairs {f['reference_pairs']:>5}"
        )
        lines.append(
            f"  => {pct(f['share'])} of the exact optimum, {f['speed_up']}x faster; "
            f"{pct(f['share_of_bound'])} of the upper bound {f['upper_bound']}"
        )
    else:
        lines.append(
            f"  => at least {pct(f['share'])} of the optimum "
            f"(proven upper bound {f['upper_bound']}; no exact reference at this size)"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matcher", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--parents", type=int, action="append", help="default: 1000 5000 20000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON line per instance")
    parser.add_argument(
        "--nx-up-to", type=int, default=2_000, help="largest instance for the networkx reference"
    )
    parser.add_argument(
        "--rustworkx-up-to",
        type=int,
        default=5_000,
        help="largest instance for the rustworkx reference (20,000 takes well over 20 minutes)",
    )
    args = parser.parse_args(argv)
    for parents in args.parents or (1_000, 5_000, 20_000):
        figures = run(parents, args.seed, args.nx_up_to, args.rustworkx_up_to)
        print(json.dumps(figures) if args.json else _row(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
