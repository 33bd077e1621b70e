"""The prompts as one handled event sees them (`domain.prompts`): the functions of this
package bound to the event's transaction and clock, so handlers never see a Session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.orm import Session

import community.services.prompts.answers as answers
import community.services.prompts.programme as programme
import community.services.prompts.reach as reach
import community.services.prompts.route_map as route_map
import community.services.prompts.rsvp as rsvp
from community.actions import Media
from community.clock import Clock
from community.i18n import Translator
from community.models import Community, Person, Prompt, PromptAnswer
from community.prompt_kinds.invitation import rsvp_counts
from community.services import people
from community.services.machine_translation import MachineTranslator
from community.services.people import Speaker
from community.services.prompts.delivery import deliver
from community.services.prompts.schedule import in_quiet_hours
from community.services.rows import maybe, row, view, views
from community.views import AnswerView, CommunityView, PromptView, RoomView, RsvpView
from config.programme import PromptSettings
from config.translation import TranslationSettings


@dataclass
class Prompts:
    session: Session
    clock: Clock

    def _person(self, speaker: Speaker) -> Person:
        return people.entity(self.session, speaker)

    def _community(self, community: CommunityView) -> Community:
        return row(self.session, Community, community.id)

    def _prompt(self, prompt: PromptView) -> Prompt:
        return row(self.session, Prompt, prompt.id)

    # -- writing and sending ----------------------------------------------------------------------
    def create(
        self,
        community: CommunityView,
        kind: str,
        texts: dict[str, str],
        due_at: datetime,
        author: Speaker | None,
        event_at: datetime | None = None,
        place: str | None = None,
        media: Media | None = None,
        age_bands: Sequence[str] = (),
        neighbourhood_id: int | None = None,
        options: Sequence[str] | None = None,
    ) -> PromptView:
        created = programme.create_prompt(
            self.session, self._community(community), kind, texts, due_at, self.clock,
            author=self._person(author) if author is not None else None,
            event_at=event_at, place=place, media=media, age_bands=age_bands,
            neighbourhood_id=neighbourhood_id, options=options,
        )  # fmt: skip
        return view(self.session, PromptView, created)

    def deliver_now(
        self,
        prompt: PromptView,
        translator: Translator,
        config: PromptSettings,
        translation: TranslationSettings | None = None,
    ) -> int | None:
        """Queue a prompt that is due now, in this transaction: how many parents it goes to,
        or None when it did not go now (in the quiet hours the scheduled job sends it when
        they end); `translation`: machine drafts where it has no text in a parent's language."""
        if in_quiet_hours(self.clock.now(), config):
            return None
        stored = self._prompt(prompt)
        with MachineTranslator(translation) as machine:
            count = deliver(self.session, stored, translator, self.clock, config, machine)
        return count if stored.delivered_at is not None else None

    def set_programme_time(self, community: CommunityView, kind: str, day: str, at: time) -> None:
        programme.set_programme_time(self._community(community), kind, day, at)

    def set_paused(self, speaker: Speaker, paused: bool) -> bool:
        """Pause or resume the prompts for a parent; False when they have no profile yet."""
        profile = self._person(speaker).profile
        if profile is None:
            return False
        profile.prompts_paused = paused
        return True

    # -- RSVPs ------------------------------------------------------------------------------------
    def open_invitation(self, prompt_id: int, speaker: Speaker) -> PromptView | None:
        found = rsvp.open_invitation(self.session, prompt_id, self._person(speaker), self.clock)
        return maybe(self.session, PromptView, found)

    def record_rsvp(self, prompt: PromptView, speaker: Speaker, answer: str) -> RsvpView:
        stored, person = self._prompt(prompt), self._person(speaker)
        recorded = rsvp.record_rsvp(self.session, stored, person, answer, self.clock)
        return view(self.session, RsvpView, recorded)

    def set_rsvp_children(self, prompt: PromptView, speaker: Speaker, count: int) -> bool:
        stored, person = self._prompt(prompt), self._person(speaker)
        return rsvp.set_children(self.session, stored, person, count, self.clock)

    def invitations_ahead(
        self, community: CommunityView
    ) -> list[tuple[PromptView, dict[str, int]]]:
        """Invitations still to come, each with its answers so far."""
        return [
            (view(self.session, PromptView, prompt), rsvp_counts(self.session, prompt))
            for prompt in rsvp.invitations_ahead(
                self.session, self._community(community), self.clock
            )
        ]

    # -- answers ----------------------------------------------------------------------------------
    def open_question(self, speaker: Speaker, days: int) -> PromptView | None:
        found = answers.open_question(self.session, self._person(speaker), self.clock, days)
        return maybe(self.session, PromptView, found)

    def record_answer(
        self, prompt: PromptView, speaker: Speaker, text: str | None, media: Media | None
    ) -> AnswerView:
        stored, person = self._prompt(prompt), self._person(speaker)
        recorded = answers.record_answer(self.session, stored, person, self.clock, text, media)
        return view(self.session, AnswerView, recorded)

    def record_choice(self, prompt: PromptView, speaker: Speaker, label: str) -> AnswerView:
        stored, person = self._prompt(prompt), self._person(speaker)
        recorded = answers.record_choice(self.session, stored, person, self.clock, label)
        return view(self.session, AnswerView, recorded)

    def has_answered(self, prompt: PromptView, speaker: Speaker) -> bool:
        return answers.has_answered(self.session, self._prompt(prompt), self._person(speaker))

    def answered_question(self, prompt_id: int, speaker: Speaker) -> PromptView | None:
        found = answers.answered_question(self.session, prompt_id, self._person(speaker))
        return maybe(self.session, PromptView, found)

    def answer_to_share(self, answer_id: int, speaker: Speaker) -> AnswerView | None:
        found = answers.answer_to_share(self.session, answer_id, self._person(speaker))
        return maybe(self.session, AnswerView, found)

    def share_rooms(self, community: CommunityView) -> list[RoomView]:
        found = answers.share_rooms(self.session, self._community(community))
        return views(self.session, RoomView, found)

    def mark_shared(self, answer: AnswerView) -> None:
        row(self.session, PromptAnswer, answer.id).shared_at = self.clock.now()

    # -- what comes, and whom it reaches ---------------------------------------------------------
    def upcoming(
        self, speaker: Speaker, config: PromptSettings, days: int = 14
    ) -> list[PromptView]:
        """What comes next for this person; the programme is stored first, so the route map
        is right also before the scheduler's first run (the console demo runs none)."""
        person = self._person(speaker)
        if person.community is not None:
            programme.sync_programme(self.session, config, person.community, self.clock)
        coming = route_map.upcoming(self.session, person, self.clock, days)
        return views(self.session, PromptView, coming)

    def upcoming_in(
        self, chosen: CommunityView, config: PromptSettings, days: int = 14
    ) -> list[PromptView]:
        """Every prompt of the community to come (an admin's route map)."""
        community = self._community(chosen)
        programme.sync_programme(self.session, config, community, self.clock)
        coming = route_map.upcoming_in_community(self.session, community, self.clock, days)
        return views(self.session, PromptView, coming)

    def reach_report(self, community: CommunityView) -> reach.ReachReport:
        return reach.reach_report(self.session, self._community(community), self.clock)
