"""The parents a buddy round left without a proposal, summed up for a coordinator: counted per
reason, a few examples where they can act, and what would change it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from community.i18n import Translator, language_name
from community.models import MatchRound, Person
from matching import LeftOver, LeftOverReason

# Most useful to a coordinator first: those nobody could be paired with, then those who chose
# to wait. Each reason has a catalog message `buddy.left.<reason>` with {count}.
LEFT_OVER_ORDER = (
    LeftOverReason.NO_LANGUAGE_NEARBY,
    LeftOverReason.ONLY_PAST_PAIRS,
    LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    LeftOverReason.NO_PLACE,
    LeftOverReason.WAITING_FOR_APPROVAL,
    LeftOverReason.PAUSED,
    LeftOverReason.OPTED_OUT,
)
# Reasons a coordinator may act on (find a parent with that language nearby): a few examples
# of who, by neighbourhood and home languages, since parents give the bot no names.
LEFT_OVER_EXAMPLES = frozenset(
    {
        LeftOverReason.NO_LANGUAGE_NEARBY,
        LeftOverReason.ONLY_PAST_PAIRS,
        LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    }
)
EXAMPLES_PER_REASON = 3
LEFT_OVER_HEAD_ID, LEFT_OVER_EXAMPLE_ID, LEFT_OVER_MORE_ID = (
    "buddy.left.head",
    "buddy.left.example",
    "buddy.left.more",
)
# What would change it, where a coordinator (or time) can: `buddy.left.fix.<reason>`.
LEFT_OVER_FIXES = (
    LeftOverReason.NO_LANGUAGE_NEARBY,
    LeftOverReason.ONLY_PAST_PAIRS,
    LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    LeftOverReason.NO_PLACE,
    LeftOverReason.WAITING_FOR_APPROVAL,
)


def left_over_id(reason: LeftOverReason) -> str:
    return f"buddy.left.{reason.value}"


def left_over_ids() -> set[str]:
    """Every catalog id the left-over summary may use."""
    fixed = {LEFT_OVER_HEAD_ID, LEFT_OVER_EXAMPLE_ID, LEFT_OVER_MORE_ID}
    fixes = {f"buddy.left.fix.{reason.value}" for reason in LEFT_OVER_FIXES}
    return fixed | fixes | {left_over_id(reason) for reason in LEFT_OVER_ORDER}


@dataclass(frozen=True)
class LeftOverGroup:
    reason: LeftOverReason
    count: int
    # (neighbourhood, home language codes) of the first few, for reasons in LEFT_OVER_EXAMPLES.
    examples: tuple[tuple[str, tuple[str, ...]], ...]


def stored_left_over(match_round: MatchRound) -> list[LeftOver]:
    return [LeftOver(int(x["id"]), x["reason"]) for x in match_round.left_over or ()]


def left_over_groups(session: Session, entries: Iterable[LeftOver]) -> list[LeftOverGroup]:
    """Parents left over, counted per reason in LEFT_OVER_ORDER: a short summary even for a
    community of thousands. Parents erased since the round are left out."""
    by_reason: dict[LeftOverReason, list[int]] = {}
    for entry in entries:
        by_reason.setdefault(entry.reason, []).append(entry.parent_id)
    out = []
    for reason in LEFT_OVER_ORDER:
        ids = by_reason.get(reason, [])
        examples = []
        if reason in LEFT_OVER_EXAMPLES:
            for pid in ids[:EXAMPLES_PER_REASON]:
                found = session.get(Person, pid)
                profile = found.profile if found is not None else None
                if profile is not None:
                    hood = profile.neighbourhood.name if profile.neighbourhood else "?"
                    examples.append((hood, tuple(profile.home_languages)))
        if ids:
            out.append(LeftOverGroup(reason, len(ids), tuple(examples)))
    return out


def left_over_text(
    session: Session, entries: Iterable[LeftOver], translator: Translator, locale: str
) -> str | None:
    """The parents left without a buddy, in the reader's language: a head line, a line per
    reason with the count, a few examples for the reasons a coordinator can act on. None when
    nobody was left over."""
    groups = left_over_groups(session, entries)
    if not groups:
        return None
    t = translator.t
    lines = [t(locale, LEFT_OVER_HEAD_ID, count=sum(g.count for g in groups))]
    for group in groups:
        lines.append(t(locale, left_over_id(group.reason), count=group.count))
        for hood, codes in group.examples:
            languages = ", ".join(language_name(code, locale) for code in codes) or "?"
            lines.append(t(locale, LEFT_OVER_EXAMPLE_ID, neighbourhood=hood, languages=languages))
        if group.examples and group.count > len(group.examples):
            lines.append(t(locale, LEFT_OVER_MORE_ID, count=group.count - len(group.examples)))
        if group.reason in LEFT_OVER_FIXES:
            lines.append(t(locale, f"buddy.left.fix.{group.reason.value}"))
    return "\n".join(lines)
