"""Cities for the matcher benchmark: several kinds, so that no figure depends on one city.

Every kind is a `Kind`: how far apart its neighbourhoods are, how many there are, its language
mix, how strongly each language clusters around a few neighbourhoods, how many postcode-area
points a neighbourhood has, and the community's rules (the distance limit, whether Dutch
counts). `city(kind, parents, seed)` makes an `Instance` with parents who have one or two home
languages, one to three children in age bands, waiting times, some paused, opted out or
waiting for approval, and some pairs to avoid (people who live close and share a language).

- `arnhem`: the city the matcher was tuned on; neighbourhoods 1.2 km apart, nine languages,
  Dutch counts, 2 km limit.
- `port`: a sparse port city along a river (Rotterdam's language mix), neighbourhoods 2.2 km
  apart, Dutch does not count, 3 km limit.
- `few_languages`: a dense town of Dutch, Arabic and Turkish speakers, Dutch counts.
- `many_languages`: thirty languages of very different sizes, Dutch does not count.
- `one_point`: few, large neighbourhoods where every parent has the neighbourhood centre
  (hundreds of parents on one point), Dutch counts.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from config.programme import AGE_BANDS
from matching import Availability, Candidate, Place, Rules

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
# Second home languages that go together often (Moroccan parents speak Tamazight and Arabic,
# Eritrean parents often Arabic besides Tigrinya).
SECOND = {"rif": ("ar", 0.5), "ar": ("rif", 0.15), "ti": ("ar", 0.2), "so": ("ar", 0.15)}
ARNHEM_MIX = {
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
# Rotterdam: more Turkish, Moroccan, Antillean (Papiamento), Cape Verdean and Surinamese
# families, and labour migrants from Poland and Bulgaria.
PORT_MIX = {
    "nl": 0.30,
    "tr": 0.12,
    "ar": 0.08,
    "rif": 0.08,
    "pap": 0.06,
    "kea": 0.04,
    "srn": 0.03,
    "pl": 0.07,
    "bg": 0.04,
    "en": 0.08,
    "uk": 0.04,
    "so": 0.03,
    "ti": 0.02,
    "es": 0.01,
}
MANY = [
    "ar",
    "tr",
    "rif",
    "en",
    "pl",
    "uk",
    "ti",
    "so",
    "fa",
    "ku",
    "pap",
    "bg",
    "ro",
    "es",
    "pt",
    "fr",
    "de",
    "it",
    "zh",
    "vi",
    "hi",
    "ur",
    "ps",
    "am",
    "sw",
    "yo",
    "ru",
    "hu",
    "ta",
]
MANY_MIX = {"nl": 0.25} | {code: 0.75 / (i + 2) ** 0.9 for i, code in enumerate(MANY)}


@dataclass(frozen=True)
class Kind:
    name: str
    spacing_m: float  # between neighbouring neighbourhood centres
    hoods_per_sqrt: float  # neighbourhoods = this x sqrt(parents), at least min_hoods
    min_hoods: int
    mix: dict[str, float]
    allow_dutch: bool
    max_distance_m: float
    points_per_hood: int = 1  # postcode-area points around a neighbourhood centre
    clustering: float = 3.0  # how strongly a language gathers around its neighbourhoods
    stretch: float = 1.0  # width / height of the city (a port city lies along its river)
    max_hoods: int = 10_000


KINDS = {
    k.name: k
    for k in (
        Kind("arnhem", 1_200, 0.8, 16, ARNHEM_MIX, True, 2_000),
        Kind("port", 2_200, 0.5, 12, PORT_MIX, False, 3_000, points_per_hood=3, stretch=3.0),
        Kind("few_languages", 1_000, 0.8, 16, {"nl": 0.6, "ar": 0.2, "tr": 0.2}, True, 2_000),
        Kind("many_languages", 1_300, 0.8, 16, MANY_MIX, False, 2_000, clustering=5.0),
        Kind("one_point", 1_500, 0.15, 4, ARNHEM_MIX, True, 2_000, max_hoods=60),
    )
}


@dataclass
class Instance:
    name: str
    candidates: list[Candidate]
    rules: Rules
    avoid: list[frozenset[int]]
    neighbourhoods: int


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_195.0, lon + east_m / (111_195.0 * math.cos(math.radians(lat)))


def _neighbourhoods(
    kind: Kind, count: int, rng: random.Random, centre: tuple[float, float], prefix: str
) -> list[tuple[list[Place], float, float]]:
    """Neighbourhoods on a jittered hexagonal grid, filled from the centre outwards (stretched
    east-west), each with its points: the centre and possibly some postcode-area points."""
    spots = []
    rings = int(math.sqrt(count * kind.stretch)) + 3
    for row in range(-rings, rings + 1):
        for col in range(-rings * 2, rings * 2 + 1):
            x = (col + 0.5 * (row % 2)) * kind.spacing_m
            y = row * kind.spacing_m * math.sqrt(3) / 2
            spots.append((math.hypot(x / kind.stretch, y), x, y))
    spots.sort()
    hoods = []
    for i, (_, x, y) in enumerate(spots[:count]):
        jitter = kind.spacing_m / 6
        x, y = x + rng.gauss(0, jitter), y + rng.gauss(0, jitter)
        name = f"{prefix}{i + 1}"
        points = []
        for p in range(kind.points_per_hood):
            dx, dy = (0.0, 0.0) if p == 0 else (rng.gauss(0, 400), rng.gauss(0, 400))
            lat, lon = _offset(*centre, y + dy, x + dx)
            points.append(Place(name, round(lat, 5), round(lon, 5)))
        hoods.append((points, x, y))
    return hoods


def city(
    kind: Kind | str,
    parents: int,
    seed: int,
    *,
    centre: tuple[float, float] = (51.9851, 5.8987),
    first_id: int = 1,
    prefix: str = "Wijk ",
) -> Instance:
    kind = KINDS[kind] if isinstance(kind, str) else kind
    rng = random.Random(f"{kind.name}:{parents}:{seed}")
    count = min(
        kind.max_hoods, max(kind.min_hoods, round(kind.hoods_per_sqrt * math.sqrt(parents)))
    )
    hoods = _neighbourhoods(kind, count, rng, centre, prefix)
    size = [rng.lognormvariate(0, 0.5) for _ in hoods]
    langs = list(kind.mix)
    # Each language but Dutch lives mostly around two or three neighbourhoods; English speakers
    # around the centre.
    mixes = [[0.0] * len(langs) for _ in hoods]
    scale = 2.5 * kind.spacing_m
    for j, lang in enumerate(langs):
        hot = [0] if lang == "en" else rng.sample(range(count), min(count, rng.randint(2, 3)))
        for h, (_, x, y) in enumerate(hoods):
            near = sum(
                math.exp(-((x - hoods[k][1]) ** 2 + (y - hoods[k][2]) ** 2) / scale**2) for k in hot
            )
            mixes[h][j] = kind.mix[lang] * (1.0 if lang == "nl" else 0.25 + kind.clustering * near)
        # Scale each language so that the city-wide shares stay as in the mix.
        total = sum(size[h] * mixes[h][j] for h in range(count)) / sum(size)
        for h in range(count):
            mixes[h][j] *= kind.mix[lang] / total

    candidates, hood_of, by_hood_lang = [], [], {}
    for pid in range(first_id, first_id + parents):
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
        place = None if rng.random() < 0.04 else rng.choice(hoods[h][0])
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
    avoid = set()
    for c in candidates:
        if rng.random() < 0.03:
            h = hood_of[c.parent_id - first_id]
            group = [
                p for lang in sorted(c.home_languages) for p in by_hood_lang.get((h, lang), [])
            ]
            other = rng.choice(group)
            if other != c.parent_id:
                avoid.add(frozenset((c.parent_id, other)))
    rules = Rules(now=NOW, max_distance_m=kind.max_distance_m, allow_dutch=kind.allow_dutch)
    return Instance(kind.name, candidates, rules, sorted(avoid, key=sorted), count)


# Municipalities of a region: far enough apart that no pair crosses from one to the next.
REGION = ("arnhem", "port", "few_languages", "many_languages", "one_point")


def region(parents: int, seed: int) -> Instance:
    """Several municipalities in one round (every kind once, in turn), 40 km apart, with one
    community's rules: those of the first (Dutch counts, 2 km limit)."""
    per_city = parents // len(REGION)
    candidates: list[Candidate] = []
    avoid: list[frozenset[int]] = []
    hoods = 0
    for i, name in enumerate(REGION):
        size = per_city if i < len(REGION) - 1 else parents - per_city * (len(REGION) - 1)
        centre = _offset(51.9851, 5.8987, 0, 40_000 * i)
        part = city(
            name, size, seed, centre=centre, first_id=len(candidates) + 1, prefix=f"{name} "
        )
        candidates += part.candidates
        avoid += part.avoid
        hoods += part.neighbourhoods
    rules = Rules(now=NOW, max_distance_m=2_000, allow_dutch=True)
    return Instance("region", candidates, rules, avoid, hoods)
