"""The buddy services as one handled event sees them (`Domain.buddies`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from community.clock import Clock
from community.i18n import Translator
from community.models import BuddyPair, BuddyProfile, Community, MatchRound, PairStatus
from community.services.buddies.left_over import left_over_text
from community.services.buddies.pairs import (
    Parent,
    active_pair,
    buddy_profile,
    decide,
    end_pair,
    first_name,
    is_paused,
    say_yes_to_share,
    withdraw_share,
)
from community.services.buddies.rounds import RoundReport, new_round, open_proposals, round_reports
from matching import LeftOver, MatchResult


def _row_id(value: int | str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


class Buddies:
    """The buddy services as one handled event sees them (through `Domain.buddies`): bound to its
    transaction, so handlers never see a Session."""

    def __init__(self, session: Session, clock: Clock, quoted: set[int] | None = None) -> None:
        self._session = session
        self.clock = clock
        # Filled with the people whose first name is read: the event's messages may quote them.
        self._quoted = quoted if quoted is not None else set()

    def pair(self, pair_id: int | str) -> BuddyPair | None:
        """The pair a button names, or None for anything else (also forged button data)."""
        number = _row_id(pair_id)
        return self._session.get(BuddyPair, number) if number is not None else None

    def open_proposals(self, community: Community) -> list[BuddyPair]:
        return open_proposals(self._session, community)

    def new_round(
        self, community: Community, started_by: Parent | None
    ) -> tuple[MatchRound | None, MatchResult]:
        return new_round(self._session, community, self.clock, started_by)

    def left_over_text(
        self, entries: Iterable[LeftOver], translator: Translator, locale: str
    ) -> str | None:
        return left_over_text(self._session, entries, translator, locale)

    def active_pair(self, person: Parent) -> BuddyPair | None:
        return active_pair(self._session, person)

    def profile(self, person: Parent) -> BuddyProfile:
        return buddy_profile(self._session, person, self.clock)

    def first_name(self, person: Parent) -> str | None:
        self._quoted.add(person.id)
        return first_name(self._session, person)

    def is_paused(self, person: Parent) -> bool:
        return is_paused(self._session, person)

    def set_first_name(self, person: Parent, name: str) -> None:
        found = self.profile(person)
        found.first_name, found.updated_at = name, self.clock.now()

    def set_paused(self, person: Parent, paused: bool) -> None:
        found = self.profile(person)
        found.paused, found.updated_at = paused, self.clock.now()

    def available(self, pair: BuddyPair) -> bool:
        """Both parents still want a buddy now: active, opted in, not paused, no other buddy."""
        for person in (pair.a, pair.b):
            profile = person.profile
            if not person.active or profile is None or not profile.buddy_opt_in:
                return False
            if self.is_paused(person):
                return False
            current = self.active_pair(person)
            if current is not None and current.id != pair.id:
                return False
        return True

    def decide(self, pair: BuddyPair, status: PairStatus) -> bool:
        return decide(pair, status, self.clock)

    def say_yes_to_share(self, pair: BuddyPair, person: Parent) -> bool:
        return say_yes_to_share(pair, person, self.clock)

    def withdraw_share(self, pair: BuddyPair, person: Parent) -> bool:
        return withdraw_share(pair, person)

    def end(self, pair: BuddyPair) -> bool:
        return end_pair(pair, self.clock)

    def reports(self, community: Community) -> list[RoundReport]:
        return round_reports(self._session, community)
