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
from community.models import Community, Person, Prompt, PromptAnswer, Room, Rsvp
from community.prompt_kinds.invitation import rsvp_counts
from community.services import people
from community.services.machine_translation import MachineTranslator
from community.services.people import Speaker
from community.services.prompts.delivery import deliver
from community.services.prompts.schedule import in_quiet_hours
from community.services.rows import row
from community.views import CommunityView
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
    ) -> Prompt:
        return programme.create_prompt(
            self.session, self._community(community), kind, texts, due_at, self.clock,
            author=self._person(author) if author is not None else None,
            event_at=event_at, place=place, media=media, age_bands=age_bands,
            neighbourhood_id=neighbourhood_id, options=options,
        )  # fmt: skip

    def deliver_now(
        self,
        prompt: Prompt,
        translator: Translator,
        config: PromptSettings,
        translation: TranslationSettings | None = None,
    ) -> int:
        """Queue a prompt that is due now, in this transaction (0 in the quiet hours: the
        scheduled job sends it when they end); `translation`: machine drafts where it has no
        text in a parent's language."""
        if in_quiet_hours(self.clock.now(), config):
            return 0
        with MachineTranslator(translation) as machine:
            return deliver(self.session, prompt, translator, self.clock, config, machine)

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
    def open_invitation(self, prompt_id: int, speaker: Speaker) -> Prompt | None:
        return rsvp.open_invitation(self.session, prompt_id, self._person(speaker), self.clock)

    def record_rsvp(self, prompt: Prompt, speaker: Speaker, answer: str) -> Rsvp:
        return rsvp.record_rsvp(self.session, prompt, self._person(speaker), answer, self.clock)

    def set_rsvp_children(self, prompt: Prompt, speaker: Speaker, count: int) -> bool:
        return rsvp.set_children(self.session, prompt, self._person(speaker), count, self.clock)

    def invitations_ahead(self, community: CommunityView) -> list[tuple[Prompt, dict[str, int]]]:
        """Invitations still to come, each with its answers so far."""
        return [
            (prompt, rsvp_counts(self.session, prompt))
            for prompt in rsvp.invitations_ahead(
                self.session, self._community(community), self.clock
            )
        ]

    # -- answers ----------------------------------------------------------------------------------
    def open_question(self, speaker: Speaker, days: int) -> Prompt | None:
        return answers.open_question(self.session, self._person(speaker), self.clock, days)

    def record_answer(
        self, prompt: Prompt, speaker: Speaker, text: str | None, media: Media | None
    ) -> PromptAnswer:
        return answers.record_answer(
            self.session, prompt, self._person(speaker), self.clock, text, media
        )

    def record_choice(self, prompt: Prompt, speaker: Speaker, label: str) -> PromptAnswer:
        return answers.record_choice(self.session, prompt, self._person(speaker), self.clock, label)

    def has_answered(self, prompt: Prompt, speaker: Speaker) -> bool:
        return answers.has_answered(self.session, prompt, self._person(speaker))

    def answered_question(self, prompt_id: int, speaker: Speaker) -> Prompt | None:
        return answers.answered_question(self.session, prompt_id, self._person(speaker))

    def answer_to_share(self, answer_id: int, speaker: Speaker) -> PromptAnswer | None:
        return answers.answer_to_share(self.session, answer_id, self._person(speaker))

    def share_rooms(self, community: CommunityView) -> list[Room]:
        return answers.share_rooms(self.session, self._community(community))

    def mark_shared(self, answer: PromptAnswer) -> None:
        answer.shared_at = self.clock.now()

    # -- what comes, and whom it reaches ---------------------------------------------------------
    def upcoming(self, speaker: Speaker, config: PromptSettings, days: int = 14) -> list[Prompt]:
        """What comes next for this person; the programme is stored first, so the route map
        is right also before the scheduler's first run (the console demo runs none)."""
        person = self._person(speaker)
        if person.community is not None:
            programme.sync_programme(self.session, config, person.community, self.clock)
        return route_map.upcoming(self.session, person, self.clock, days)

    def upcoming_in(
        self, view: CommunityView, config: PromptSettings, days: int = 14
    ) -> list[Prompt]:
        """Every prompt of the community to come (an admin's route map)."""
        community = self._community(view)
        programme.sync_programme(self.session, config, community, self.clock)
        return route_map.upcoming_in_community(self.session, community, self.clock, days)

    def reach_report(self, community: CommunityView) -> reach.ReachReport:
        return reach.reach_report(self.session, self._community(community), self.clock)
