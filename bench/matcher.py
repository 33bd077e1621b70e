"""Buddy matcher benchmark: speed and quality of `matching.match` against an exact reference, on
several kinds of city (bench/cities.py) and on rounds read from JSON files
(bench/instance_file.py documents the format).

For each round it prints the matcher's time, total weight and pairs beside an exact reference
on the same round: networkx's `max_weight_matching` on the full graph (up to `--nx-up-to`
parents), else rustworkx's exact `max_weight_matching` (up to `--rustworkx-up-to` parents, or
any round with at most 1.5 million allowed pairs), else a proven upper bound on the optimum
(bench/bound.py), so that the share is a guaranteed lower limit. The speed-up compares CPU time
(the machine it runs on is shared: wall times swing with other work), and the wall times are
printed beside it; the matcher's time is the fastest of 3 runs up to 5,000 parents. The last
lines give the worst share and the worst speed-up over all rounds.

`--region N` adds one round of N parents in several municipalities (every kind once, 40 km
apart): time, peak memory (of the process while the matcher ran, the round included), the
share of parents matched and the share of a bound summed over the municipalities.

    python -m bench.matcher                                  # every kind: 1,000, 5,000, 20,000
    python -m bench.matcher --city port --parents 1000 --save port.json
    python -m bench.matcher --file port.json --file other.json
    python -m bench.matcher --parents 1000 --region 100000 --json
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from collections.abc import Sequence

import networkx as nx

from matching import eligible_graph, eligible_pairs, match
from matching.solver import has_rustworkx

from .bound import bucket_bound, component_bound, upper_bound
from .cities import KINDS, Instance, city, region
from .instance_file import BadFile, dump, load

__all__ = ["main", "run", "upper_bound"]
PAIR_BOUND_UP_TO = 8_000_000  # allowed pairs: above this the bucket bound (less memory)
# Larger rounds than --rustworkx-up-to still get rustworkx's exact reference when they have at
# most this many allowed pairs (a sparse city: minutes, not hours).
RX_PAIRS_UP_TO = 1_500_000
REPEATS = 3  # runs of the matcher on rounds up to 5,000 parents; the fastest counts


def _waiting_points(instance: Instance) -> dict[int, int]:
    w, now = instance.rules.weights, instance.rules.now
    out = {}
    for c in instance.candidates:
        days = max(0, (now - c.waiting_since).days) if c.waiting_since else 0
        out[c.parent_id] = w.waiting * min(days, w.full_wait_days) // w.full_wait_days
    return out


def _timed_match(inst: Instance, repeats: int = 1) -> tuple[object, float, float]:
    """The result and the fastest wall and CPU time of `repeats` runs (a short run on a shared
    machine is easily slowed by others; the first also pays for warming up)."""
    best_wall = best_cpu = math.inf
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = match(inst.candidates, inst.rules, avoid=inst.avoid)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best_wall, best_cpu


def run(
    inst: Instance, nx_up_to: int, rx_up_to: int, rx_pairs_up_to: int = RX_PAIRS_UP_TO
) -> dict[str, object]:
    result, wall, cpu = _timed_match(inst, REPEATS if len(inst.candidates) <= 5_000 else 1)
    f: dict[str, object] = {
        "city": inst.name,
        "parents": len(inst.candidates),
        "neighbourhoods": inst.neighbourhoods,
        "matcher_s": round(wall, 3),
        "matcher_cpu_s": round(cpu, 3),
        "matcher_weight": result.total_weight,  # type: ignore[attr-defined]
        "matcher_pairs": len(result.proposals),  # type: ignore[attr-defined]
        "left_over": len(result.left_over),  # type: ignore[attr-defined]
    }
    pairs = list(eligible_pairs(inst.candidates, inst.rules, avoid=inst.avoid))
    f["allowed_pairs"] = len(pairs)
    if len(pairs) <= PAIR_BOUND_UP_TO:
        f["upper_bound"] = upper_bound(pairs, _waiting_points(inst))
    else:
        f["upper_bound"] = bucket_bound(inst.candidates, inst.rules, inst.avoid)
    reference = _reference(inst, pairs, f, nx_up_to, rx_up_to, rx_pairs_up_to)
    bound = int(f["upper_bound"])  # type: ignore[call-overload]
    f["reference_weight"] = reference if reference is not None else bound
    f["share"] = round(int(f["matcher_weight"]) / max(1, reference or bound), 5)  # type: ignore[call-overload]
    f["share_of_bound"] = round(int(f["matcher_weight"]) / max(1, bound), 5)  # type: ignore[call-overload]
    if "reference_cpu_s" in f:
        f["speed_up"] = round(float(f["reference_cpu_s"]) / max(cpu, 1e-9), 1)  # type: ignore[arg-type]
        f["speed_up_wall"] = round(float(f["reference_s"]) / max(wall, 1e-9), 1)  # type: ignore[arg-type]
    return f


def _reference(
    inst: Instance,
    pairs: list[tuple[int, int, int]],
    f: dict[str, object],
    nx_up_to: int,
    rx_up_to: int,
    rx_pairs_up_to: int = RX_PAIRS_UP_TO,
) -> int | None:
    parents = len(inst.candidates)
    wall, cpu = time.perf_counter(), time.process_time()
    if parents <= nx_up_to:
        graph = eligible_graph(inst.candidates, inst.rules, avoid=inst.avoid)
        wall, cpu = time.perf_counter(), time.process_time()
        exact = nx.max_weight_matching(graph, weight="weight")
        f["reference"] = "networkx exact"
        weight = sum(graph[u][v]["weight"] for u, v in exact)
        f["reference_pairs"] = len(exact)
    elif (parents <= rx_up_to or len(pairs) <= rx_pairs_up_to) and has_rustworkx():
        import rustworkx as rx

        ids = sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs})
        index = {p: i for i, p in enumerate(ids)}
        graph_rx = rx.PyGraph()
        graph_rx.add_nodes_from(ids)
        graph_rx.add_edges_from([(index[a], index[b], w) for a, b, w in pairs])
        wall, cpu = time.perf_counter(), time.process_time()
        exact_rx = rx.max_weight_matching(graph_rx, weight_fn=int)
        f["reference"] = "rustworkx exact"
        weight = sum(graph_rx.get_edge_data(u, v) for u, v in exact_rx)
        f["reference_pairs"] = len(exact_rx)
    else:
        f["reference"] = "upper bound"
        return None
    f["reference_s"] = round(time.perf_counter() - wall, 3)
    f["reference_cpu_s"] = round(time.process_time() - cpu, 3)
    return weight


def _reset_peak_memory() -> None:
    """Linux: start the peak resident memory afresh, so that the rounds before do not count."""
    try:
        with open("/proc/self/clear_refs", "w") as out:
            out.write("5")
    except OSError:
        pass  # elsewhere the peak of the whole process is printed


def _peak_memory_mb() -> float:
    """The peak resident memory of this process (since `_reset_peak_memory` on Linux), in MB:
    the round, the matcher and everything it held at its peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_region(parents: int, seed: int) -> dict[str, object]:
    inst = region(parents, seed)
    _reset_peak_memory()
    result, wall, cpu = _timed_match(inst)
    peak_mb = _peak_memory_mb()
    matched = 2 * len(result.proposals)  # type: ignore[attr-defined]
    seeking = len(inst.candidates)
    bound = component_bound(inst.candidates, inst.rules, inst.avoid, PAIR_BOUND_UP_TO)
    return {
        "city": "region",
        "parents": seeking,
        "neighbourhoods": inst.neighbourhoods,
        "matcher_s": round(wall, 3),
        "matcher_cpu_s": round(cpu, 3),
        "peak_memory_mb": round(peak_mb),
        "matched": matched,
        "matched_share": round(matched / max(1, seeking), 4),
        "matcher_weight": result.total_weight,  # type: ignore[attr-defined]
        "upper_bound": bound,
        "share_of_bound": round(result.total_weight / max(1, bound), 5),  # type: ignore[attr-defined]
    }


