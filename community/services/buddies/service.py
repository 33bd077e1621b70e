"""The buddy services as one handled event sees them (`Domain.buddies`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from community.clock import Clock
from community.i18n import Translator
from community.models import BuddyPair, BuddyProfile, Community, PairStatus
from community.services import buddy_limits
from community.services.buddies.left_over import left_over_text, stored_left_over
from community.services.buddies.pairs import (
    Pair,
    Parent,
    active_pair,
    as_proposal,
    buddy_profile,
    decide,
    end_pair,
    first_name,
    is_paused,
    record_answer,
    say_yes_to_share,
    withdraw_share,
)
from community.services.buddies.rounds import RoundReport, new_round, open_proposals, round_reports
from community.services.rows import maybe, row, view
from community.views import CommunityView, MatchRoundView
from matching import LeftOver, MatchResult, Proposal


def _row_id(value: int | str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


class Buddies:
    """The buddy services as one handled event sees them (through `Domain.buddies`): bound to its
    transaction, so handlers never see a Session. A pair goes out as a plain `Pair` and comes
    back as one; the stored row is loaded here to change it."""

    def __init__(self, session: Session, clock: Clock, quoted: set[int] | None = None) -> None:
        self._session = session
        self.clock = clock
        # Filled with the people whose first name is read: the event's messages may quote them.
        self._quoted = quoted if quoted is not None else set()

    def _row(self, pair: Pair) -> BuddyPair:
        found = self._session.get(BuddyPair, pair.id)
        assert found is not None, "a pair is never deleted while its parents are"
        return found

    def pair(self, pair_id: int | str) -> Pair | None:
        """The pair a button names, or None for anything else (also forged button data)."""
        number = _row_id(pair_id)
        found = self._session.get(BuddyPair, number) if number is not None else None
        return Pair.of(found) if found is not None else None

    def open_proposals(self, community: CommunityView) -> list[Pair]:
        found = open_proposals(self._session, self._community(community))
        return [Pair.of(pair) for pair in found]

    def round_pairs(self, pair: Pair) -> list[Pair]:
        """Every pair of the round `pair` was proposed in."""
        return [Pair.of(each) for each in self._row(pair).round.pairs]

    def round_so_far(self, pair: Pair) -> tuple[list[LeftOver], list[Proposal]]:
        """The round `pair` waits in, as the matcher left it: who it left over, its proposals."""
        stored = self._row(pair).round
        return stored_left_over(stored), [as_proposal(each) for each in stored.pairs]

    def community_of(self, pair: Pair) -> CommunityView:
        return view(self._session, CommunityView, self._row(pair).round.community)

    def new_round(
        self, community: CommunityView, started_by: Parent | None
    ) -> tuple[MatchRoundView | None, MatchResult]:
        """A new round now: the round (None when nobody was left to pair) and its result."""
        stored, result = new_round(
            self._session, self._community(community), self.clock, started_by
        )
        return maybe(self._session, MatchRoundView, stored), result

    def left_over_text(
        self, entries: Iterable[LeftOver], translator: Translator, locale: str
    ) -> str | None:
        return left_over_text(self._session, entries, translator, locale)

    def active_pair(self, person: Parent) -> Pair | None:
        found = active_pair(self._session, person)
        return Pair.of(found) if found is not None else None

    def _profile(self, person: Parent) -> BuddyProfile:
        return buddy_profile(self._session, person, self.clock)

    def first_name(self, person: Parent) -> str | None:
        self._quoted.add(person.id)
        return first_name(self._session, person)

    def is_paused(self, person: Parent) -> bool:
        return is_paused(self._session, person)

    def set_first_name(self, person: Parent, name: str) -> None:
        found = self._profile(person)
        found.first_name, found.updated_at = name, self.clock.now()

    def set_paused(self, person: Parent, paused: bool) -> None:
        found = self._profile(person)
        found.paused, found.updated_at = paused, self.clock.now()

    def available(self, pair: Pair) -> bool:
        """Both parents still want a buddy now: active, opted in, not paused, no other buddy."""
        stored = self._row(pair)
        for person in (stored.a, stored.b):
            profile = person.profile
            if not person.active or profile is None or not profile.buddy_opt_in:
                return False
            if self.is_paused(person):
                return False
            current = active_pair(self._session, person)
            if current is not None and current.id != pair.id:
                return False
        return True

    def decide(self, pair: Pair, status: PairStatus) -> bool:
        return decide(self._row(pair), status, self.clock)

    def introduced(self, pair: Pair) -> None:
        """The two were introduced (their introductions are queued)."""
        self._row(pair).introduced_at = self.clock.now()

    def say_yes_to_share(self, pair: Pair, person: Parent) -> bool:
        return say_yes_to_share(self._row(pair), person, self.clock)

    def withdraw_share(self, pair: Pair, person: Parent) -> bool:
        return withdraw_share(self._row(pair), person)

    def record_answer(self, pair: Pair, person: Parent, answer: str) -> None:
        record_answer(self._row(pair), person, answer)

    def end(self, pair: Pair) -> bool:
        return end_pair(self._row(pair), self.clock)

    def reports(self, community: CommunityView) -> list[RoundReport]:
        return round_reports(self._session, self._community(community))

    def passes_text(
        self,
        community: CommunityView,
        proposals: Iterable[Proposal],
        translator: Translator,
        locale: str,
    ) -> str | None:
        """How many pairs each pass proposed, when the community has a second pass."""
        return buddy_limits.passes_text(self._community(community), proposals, translator, locale)

    def _community(self, community: CommunityView) -> Community:
        return row(self._session, Community, community.id)
