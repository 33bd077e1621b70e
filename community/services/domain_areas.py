"""The areas of the domain as one handled event sees them (`Domain.communities`, `.people`,
`.privacy`, `.dialogues`; the chat areas are in chat_areas.py): each bound to the event's
transaction, so handlers never see a Session, and each taking and giving plain values
(community/views.py). The rules themselves live in the service modules these call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import (
    Community,
    DialogueState,
    Neighbourhood,
    Person,
    Role,
)
from community.services import (
    communities,
    dialogue_state,
    erasure,
    mydata,
    people,
    role_codes,
    voice,
)
from community.services.parent_answers import FIELDS as ANSWER_FIELDS
from community.services.parent_answers import Answers
from community.services.people import Speaker
from community.services.round_picture import RoundCounts, round_counts
from community.services.rows import hold, maybe, row, view, views
from community.views import CommunityView, DialogueView, NeighbourhoodView
from matching import LeftOver, Proposal


@dataclass(frozen=True)
class Bound:
    """An area bound to one transaction and its clock."""

    session: Session
    clock: Clock


class Communities(Bound):
    def of(self, speaker: Speaker) -> CommunityView | None:
        """The community the speaker belongs to (none for an admin or a guest)."""
        return maybe(self.session, CommunityView, people.entity(self.session, speaker).community)

    def all(self) -> list[CommunityView]:
        return views(self.session, CommunityView, communities.all_communities(self.session))

    def by_code(self, code: str) -> CommunityView | None:
        return maybe(self.session, CommunityView, communities.by_invite_code(self.session, code))

    def by_id(self, community_id: int) -> CommunityView | None:
        return maybe(self.session, CommunityView, self.session.get(Community, community_id))

    def by_slug(self, slug: str) -> CommunityView | None:
        return maybe(self.session, CommunityView, communities.by_slug(self.session, slug))

    def neighbourhood(self, neighbourhood_id: int) -> NeighbourhoodView | None:
        found = self.session.get(Neighbourhood, neighbourhood_id)
        return maybe(self.session, NeighbourhoodView, found)

    def parent_counts(self, community: CommunityView) -> list[tuple[str | None, int]]:
        return communities.parent_counts(self.session, self._row(community))

    def unreachable_count(self, community: CommunityView) -> int:
        return communities.unreachable_count(self.session, self._row(community))

    def neighbourhood_for(self, community: CommunityView, area: str) -> NeighbourhoodView | None:
        """The neighbourhood of a postcode area (6825)."""
        found = communities.neighbourhood_for(self._row(community), area)
        return maybe(self.session, NeighbourhoodView, found)

    def neighbourhoods_matching(
        self, community: CommunityView, typed: str
    ) -> list[NeighbourhoodView]:
        """The neighbourhoods a writer may mean by what they typed (a postcode or a name)."""
        found = communities.neighbourhoods_matching(self._row(community), typed)
        return views(self.session, NeighbourhoodView, found)

    def round_counts(
        self,
        community: CommunityView,
        proposals: Sequence[Proposal],
        left_over: Iterable[LeftOver],
    ) -> RoundCounts:
        """A buddy round's counts per neighbourhood and language, for its picture."""
        return round_counts(self.session, self._row(community), proposals, left_over)

    def _row(self, community: CommunityView) -> Community:
        return row(self.session, Community, community.id)


class People(Bound):
    def speaker(self, person_id: int) -> Speaker | None:
        """A stored person as plain values, as they are now in this transaction."""
        person = self.session.get(Person, person_id)
        return Speaker.of(person) if person is not None else None

    def role(self, person_id: int) -> Role | None:
        """Their role alone (every event asks it, several times): cheaper than `speaker`."""
        person = self.session.get(Person, person_id)
        return person.role if person is not None else None

    def set_locale(self, speaker: Speaker, locale: str) -> None:
        people.entity(self.session, speaker).locale = locale

    def find(self, platform: str, user_id: str) -> Speaker | None:
        found = people.find(self.session, platform, user_id)
        return Speaker.of(hold(self.session, found)) if found is not None else None

    def create(
        self, platform: str, user_id: str, chat_id: str, role: Role, locale: str | None = None
    ) -> Speaker:
        person = people.create(
            self.session, platform, user_id, chat_id, self.clock, role=role, locale=locale
        )
        return Speaker.of(hold(self.session, person))

    def join_as_parent(self, speaker: Speaker, community: CommunityView) -> None:
        """They said yes: a parent of the community, consent given now."""
        person = people.entity(self.session, speaker)
        profile = people.join_as_parent(
            self.session, person, row(self.session, Community, community.id)
        )
        profile.consent_at = self.clock.now()

    def answers(self, speaker: Speaker) -> Answers | None:
        """Their onboarding answers (None without a parent profile)."""
        profile = people.entity(self.session, speaker).profile
        return Answers.of(profile) if profile is not None else None

    def save_answers(self, speaker: Speaker, **changes: Any) -> None:
        """Change onboarding answers (`parent_answers.FIELDS`)."""
        profile = people.entity(self.session, speaker).profile
        if profile is None:
            raise LookupError("parent profile missing")
        for name, value in changes.items():
            if name not in ANSWER_FIELDS:
                raise ValueError(f"not an answer: {name}")
            if name == "neighbourhood_id":  # the relationship too, so that both say the same
                hood = self.session.get(Neighbourhood, value) if value is not None else None
                name, value = "neighbourhood", hood
            setattr(profile, name, value)

    def finish_onboarding(self, speaker: Speaker) -> None:
        profile = people.entity(self.session, speaker).profile
        assert profile is not None
        profile.completed_at = self.clock.now()

    def set_voice_notes(self, speaker: Speaker, on: bool) -> bool:
        """Voice notes on or off; whether that changed anything."""
        return voice.set_voice_notes(people.entity(self.session, speaker), on)

    def set_active(self, speaker: Speaker, active: bool) -> None:
        """/stop: no contact from now on (False); back with /start (True)."""
        people.entity(self.session, speaker).active = active