def _pct(x: object) -> str:
    return f"{float(x) * 100:.2f}%"  # type: ignore[arg-type]


def _row(f: dict[str, object]) -> str:
    head = f"{f['city']}, {f['parents']} parents: {f['neighbourhoods']} neighbourhoods" + (
        f", {f['allowed_pairs']} allowed pairs" if "allowed_pairs" in f else ""
    )
    lines = [
        head,
        f"  matcher        {f['matcher_s']:>8.3f} s (cpu {f['matcher_cpu_s']:.3f} s)  "
        f"weight {f['matcher_weight']:>8}"
        + (
            f"  pairs {f['matcher_pairs']:>5}  left over {f['left_over']}"
            if "matcher_pairs" in f
            else ""
        ),
    ]
    if "peak_memory_mb" in f:
        lines.append(
            f"  => peak memory {f['peak_memory_mb']} MB, {f['matched']} matched "
            f"({_pct(f['matched_share'])}), at least {_pct(f['share_of_bound'])} of the optimum "
            f"(proven upper bound {f['upper_bound']})"
        )
    elif "reference_s" in f:
        lines.append(
            f"  {f['reference']:<15}{f['reference_s']:>7.3f} s (cpu {f['reference_cpu_s']:.3f} s)  "
            f"weight {f['reference_weight']:>8}  pairs {f['reference_pairs']:>5}"
        )
        lines.append(
            f"  => {_pct(f['share'])} of the exact optimum, {f['speed_up']}x faster "
            f"(cpu; wall {f['speed_up_wall']}x); {_pct(f['share_of_bound'])} of the upper "
            f"bound {f['upper_bound']}"
        )
    else:
        lines.append(
            f"  => at least {_pct(f['share'])} of the optimum "
            f"(proven upper bound {f['upper_bound']}; no exact reference at this size)"
        )
    return "\n".join(lines)


