"""A buddy round at a glance: one PNG for the coordinator, made with matplotlib (Agg).

Two panels: per neighbourhood the parents who have a buddy, who are in a proposal of this
round and who are left without one (and wanted one), as stacked bars with their numbers; and the
round's pairs per language. It draws only neighbourhood names, language names, numbers and the
catalogs' labels in the coordinator's language: never a parent's name. 1080 pixels wide, with
large type, so that it reads on a phone.

matplotlib cannot join Arabic letters or lay out right-to-left text, so for a right-to-left
language the labels are drawn in English; the caption (a chat message) stays in the coordinator's
language.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from community.actions import Media
from community.i18n import FALLBACK_LOCALE, Translator, is_rtl, language_name
from community.models import BuddyPair, Community, MatchRound, PairStatus, ParentProfile
from matching import LeftOver, LeftOverReason, Proposal

WIDTH_PX = 1080
DPI = 100
MAX_HOODS = 15  # more rows do not read on a phone: the rest are summed as "other"
MAX_LANGUAGES = 10
FILE_NAME = "buddy-round.png"
# Parents who wanted a buddy and got none (not those who stopped or paused).
WANTED = {
    LeftOverReason.NO_PLACE,
    LeftOverReason.NO_LANGUAGE_NEARBY,
    LeftOverReason.ONLY_PAST_PAIRS,
    LeftOverReason.MATCHED_BETTER_ELSEWHERE,
}
COLOURS = ("#1b9e77", "#7570b3", "#d95f02")  # matched, proposed, left over (colour-blind safe)
CAPTION_ID = "buddy.picture.caption"
LABEL_IDS = ("buddy.picture.matched", "buddy.picture.proposed", "buddy.picture.left")
HOODS_ID = "buddy.picture.hoods"
LANGUAGES_ID = "buddy.picture.languages"
OTHER_HOODS_ID = "buddy.picture.other_hoods"
NO_HOOD_ID = "buddy.picture.no_hood"
NO_HOOD = ""  # the key of parents without a neighbourhood


@dataclass(frozen=True)
class HoodCount:
    name: str  # NO_HOOD: parents without a neighbourhood
    matched: int
    proposed: int
    left_over: int

    @property
    def total(self) -> int:
        return self.matched + self.proposed + self.left_over


@dataclass(frozen=True)
class RoundCounts:
    hoods: list[HoodCount]  # most parents first
    languages: list[tuple[str, int]]  # (language code, pairs), most pairs first

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(h.matched for h in self.hoods),
            sum(h.proposed for h in self.hoods),
            sum(h.left_over for h in self.hoods),
        )


def round_counts(
    session: Session,
    community: Community,
    proposals: Sequence[Proposal],
    left_over: Iterable[LeftOver],
) -> RoundCounts:
    """The counts of a round: `proposals` are the round's pairs, `left_over` its parents left
    without one. A parent in an approved pair of the community (not ended) counts as matched,
    whatever round paired them."""
    matched = _matched(session, community)
    proposed = {x for p in proposals for x in (p.a, p.b)} - matched
    left = {x.parent_id for x in left_over if x.reason in WANTED} - matched - proposed
    hoods = _hood_names(session, matched | proposed | left)
    counts: dict[str, list[int]] = {}
    for column, ids in enumerate((matched, proposed, left)):
        for person_id in ids:
            counts.setdefault(hoods.get(person_id, NO_HOOD), [0, 0, 0])[column] += 1
    rows = [HoodCount(name, *values) for name, values in counts.items()]
    rows.sort(key=lambda h: (-h.total, h.name == NO_HOOD, h.name))
    languages = Counter(p.language for p in proposals)
    return RoundCounts(rows, sorted(languages.items(), key=lambda item: (-item[1], item[0])))


def _matched(session: Session, community: Community) -> set[int]:
    pairs = session.execute(
        select(BuddyPair.a_id, BuddyPair.b_id)
        .join(MatchRound, MatchRound.id == BuddyPair.round_id)
        .where(MatchRound.community_id == community.id, BuddyPair.status == PairStatus.APPROVED)
    )
    return {person_id for a, b in pairs for person_id in (a, b)}


def _hood_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    profiles = session.scalars(
        select(ParentProfile)
        .options(joinedload(ParentProfile.neighbourhood))
        .where(ParentProfile.person_id.in_(ids))
    )
    return {p.person_id: p.neighbourhood.name for p in profiles if p.neighbourhood is not None}


# -- drawing --------------------------------------------------------------------------------------
def caption(counts: RoundCounts, translator: Translator, locale: str) -> str:
    matched, proposed, left = counts.totals
    return translator.t(locale, CAPTION_ID, matched=matched, proposed=proposed, left=left)


def figure(counts: RoundCounts, translator: Translator, locale: str):  # type: ignore[no-untyped-def]
    """The picture as a matplotlib Figure (its texts can be read back, as the tests do)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    drawn = FALLBACK_LOCALE if is_rtl(locale) else translator.resolve(locale)
    t = translator.t
    rows = _rows(counts.hoods, t(drawn, NO_HOOD_ID), lambda n: t(drawn, OTHER_HOODS_ID, count=n))
    languages = counts.languages[:MAX_LANGUAGES]
    rows_h, rows_l = max(1, len(rows)), max(1, len(languages))
    height_px = 330 + 62 * (rows_h + rows_l)
    fig = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, height_ratios=[rows_h + 1.5, rows_l + 0.5])

    names = [name for name, _ in rows]
    left = [0] * len(rows)
    for column, (label_id, colour) in enumerate(zip(LABEL_IDS, COLOURS, strict=True)):
        values = [counted[column] for _, counted in rows]
        bars = top.barh(names, values, left=left, color=colour, label=t(drawn, label_id))
        top.bar_label(
            bars,
            labels=[str(v) if v else "" for v in values],
            label_type="center",
            color="white",
            fontsize=20,
            fontweight="bold",
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    _style(top)
    top.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize=18, frameon=False)
    top.set_title(t(drawn, HOODS_ID), fontsize=24, pad=46)

    lang_names = [language_name(code, drawn) for code, _ in languages]
    bars = bottom.barh(lang_names, [n for _, n in languages], color="#666666")
    bottom.bar_label(bars, fontsize=20, padding=6)
    _style(bottom)
    bottom.set_title(t(drawn, LANGUAGES_ID), fontsize=24)
    return fig