def erase_person(session: Session, person: Person, clock: Clock) -> None:
    """Everything about the person goes, their dialogue state and wrong code tries included."""
    state = dialogue_state.find(session, person.platform, person.platform_user_id)
    if state is not None:
        session.delete(state)
        session.flush()
    role_codes.forget_tries_of(session, person.platform, person.platform_user_id)
    erasure.erase(session, person, clock)


@dataclass(frozen=True)
class Privacy(Bound):
    """What a person may see of their data, and its erasure."""

    quoted: set[int]  # the event's quoted people (`Domain.quoted`): an erased one is not

    def erase(self, speaker: Speaker) -> None:
        """Everything about the person goes, dialogue state included
        (community/services/erasure.py)."""
        self.quoted.discard(speaker.id)
        erase_person(self.session, people.entity(self.session, speaker), self.clock)

    def forget_parent_data(self, speaker: Speaker) -> None:
        """A parent who becomes staff: what the bot erases "as a parent" goes (the profile,
        answers, RSVPs, the buddy name and pairs, messages to others quoting them)."""
        self.quoted.discard(speaker.id)
        erasure.forget_parent_data(self.session, people.entity(self.session, speaker))

    def my_data(self, speaker: Speaker) -> dict[str, Any]:
        """Everything stored about the person (/mydata, its messages and its file)."""
        return mydata.collect(self.session, people.entity(self.session, speaker), self.clock)

    def profile(self, speaker: Speaker) -> dict[str, Any]:
        """What /profile shows: `my_data`'s "parent_profile" and "buddy_profile", alone."""
        return mydata.answers_shown(self.session, people.entity(self.session, speaker))

    def forget_guest(self, platform: str, chat_id: str) -> None:
        """Someone who said no before being stored: what was sent to them goes too."""
        dialogue_state.forget_chat(self.session, platform, chat_id)


class Dialogues(Bound):
    """Where each person is in a dialogue (community/services/dialogue_state.py)."""

    def find(self, platform: str, user_id: str) -> DialogueView | None:
        return maybe(
            self.session, DialogueView, dialogue_state.find(self.session, platform, user_id)
        )

    def enter(
        self,
        platform: str,
        user_id: str,
        person_id: int | None,
        flow: str,
        step: str,
        data: dict[str, Any],
        token: str,
        chat_id: str | None = None,
    ) -> DialogueView:
        state = dialogue_state.enter(
            self.session, platform, user_id, person_id, flow, step, self.clock, data, token,
            chat_id,
        )  # fmt: skip
        return view(self.session, DialogueView, state)

    def remember(self, state: DialogueView, **changes: Any) -> DialogueView:
        """Add to the open question's data; returns the state as it is now."""
        stored = self._row(state)
        dialogue_state.update(stored, self.clock, **changes)
        return DialogueView.of(stored)

    def leave(self, state: DialogueView) -> DialogueView:
        stored = self._row(state)
        dialogue_state.leave(stored, self.clock)
        return DialogueView.of(stored)

    def remember_locale(self, platform: str, user_id: str, locale: str) -> DialogueView:
        """The language someone chose; returns their dialogue state as it is now."""
        stored = dialogue_state.set_locale(self.session, platform, user_id, locale, self.clock)
        return view(self.session, DialogueView, stored)

    def remember_erased_locale(self, platform: str, user_id: str, locale: str) -> None:
        dialogue_state.remember_erased(self.session, platform, user_id, locale, self.clock)

    def erased_locale(self, platform: str, user_id: str) -> str | None:
        return dialogue_state.erased_locale(self.session, platform, user_id)

    def link_person(self, state: DialogueView, person_id: int) -> DialogueView:
        stored = self._row(state)
        dialogue_state.link(stored, person_id)
        return DialogueView.of(stored)

    def _row(self, state: DialogueView) -> DialogueState:
        return row(self.session, DialogueState, (state.platform, state.user_id))