def _worst(rows: list[dict[str, object]]) -> str:
    shares = [r for r in rows if "share" in r]
    lines = []
    if shares:
        low = min(shares, key=lambda r: float(r["share"]))  # type: ignore[arg-type]
        lines.append(f"worst share: {_pct(low['share'])} ({low['city']}, {low['parents']} parents)")
    fast = [r for r in rows if "speed_up" in r]
    if fast:
        slow = min(fast, key=lambda r: float(r["speed_up"]))  # type: ignore[arg-type]
        lines.append(
            f"worst speed-up against {slow['reference']}: {slow['speed_up']}x "
            f"({slow['city']}, {slow['parents']} parents)"
        )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matcher", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--parents", type=int, action="append", help="default: 1000 5000 20000")
    parser.add_argument("--city", action="append", choices=sorted(KINDS), help="default: all")
    parser.add_argument("--file", action="append", default=[], help="a round in a JSON file")
    parser.add_argument("--region", type=int, help="also one round of N parents in a region")
    parser.add_argument("--save", help="write the (one) generated round to this JSON file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON line per round")
    parser.add_argument("--nx-up-to", type=int, default=2_000, help="networkx reference size")
    parser.add_argument(
        "--rustworkx-up-to", type=int, default=5_000, help="rustworkx reference size"
    )
    parser.add_argument(
        "--rustworkx-pairs-up-to",
        type=int,
        default=RX_PAIRS_UP_TO,
        help="rustworkx reference for larger rounds with at most this many allowed pairs",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        files = [load(path) for path in args.file]
    except BadFile as exc:
        print(exc, file=sys.stderr)
        return 2
    sizes = args.parents or ([] if files or args.region else [1_000, 5_000, 20_000])
    rounds = [(kind, n) for n in sizes for kind in (args.city or list(KINDS))]
    if args.save:
        if len(rounds) != 1:
            print("--save needs exactly one --city and one --parents", file=sys.stderr)
            return 2
        with open(args.save, "w", encoding="utf-8") as out:
            json.dump(dump(city(*rounds[0], args.seed)), out)
        return 0
    rows = []

    def show(figures: dict[str, object]) -> None:
        rows.append(figures)
        print(json.dumps(figures) if args.json else _row(figures), flush=True)

    for inst in files:
        show(run(inst, args.nx_up_to, args.rustworkx_up_to, args.rustworkx_pairs_up_to))
    for kind, parents in rounds:
        inst = city(kind, parents, args.seed)
        show(run(inst, args.nx_up_to, args.rustworkx_up_to, args.rustworkx_pairs_up_to))
    if args.region:
        show(run_region(args.region, args.seed))
    if not args.json and len(rows) > 1:
        print(_worst(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
