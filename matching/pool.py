"""The parents of one round, indexed for fast pair look-ups, and the scoring of a pair.

Parents get dense indices 0..n-1 (sorted by parent id, for determinism). Buckets hold the parents
who can talk in a language and live at a place; a pair is only ever looked for in the buckets of
places within the distance limit, so nothing here is quadratic in the number of parents."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from heapq import merge
from math import cos, floor, radians
from operator import itemgetter

from .geo import haversine_m
from .profiles import Candidate, Place
from .results import Reason, ReasonKind
from .rules import Rules

UNKNOWN = -1  # place index of a parent without a place (only present when the rules allow it)

# A class of possible partners for one parent: (points every member earns at least, members in
# pool order, their ranks).
Bucket = tuple[list[int], list[int]]


def _rank(parent_id: int) -> int:
    # A stable pseudo-random order of parents, so that who is near whom in a bucket does not
    # depend on the order of the input or on how ids were handed out.
    digest = hashlib.blake2b(parent_id.to_bytes(16, "big", signed=True), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _minus_points(entry: tuple[int, object, object] | tuple[int, object, object, object]) -> int:
    return -entry[0]


def _plain_stream(
    near: list[tuple[int, int, Bucket]], dutch: bool
) -> Iterator[tuple[int, Bucket, bool, bool]]:
    for value, _, bucket in near:
        yield value, bucket, False, dutch


class Pool:
    """Available parents of one round with everything needed to score pairs quickly."""

    def __init__(
        self, people: Sequence[Candidate], rules: Rules, avoid: Collection[frozenset[int]] = ()
    ) -> None:
        self.rules = rules
        w = rules.weights
        people = sorted(people, key=lambda c: c.parent_id)
        self.people = people
        self.n = len(people)
        index = {c.parent_id: i for i, c in enumerate(people)}
        self.ids = [c.parent_id for c in people]
        self.langs = [frozenset(c.home_languages) for c in people]
        self.bands = [frozenset(c.age_bands) for c in people]
        self.rank = [_rank(c.parent_id) for c in people]
        self.wait_days = []
        for c in people:
            days = (rules.now - c.waiting_since).days if c.waiting_since else 0
            self.wait_days.append(max(0, days))
        self.wait_pts = [
            w.waiting * min(d, w.full_wait_days) // w.full_wait_days for d in self.wait_days
        ]

        # Languages a parent can be linked through: every home language but Dutch, and Dutch
        # only when the community allows it.
        dutch = rules.dutch
        self.links: list[tuple[str, ...]] = []
        for langs in self.langs:
            links = sorted(x for x in langs if x != dutch)
            if rules.allow_dutch and dutch in langs:
                links.append(dutch)
            self.links.append(tuple(links))

        places: dict[Place, int] = {}
        self.place: list[int] = []
        for c in people:
            if c.place is None:
                self.place.append(UNKNOWN)
            else:
                self.place.append(places.setdefault(c.place, len(places)))
        self.places = list(places)
        self.near = self._nearby_places()

        self.avoid: set[tuple[int, int]] = set()
        for pair in avoid:
            if len(pair) != 2:
                continue
            a, b = sorted(pair)
            if a in index and b in index:
                self.avoid.add((index[a], index[b]))

        self.taken: set[int] = set()  # paired before the solver runs: in no bucket
        self._index()
        self.all_buckets = self.buckets  # everyone, also once some are taken

    def take(self, paired: Collection[int]) -> None:
        """Leave these parents (already paired) out of every bucket."""
        self.taken |= set(paired)
        self._index()

    def _index(self) -> None:
        buckets: dict[tuple[str, int], list[int]] = {}
        band_buckets: dict[tuple[str, int, str], list[int]] = {}
        taken = self.taken
        for i in sorted(range(self.n), key=lambda i: self.rank[i]):
            if i in taken:
                continue
            for lang in self.links[i]:
                buckets.setdefault((lang, self.place[i]), []).append(i)
                for band in self.bands[i]:
                    band_buckets.setdefault((lang, self.place[i], band), []).append(i)
        self.buckets: dict[tuple[str, int], Bucket] = {
            k: (v, [self.rank[i] for i in v]) for k, v in buckets.items()
        }
        self.band_buckets: dict[tuple[str, int, str], Bucket] = {
            k: (v, [self.rank[i] for i in v]) for k, v in band_buckets.items()
        }
        # Parents of one place with the same languages and age bands share their buckets.
        self._classes: dict[
            tuple[int, tuple[str, ...], frozenset[str]], list[tuple[int, Bucket, bool, bool]]
        ]
        self._classes = {}
        self._near_cache: dict[tuple[int, str], list[tuple[int, int, Bucket]]] = {}
        self._sorted_cache: dict[tuple[int, str], list[tuple[int, int, Bucket]]] = {}

    # -- places ---------------------------------------------------------------------------------

    def proximity_points(self, metres: float) -> int:
        rules = self.rules
        if rules.max_distance_m <= 0:
            return rules.weights.proximity
        share = max(0.0, 1.0 - metres / rules.max_distance_m)
        return round(rules.weights.proximity * share)

    def _nearby_places(self) -> dict[int, dict[int, int]]:
        """For each place, the places within the limit (itself included) and their points."""
        limit = self.rules.max_distance_m
        near: dict[int, dict[int, int]] = {p: {} for p in range(len(self.places))}
        # A grid with cells at least `limit` wide: only the 3 x 3 cells around a place can hold
        # a place within the limit.
        dlat = max(limit, 1.0) / 111_000.0
        max_lat = max((abs(p.lat) for p in self.places), default=0.0)
        dlon = dlat / max(cos(radians(min(max_lat, 89.0))), 1e-6)
        cells: dict[tuple[int, int], list[int]] = {}
        for i, p in enumerate(self.places):
            cells.setdefault((floor(p.lat / dlat), floor(p.lon / dlon)), []).append(i)
        for (cy, cx), members in cells.items():
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for j in cells.get((cy + dy, cx + dx), ()):
                        pj = self.places[j]
                        for i in members:
                            pi = self.places[i]
                            metres = haversine_m(pi.lat, pi.lon, pj.lat, pj.lon)
                            if metres <= limit:
                                near[i][j] = self.proximity_points(metres)
        if self.rules.allow_unknown_place:
            # Distance unknown: allowed, but it earns no proximity points.
            near[UNKNOWN] = {q: 0 for q in range(len(self.places))}
            near[UNKNOWN][UNKNOWN] = 0
            for q in range(len(self.places)):
                near[q][UNKNOWN] = 0
        return near

    # -- pairs ----------------------------------------------------------------------------------

    def language_points(self, u: int, v: int) -> int:
        """Points for the best language u and v share, 0 when they may not be linked."""
        shared = self.langs[u] & self.langs[v]
        if not shared:
            return 0
        dutch = self.rules.dutch
        if len(shared) > 1 or dutch not in shared:
            return self.rules.weights.shared_language
        return self.rules.weights.shared_dutch if self.rules.allow_dutch else 0

    def pair_points(self, u: int, v: int, proximity: int) -> int:
        """Points of the pair without the waiting points (which belong to each parent)."""
        points = self.language_points(u, v) + proximity
        if not self.bands[u].isdisjoint(self.bands[v]):
            points += self.rules.weights.shared_age_band
        return points

    def weight(self, u: int, v: int) -> int | None:
        """Full weight of the pair, or None when a hard rule forbids it."""
        if u == v or (min(u, v), max(u, v)) in self.avoid:
            return None
        proximity = self.near.get(self.place[u], {}).get(self.place[v])
        if proximity is None:
            return None
        lang = self.language_points(u, v)
        if not lang:
            return None
        return self.pair_points(u, v, proximity) + self.wait_pts[u] + self.wait_pts[v]

    def classes(self, u: int) -> list[tuple[int, Bucket, bool, bool]]:
        """Every bucket u may find a partner in, best first, as (the points each member earns at
        least: language, distance and, for age-band buckets, the shared band; the bucket; whether
        it is an age-band bucket; whether its language is Dutch, so that a member may share
        another language too)."""
        key = (self.place[u], self.links[u], self.bands[u])
        cached = self._classes.get(key)
        if cached is not None:
            return cached
        age = self.rules.weights.shared_age_band
        bands = sorted(self.bands[u])
        out: list[tuple[int, Bucket, bool, bool]] = []
        for lang in self.links[u]:
            dutch = lang == self.rules.dutch
            for value, place, bucket in self._near_buckets(self.place[u], lang):
                for band in bands:
                    members = self.band_buckets.get((lang, place, band))
                    if members is not None:
                        out.append((value + age, members, True, dutch))
                out.append((value, bucket, False, dutch))
        out.sort(key=itemgetter(0), reverse=True)  # stable: ties keep their order
        self._classes[key] = out
        return out

    def _near_buckets(self, place_u: int, lang: str) -> list[tuple[int, int, Bucket]]:
        """(language and distance points, place, bucket) of the places near `place_u` that
        have a bucket of `lang`, in the order of `near`; shared by every parent of a place."""
        key = (place_u, lang)
        found = self._near_cache.get(key)
        if found is None:
            w = self.rules.weights
            lang_pts = w.shared_dutch if lang == self.rules.dutch else w.shared_language
            found = [
                (lang_pts + proximity, place, bucket)
                for place, proximity in self.near.get(place_u, {}).items()
                if (bucket := self.buckets.get((lang, place))) is not None
            ]
            self._near_cache[key] = found
        return found

    def _classes_lazily(self, u: int) -> Iterator[tuple[int, Bucket, bool, bool]]:
        """The buckets of `classes(u)`, best first, made only as far as they are read: a
        parent's best few buckets are nearly always enough (about one in ten is read)."""
        age = self.rules.weights.shared_age_band
        bands = sorted(self.bands[u])
        streams: list[Iterator[tuple[int, Bucket, bool, bool]]] = []
        for lang in self.links[u]:
            dutch = lang == self.rules.dutch
            near = self._sorted_near(self.place[u], lang)
            if bands:
                streams.append(self._band_stream(near, lang, bands, age, dutch))
            streams.append(_plain_stream(near, dutch))
        if len(streams) == 1:
            return streams[0]
        return merge(*streams, key=_minus_points)

    def _band_stream(
        self,
        near: list[tuple[int, int, Bucket]],
        lang: str,
        bands: list[str],
        age: int,
        dutch: bool,
    ) -> Iterator[tuple[int, Bucket, bool, bool]]:
        band_buckets = self.band_buckets
        for value, place, _ in near:
            for band in bands:
                members = band_buckets.get((lang, place, band))
                if members is not None:
                    yield value + age, members, True, dutch

    def _sorted_near(self, place_u: int, lang: str) -> list[tuple[int, int, Bucket]]:
        """`_near_buckets`, best first (ties in the order of `near`)."""
        key = (place_u, lang)
        found = self._sorted_cache.get(key)
        if found is None:
            found = sorted(self._near_buckets(place_u, lang), key=_minus_points)
            self._sorted_cache[key] = found
        return found

    def best_partners(self, u: int, k: int) -> list[tuple[int, int]]:
        """Up to k good partners of u as (pair points, v), best first, without enumerating all.

        From each bucket, best first, take the k members that follow u in the bucket's
        pseudo-random order. Members of a bucket are alike, and this way every parent links to
        different ones: the buckets become circulant graphs, which have near-perfect matchings,
        instead of everybody linking to the same few."""
        found: dict[int, int] = {}
        rank_u, bands_u = self.rank[u], self.bands[u]
        bands, avoid = self.bands, self.avoid
        language_points, age = self.language_points, self.rules.weights.shared_age_band
        extra = self.rules.weights.shared_language - self.rules.weights.shared_dutch
        only_dutch = self.rules.weights.shared_dutch
        kth = -1  # the k-th best points found so far, once there are k
        for value, (members, ranks), by_band, dutch in self._classes_lazily(u):
            if value <= kth:
                break
            start = bisect_right(ranks, rank_u)
            size = len(members)
            before = len(found)
            for step in range(min(k + 1, size)):
                v = members[(start + step) % size]
                if v == u or v in found or (avoid and ((u, v) if u < v else (v, u)) in avoid):
                    continue
                points = value
                if not by_band and not bands_u.isdisjoint(bands[v]):
                    points += age
                if dutch and language_points(u, v) > only_dutch:
                    points += extra
                found[v] = points
            if len(found) >= k and len(found) > before:
                kth = sorted(found.values(), reverse=True)[k - 1]
        best = sorted(found.items(), key=lambda item: -item[1])[:k]
        return [(points, v) for v, points in best]

    def all_partners(self, u: int) -> Iterator[int]:
        """Everyone u could be paired with under the language and distance rules (avoided pairs
        included), each once."""
        seen: set[int] = set()
        for lang in self.links[u]:
            for place in self.near.get(self.place[u], {}):
                bucket = self.all_buckets.get((lang, place))
                if bucket is None:
                    continue
                for v in bucket[0]:
                    if v != u and v not in seen and self.language_points(u, v):
                        seen.add(v)
                        yield v

    # -- explanations ---------------------------------------------------------------------------

    def shared_language(self, u: int, v: int) -> tuple[str, ...]:
        shared = self.langs[u] & self.langs[v]
        others = sorted(shared - {self.rules.dutch})
        return tuple(others) if others else (self.rules.dutch,)

    def reasons(self, u: int, v: int) -> tuple[Reason, ...]:
        reasons = [
            Reason(ReasonKind.SHARED_LANGUAGE, language=x) for x in self.shared_language(u, v)
        ]
        pu, pv = self.people[u].place, self.people[v].place
        if pu is None or pv is None:
            reasons.append(Reason(ReasonKind.PLACE_UNKNOWN))
        else:
            # Round to 100 m: finer is false precision for neighbourhood centres.
            metres = int(round(haversine_m(pu.lat, pu.lon, pv.lat, pv.lon), -2))
            if pu.name == pv.name:
                reasons.append(Reason(ReasonKind.SAME_NEIGHBOURHOOD, name=pu.name, metres=metres))
            else:
                kind = ReasonKind.NEARBY
                reasons.append(Reason(kind, name=pu.name, other_name=pv.name, metres=metres))
        for band in sorted(self.bands[u] & self.bands[v]):
            reasons.append(Reason(ReasonKind.SHARED_AGE_BAND, band=band))
        days = max(self.wait_days[u], self.wait_days[v])
        if days >= 7:  # a few days of waiting is normal, not a reason
            reasons.append(Reason(ReasonKind.WAITED, days=days))
        return tuple(reasons)
