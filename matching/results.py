"""What the matcher returns: proposals with their reasons as data, and the parents left over with
a reason code. The community layer renders reasons with its message catalogs; `describe()` is a
plain English rendering for the benchmark, a dry run and the README."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ReasonKind(StrEnum):
    SHARED_LANGUAGE = "shared_language"  # language=code
    SAME_NEIGHBOURHOOD = "same_neighbourhood"  # name, metres (0 when both have the centre)
    NEARBY = "nearby"  # metres, name and other_name: their two neighbourhoods
    PLACE_UNKNOWN = "place_unknown"  # one of them gave no postcode (only if the rules allow it)
    SHARED_AGE_BAND = "shared_age_band"  # band, e.g. "2-4"
    WAITED = "waited"  # days: the longer wait of the two
    # Second pass only: the limit the community relaxed for this pair.
    BEYOND_LIMIT = "beyond_limit"  # metres apart, more than the usual limit (metres)
    ONLY_DUTCH = "only_dutch"  # they share only Dutch, which the main round does not count


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason why a pair is good, as data: `kind` plus the fields that kind uses."""

    kind: ReasonKind
    language: str | None = None
    name: str | None = None
    other_name: str | None = None
    metres: int | None = None
    band: str | None = None
    days: int | None = None
    limit: int | None = None  # metres: the usual distance limit

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ReasonKind(self.kind))

    def params(self) -> dict[str, Any]:
        """The fields this reason sets, for a catalog message (`buddy.reason.<kind>`)."""
        names = ("language", "name", "other_name", "metres", "band", "days", "limit")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


class LeftOverReason(StrEnum):
    OPTED_OUT = "opted_out"
    PAUSED = "paused"
    WAITING_FOR_APPROVAL = "waiting_for_approval"
    NO_PLACE = "no_place"  # skipped the postcode, and the rules need a place
    NO_LANGUAGE_NEARBY = "no_language_nearby"  # nobody available shares a language within reach
    ONLY_PAST_PAIRS = "only_past_pairs"  # everyone possible was tried, rejected, ended or blocked
    MATCHED_BETTER_ELSEWHERE = "matched_better_elsewhere"  # all possible buddies got a better pair


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed pair (`a` < `b`, parent ids), its points, the language to introduce them in and
    why it is a good pair."""

    a: int
    b: int
    weight: int
    language: str
    reasons: tuple[Reason, ...]
    # Proposed by the second pass under relaxed limits: a weaker pair, its reasons say why.
    second_pass: bool = False

    def describe(self, language_names: Mapping[str, str] | None = None) -> str:
        return describe(self.reasons, language_names)


@dataclass(frozen=True, slots=True)
class LeftOver:
    """A parent without a proposal this round, and why."""

    parent_id: int
    reason: LeftOverReason

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", LeftOverReason(self.reason))


@dataclass(frozen=True, slots=True)
class MatchResult:
    proposals: list[Proposal] = field(default_factory=list)
    left_over: list[LeftOver] = field(default_factory=list)

    @property
    def total_weight(self) -> int:
        """Points of the main round's pairs (the second pass is scored under other limits)."""
        return sum(p.weight for p in self.proposals if not p.second_pass)

    @property
    def second_pass(self) -> list[Proposal]:
        return [p for p in self.proposals if p.second_pass]


def _distance(metres: int) -> str:
    return f"{metres} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def describe(reasons: tuple[Reason, ...], language_names: Mapping[str, str] | None = None) -> str:
    """Plain English, one short sentence per reason: "Both speak Tigrinya. Both live in Presikhaaf
    (300 m apart). Both have a child of 2-4." `language_names` maps codes to names; without it the
    code is shown."""
    names = language_names or {}
    sentences = []
    for r in reasons:
        if r.kind is ReasonKind.SHARED_LANGUAGE:
            sentences.append(f"Both speak {names.get(r.language or '', r.language)}.")
        elif r.kind is ReasonKind.SAME_NEIGHBOURHOOD:
            apart = f" ({_distance(r.metres)} apart)" if r.metres else ""
            sentences.append(f"Both live in {r.name}{apart}.")
        elif r.kind is ReasonKind.NEARBY:
            metres = _distance(r.metres or 0)
            sentences.append(f"They live {metres} apart ({r.name} and {r.other_name}).")
        elif r.kind is ReasonKind.PLACE_UNKNOWN:
            sentences.append("One of them gave no postcode.")
        elif r.kind is ReasonKind.SHARED_AGE_BAND:
            sentences.append(f"Both have a child of {r.band}.")
        elif r.kind is ReasonKind.WAITED:
            sentences.append(f"One of them has waited {r.days} days.")
        elif r.kind is ReasonKind.BEYOND_LIMIT:
            metres = _distance(r.metres or 0)
            limit = _distance(r.limit or 0)
            sentences.append(f"They live {metres} apart, more than the usual {limit}.")
        elif r.kind is ReasonKind.ONLY_DUTCH:
            sentences.append("They share only Dutch.")
    return " ".join(sentences)