def _rows(
    hoods: list[HoodCount], no_hood: str, other: Callable[[int], str]
) -> list[tuple[str, tuple[int, int, int]]]:
    """(label, counts) per bar, bottom to top as matplotlib draws them: at most MAX_HOODS, the
    smallest neighbourhoods beyond that summed in one bar."""
    shown = hoods if len(hoods) <= MAX_HOODS else hoods[: MAX_HOODS - 1]
    rows = [
        (no_hood if h.name == NO_HOOD else h.name, (h.matched, h.proposed, h.left_over))
        for h in shown
    ]
    if len(shown) < len(hoods):
        rest = hoods[len(shown) :]
        summed = (
            sum(h.matched for h in rest),
            sum(h.proposed for h in rest),
            sum(h.left_over for h in rest),
        )
        rows.append((other(len(rest)), summed))
    return rows[::-1]


def _style(ax) -> None:  # type: ignore[no-untyped-def]
    ax.tick_params(axis="y", labelsize=20, length=0)
    ax.tick_params(axis="x", labelsize=16)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def png(counts: RoundCounts, translator: Translator, locale: str) -> bytes:
    buffer = io.BytesIO()
    figure(counts, translator, locale).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def as_media(data: bytes) -> Media:
    """The picture as a photo the transports upload (a data: URL with a file name)."""
    ref = f"data:image/png;name={FILE_NAME};base64,{base64.b64encode(data).decode()}"
    return Media("photo", ref, None, "image/png", len(data))
