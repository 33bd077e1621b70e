"""Proven upper bounds on the weight of any matching of a round, for the benchmark: where no
exact reference runs, the matcher's share of a bound is a guaranteed lower limit of its share
of the optimum.

Both are feasible solutions of the dual of the matching LP: potentials y >= 0 with
y[a] + y[b] >= w for every allowed pair; any matching weighs at most sum(y).

- `upper_bound(pairs, waiting)` reads every allowed pair: tight, but a city of 20,000 parents
  that all share Dutch has tens of millions.
- `bucket_bound(candidates, rules, avoid)` reads the matcher's buckets (parents alike in
  language, point and age band) instead: a bound per bucket, never per pair, so it runs in
  seconds at 100,000 parents; a little looser.
- `component_bound(candidates, rules, avoid)`: the pair bound for each group of parents that no
  allowed pair joins (a region's municipalities), the bucket bound for a group with too many
  pairs.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from matching import Candidate, Rules
from matching.graph import available, eligible_pairs
from matching.pool import Pool


def upper_bound(pairs: list[tuple[int, int, int]], waiting: dict[int, int]) -> int:
    """Start from y = waiting points + half the parent's best pair points (feasible, as a pair
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


def bucket_bound(
    candidates: Sequence[Candidate], rules: Rules, avoid: Collection[frozenset[int]] = ()
) -> int:
    """The same dual, with pairs taken a bucket at a time. With z = y - waiting points, a pair
    (u, v) needs z[u] + z[v] >= its pair points. For u and a bucket of v's, the pair points are
    at most the bucket's value plus what it may add (a shared age band outside an age-band
    bucket, another shared language in a Dutch bucket), and z[v] is at least the lowest z of
    the bucket, kept as z only ever goes down. Avoided pairs are counted as allowed (a looser,
    still valid bound)."""
    pool = Pool(available(candidates, rules), rules)
    w = rules.weights
    extra_language = w.shared_language - w.shared_dutch

    def most(u: int) -> list[tuple[int, int]]:
        """(points a member of the bucket may earn at most, bucket id) for each bucket of u."""
        out = []
        for value, (members, _), by_band, dutch in pool.classes(u):
            if len(members) == 1 and members[0] == u:
                continue
            top = value + (0 if by_band or not pool.bands[u] else w.shared_age_band)
            if dutch and len(pool.links[u]) > 1:
                top += extra_language
            out.append((top, id(members)))
        return out

    buckets = [most(u) for u in range(pool.n)]
    z = [max((top for top, _ in b), default=0) / 2 for b in buckets]
    lowest: dict[int, float] = {}
    for u, b in enumerate(buckets):
        for _, key in b:
            lowest[key] = min(lowest.get(key, math.inf), z[u])
    # Every bucket's members are known from the pool: start from the lowest initial z of its
    # members (each member's own entries above cover only the buckets it can find partners in).
    for members, _ in list(pool.buckets.values()) + list(pool.band_buckets.values()):
        key = id(members)
        lowest[key] = min([lowest.get(key, math.inf)] + [z[v] for v in members])
    total = 0.0
    for u, b in enumerate(buckets):
        if b:
            need = max(top - lowest[key] for top, key in b)
            z[u] = max(-pool.wait_pts[u], min(z[u], need))
            for bucket in _buckets_of(pool, u):
                lowest[bucket] = min(lowest[bucket], z[u])
        total += max(0.0, pool.wait_pts[u] + z[u]) if b else 0.0
    return math.ceil(total)


def _buckets_of(pool: Pool, u: int) -> list[int]:
    """The ids of the buckets u is a member of."""
    out = []
    for lang in pool.links[u]:
        bucket = pool.buckets.get((lang, pool.place[u]))
        if bucket is not None:
            out.append(id(bucket[0]))
        for band in pool.bands[u]:
            bucket = pool.band_buckets.get((lang, pool.place[u], band))
            if bucket is not None:
                out.append(id(bucket[0]))
    return out


def component_bound(
    candidates: Sequence[Candidate],
    rules: Rules,
    avoid: Collection[frozenset[int]] = (),
    pair_limit: int = 8_000_000,
) -> int:
    """The sum of a bound per group of parents that no allowed pair joins (places linked by the
    distance limit, e.g. the municipalities of a region): the pair bound for a group with at
    most `pair_limit` allowed pairs, else the bucket bound. Tighter than one bucket bound for
    a round of 100,000, and still a bound: a matching is a union of matchings of the groups."""
    pool = Pool(available(candidates, rules), rules)
    if rules.allow_unknown_place:  # a parent without a place may pair with anyone
        return bucket_bound(candidates, rules, avoid)
    root = list(range(len(pool.places)))

    def find(p: int) -> int:
        while root[p] != p:
            root[p] = root[root[p]]
            p = root[p]
        return p

    for p, near in pool.near.items():
        for q in near:
            root[find(p)] = find(q)
    groups: dict[int, list[Candidate]] = {}
    for u, person in enumerate(pool.people):
        groups.setdefault(find(pool.place[u]), []).append(person)
    waiting = dict(zip(pool.ids, pool.wait_pts, strict=True))
    total = 0
    for group in groups.values():
        ids = {c.parent_id for c in group}
        group_avoid = [pair for pair in avoid if pair <= ids]
        pairs = []
        for pair in eligible_pairs(group, rules, avoid=group_avoid):
            pairs.append(pair)
            if len(pairs) > pair_limit:
                break
        if len(pairs) > pair_limit:
            pairs.clear()
            total += bucket_bound(group, rules, group_avoid)
        elif pairs:
            total += upper_bound(pairs, waiting)
    return total
