"""A community's limits for its buddy rounds (the `[buddy_matching]` table of its file, see
config/buddy_matching.py) as the matcher's `Rules`, and the line that tells a coordinator how
many pairs each pass of a round found."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from community.i18n import Translator
from community.models import Community
from matching import Proposal, Rules

__all__ = ["PASSES_ID", "has_second_pass", "passes_text", "round_rules"]


def round_rules(community: Community, now: datetime) -> tuple[Rules, Rules | None]:
    """The community's limits for a round (its file's `[buddy_matching]`, config/
    buddy_matching.py), and the wider ones of the second pass, None when it has none."""
    limits = community.buddy_matching or {}
    main = Rules(
        now=now,
        max_distance_m=limits.get("max_distance_m", 2000),
        allow_dutch=limits.get("allow_dutch", False),
    )
    wider = Rules(
        now=now,
        max_distance_m=max(main.max_distance_m, limits.get("second_pass_max_distance_m", 0)),
        allow_dutch=main.allow_dutch or limits.get("second_pass_allow_dutch", False),
    )
    if wider.max_distance_m == main.max_distance_m and wider.allow_dutch == main.allow_dutch:
        return main, None
    return main, wider


def has_second_pass(community: Community) -> bool:
    limits = community.buddy_matching or {}
    farther = limits.get("second_pass_max_distance_m", 0) > limits.get("max_distance_m", 2000)
    dutch = limits.get("second_pass_allow_dutch", False) and not limits.get("allow_dutch", False)
    return bool(farther or dutch)


PASSES_ID = "buddy.match.passes"


def passes_text(
    community: Community, proposals: Iterable[Proposal], translator: Translator, locale: str
) -> str | None:
    """How many pairs each pass proposed, when the community has a second pass."""
    if not has_second_pass(community):
        return None
    flags = [p.second_pass for p in proposals]
    first, second = flags.count(False), flags.count(True)
    return translator.t(locale, PASSES_ID, first=first, second=second)
