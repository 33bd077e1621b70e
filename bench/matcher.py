"""Buddy matcher benchmark: speed and quality of `matching.match` against an exact reference.

Generates a realistic community: a city of neighbourhoods about 1.2 km apart, a language mix
like Arnhem's or Amsterdam's (Dutch, Arabic, Turkish, Tamazight, Polish, Ukrainian, Tigrinya,
Somali, English), each language clustered around a few neighbourhoods the way people really
live, many parents with two home languages, one to three children in age bands, waiting times,
some parents paused, opted out or waiting for approval, some pairs to avoid. Dutch counts as a
link (the densest case); the distance limit is 2 km.

For each instance it prints the matcher's time, total weight and pairs side by side with the
exact reference on the same instance: networkx's `max_weight_matching` on the full graph where
that finishes in a few minutes (up to `--nx-up-to` parents), else rustworkx's exact
`max_weight_matching` when installed; and always a proven upper bound (half the sum over
parents of their heaviest allowed pair). Figures, not pass/fail: it exits 0.

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
    # Some pairs were tried before or blocked: mostly people who live close and share a language.
    avoid = set()
    for c in candidates:
        if rng.random() < 0.03:
            group = [
                p for (h, lang), ps in by_hood_lang.items() if lang in c.home_languages for p in ps
            ]
            other = rng.choice(group)
            if other != c.parent_id:
                avoid.add(frozenset((c.parent_id, other)))
    rules = Rules(now=NOW, max_distance_m=2_000, allow_dutch=True)
    return Instance(candidates, rules, sorted(avoid, key=sorted), count)


def run(parents: int, seed: int, nx_up_to: int) -> dict[str, object]:
    inst = community(parents, seed)
    start = time.perf_counter()
    result = match(inst.candidates, inst.rules, avoid=inst.avoid)
    matcher_s = time.perf_counter() - start
    figures: dict[str, object] = {
        "parents": parents,
        "seed": seed,
        "neighbourhoods": inst.neighbourhoods,
        "matcher_s": round(matcher_s, 3),
        "matcher_weight": result.total_weight,
        "matcher_pairs": len(result.proposals),
        "left_over": len(result.left_over),
    }

    start = time.perf_counter()
    pairs = list(eligible_pairs(inst.candidates, inst.rules, avoid=inst.avoid))
    heaviest: dict[int, int] = {}
    for a, b, w in pairs:
        heaviest[a] = max(heaviest.get(a, 0), w)
        heaviest[b] = max(heaviest.get(b, 0), w)
    figures["edges"] = len(pairs)
    figures["upper_bound"] = sum(heaviest.values()) // 2
    figures["graph_s"] = round(time.perf_counter() - start, 3)

    reference = None
    if parents <= nx_up_to:
        graph = eligible_graph(inst.candidates, inst.rules, avoid=inst.avoid)
        start = time.perf_counter()
        exact = nx.max_weight_matching(graph, weight="weight")
        figures["reference"] = "networkx exact"
        figures["reference_s"] = round(time.perf_counter() - start, 3)
        reference = sum(graph[u][v]["weight"] for u, v in exact)
        figures["reference_pairs"] = len(exact)
    else:
        try:
            import rustworkx as rx
        except ImportError:
            rx = None
        if rx is not None:
            ids = sorted(heaviest)
            index = {p: i for i, p in enumerate(ids)}
            graph_rx = rx.PyGraph()
            graph_rx.add_nodes_from(ids)
            graph_rx.add_edges_from([(index[a], index[b], w) for a, b, w in pairs])
            start = time.perf_counter()
            exact_rx = rx.max_weight_matching(graph_rx, weight_fn=int)
            figures["reference"] = "rustworkx exact"
            figures["reference_s"] = round(time.perf_counter() - start, 3)
            reference = sum(graph_rx.get_edge_data(u, v) for u, v in exact_rx)
            figures["reference_pairs"] = len(exact_rx)
    if reference is not None:
        figures["reference_weight"] = reference
        figures["share"] = round(result.total_weight / reference, 5)
        figures["speed_up"] = round(float(figures["reference_s"]) / max(matcher_s, 1e-9), 1)
    else:
        figures["reference"] = "upper bound"
        figures["share"] = round(result.total_weight / max(1, int(figures["upper_bound"])), 5)
    figures["share_of_bound"] = round(result.total_weight / max(1, int(figures["upper_bound"])), 5)
    return figures


def _row(f: dict[str, object]) -> str:
    ref = f"{f['reference']}"
    if "reference_s" in f:
        ref += f" {f['reference_s']:>8.2f} s  weight {f['reference_weight']:>9}  "
        ref += f"pairs {f['reference_pairs']:>5}  -> {float(f['share']) * 100:7.3f}% of exact, "
        ref += f"{f['speed_up']}x faster"
    else:
        ref += f" {f['upper_bound']} -> at least {float(f['share']) * 100:.3f}% of the optimum"
    return (
        f"{f['parents']:>6} parents (seed {f['seed']}, {f['neighbourhoods']} neighbourhoods, "
        f"{f['edges']} allowed pairs)\n"
        f"   matcher  {f['matcher_s']:>8.3f} s  weight {f['matcher_weight']:>9}  "
        f"pairs {f['matcher_pairs']:>5}  left over {f['left_over']}\n"
        f"   {ref}\n"
        f"   upper bound {f['upper_bound']} (matcher at {float(f['share_of_bound']) * 100:.2f}%)"
    )


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
    args = parser.parse_args(argv)
    for parents in args.parents or (1_000, 5_000, 20_000):
        figures = run(parents, args.seed, args.nx_up_to)
        print(json.dumps(figures) if args.json else _row(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
