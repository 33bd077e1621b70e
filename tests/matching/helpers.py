"""Small builders for matcher tests: places in Arnhem and parents with sensible defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matching import Availability, Candidate, Place, Rules

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)

# Real neighbourhood centres (config/demo/arnhem.toml), a few hundred metres to a few km apart.
PRESIKHAAF = Place("Presikhaaf", 51.9906, 5.9480)
PRESIKHAAF_WEST = Place("Presikhaaf", 51.9900, 5.9437)  # a postcode-area centre, ~300 m west
ST_MARTEN = Place("Sint Marten en Sonsbeek-Zuid", 51.9890, 5.9180)
CENTRUM = Place("Centrum", 51.9812, 5.9095)
SCHUYTGRAAF = Place("Schuytgraaf", 51.9490, 5.8540)  # south of the Rhine, far from the rest


def parent(
    pid: int,
    *languages: str,
    place: Place | None = PRESIKHAAF,
    bands: tuple[str, ...] = ("2-4",),
    waited: int = 0,
    availability: Availability = Availability.AVAILABLE,
) -> Candidate:
    return Candidate(
        pid,
        frozenset(languages),
        frozenset(bands),
        place,
        NOW - timedelta(days=waited),
        availability,
    )


def rules(**kwargs: object) -> Rules:
    return Rules(now=NOW, **kwargs)  # type: ignore[arg-type]
