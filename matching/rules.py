"""The community's rules for a matching round: hard limits (`Rules`) and what makes a pair good
(`Weights`). Weights are whole points so that totals are exact and solvers agree to the point."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Weights:
    """Points a pair earns. Every possible pair earns at least the language points, so a bigger
    matching of acceptable pairs usually beats a smaller one of excellent pairs."""

    shared_language: int = 100  # they share a home language other than Dutch
    shared_dutch: int = 40  # they share only Dutch (counts only when Rules.allow_dutch)
    proximity: int = 50  # at 0 m; falls linearly to 0 at Rules.max_distance_m
    shared_age_band: int = 30  # they have children in a common age band
    waiting: int = 30  # per parent, reached after `full_wait_days`; linear before that
    full_wait_days: int = 90

    def __post_init__(self) -> None:
        values = [self.shared_language, self.shared_dutch, self.proximity]
        values += [self.shared_age_band, self.waiting]
        if (
            min(values) < 0
            or self.full_wait_days <= 0
            or min(self.shared_language, self.shared_dutch) <= 0
        ):
            raise ValueError("weights must be >= 0, language points and full_wait_days > 0")


@dataclass(frozen=True, slots=True)
class Rules:
    """Hard rules of a community plus the clock.

    `now` is passed in (the matcher never reads a clock), so a round is reproducible.
    A pair needs a shared home language other than Dutch, or shared Dutch when `allow_dutch`;
    both places known and at most `max_distance_m` apart, or `allow_unknown_place` (then a pair with
    an unknown place has no distance points); and it must not be in the pairs to avoid."""

    now: datetime
    max_distance_m: float = 2_000.0
    allow_dutch: bool = False
    allow_unknown_place: bool = False
    dutch: str = "nl"
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        if self.max_distance_m < 0:
            raise ValueError("max_distance_m must be >= 0")
