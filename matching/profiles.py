"""What the matcher is given: parents (`Candidate`), where they live (`Place`), whether they can be
matched now (`Availability`). Plain frozen dataclasses; the community layer fills them from the
database."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Availability(StrEnum):
    """Whether a parent takes part in this round. Only `AVAILABLE` parents get a proposal; the
    others are listed as left over with their availability as the reason."""

    AVAILABLE = "available"
    OPTED_OUT = "opted_out"
    PAUSED = "paused"
    WAITING_FOR_APPROVAL = "waiting_for_approval"  # already in a proposal a coordinator must judge


@dataclass(frozen=True, slots=True)
class Place:
    """A neighbourhood and the point that stands for it (its centre, or a postcode area's centre).

    Two parents with the same `name` live in the same neighbourhood; their distance is the distance
    between their points (0 m when both have the neighbourhood centre)."""

    name: str
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"place {self.name!r}: latitude/longitude out of range")


def _frozen(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):  # a lone "ar" would otherwise become {"a", "r"}
        raise TypeError("expected a collection of strings, got one string")
    return frozenset(values)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One parent, as the matcher sees them: no name, no address, no birth dates.

    `place` is None when the parent skipped the postcode; such a parent can only be matched when
    `Rules.allow_unknown_place` is set. `waiting_since` is when they asked for a buddy (None: just
    now). The sets may be given as any sets of strings; they are stored as frozensets."""

    parent_id: int
    home_languages: AbstractSet[str]
    age_bands: AbstractSet[str] = field(default_factory=frozenset)
    place: Place | None = None
    waiting_since: datetime | None = None
    availability: Availability = Availability.AVAILABLE

    def __post_init__(self) -> None:
        object.__setattr__(self, "home_languages", _frozen(self.home_languages))
        object.__setattr__(self, "age_bands", _frozen(self.age_bands))
        object.__setattr__(self, "availability", Availability(self.availability))
