"""The domain as one handled event sees it: one service object per area, each bound to that
event's transaction (`domain.rooms.find(...)`, `domain.buddies.pair(...)`).

Handlers get this through their context and never see a Session; the engine owns the
transaction (all or nothing). Scheduled jobs and the matcher use the same services directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from functools import cached_property

from sqlalchemy.orm import Session

from community.actions import Media
from community.clock import Clock
from community.i18n import Translator
from community.models import Community, Neighbourhood, Person, Prompt, PromptAnswer, Room, Rsvp
from community.services import communities, prompts
from community.services.buddies import Buddies
from community.services.domain_areas import (
    Communities,
    Dialogues,
    People,
    Privacy,
    Relay,
    Rooms,
    Sent,
)
from community.services.machine_translation import MachineTranslator
from community.services.moderation import Moderation
from community.services.staff import Staff
from community.services.translators import Translations
from config.programme import PromptSettings
from config.translation import TranslationSettings


class Domain:
    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self.clock = clock
        # The people whose first name this event read: what it queues may quote them, so the
        # rows are linked to them and erased with them (`Outgoing.mentions`).
        self.quoted: set[int] = set()

    @cached_property
    def communities(self) -> Communities:
        return Communities(self._session, self.clock)

    @cached_property
    def people(self) -> People:
        return People(self._session, self.clock)

    @cached_property
    def privacy(self) -> Privacy:
        """/mydata and erasure (community/services/mydata.py, erasure.py)."""
        return Privacy(self._session, self.clock, self.quoted)

    @cached_property
    def dialogues(self) -> Dialogues:
        return Dialogues(self._session, self.clock)

    @cached_property
    def rooms(self) -> Rooms:
        return Rooms(self._session, self.clock)

    @cached_property
    def relay(self) -> Relay:
        return Relay(self._session, self.clock)

    @cached_property
    def sent(self) -> Sent:
        return Sent(self._session, self.clock)

    @cached_property
    def buddies(self) -> Buddies:
        return Buddies(self._session, self.clock, self.quoted)

    @cached_property
    def moderation(self) -> Moderation:
        return Moderation(self._session, self.clock)

    @cached_property
    def staff(self) -> Staff:
        return Staff(self._session, self.clock, self)

    @cached_property
    def translations(self) -> Translations:
        return Translations(self._session, self.clock)

    # -- weekly prompts ---------------------------------------------------------------------------
    def open_invitation(self, prompt_id: int, person: Person) -> Prompt | None:
        return prompts.open_invitation(self._session, prompt_id, person, self.clock)

    def record_rsvp(self, prompt: Prompt, person: Person, answer: str) -> Rsvp:
        return prompts.record_rsvp(self._session, prompt, person, answer, self.clock)

    def set_rsvp_children(self, prompt: Prompt, person: Person, count: int) -> bool:
        return prompts.set_children(self._session, prompt, person, count, self.clock)

    def open_question(self, person: Person, days: int) -> Prompt | None:
        return prompts.open_question(self._session, person, self.clock, days)

    def record_answer(
        self, prompt: Prompt, person: Person, text: str | None, media: Media | None
    ) -> PromptAnswer:
        return prompts.record_answer(self._session, prompt, person, self.clock, text, media)

    def set_prompts_paused(self, person: Person, paused: bool) -> bool:
        """Pause or resume the prompts for a parent; False when they have no profile yet."""
        if person.profile is None:
            return False
        person.profile.prompts_paused = paused
        return True

    def answer_to_share(self, answer_id: int, person: Person) -> PromptAnswer | None:
        return prompts.answer_to_share(self._session, answer_id, person)

    def share_rooms(self, community: Community) -> list[Room]:
        return prompts.share_rooms(self._session, community)

    def mark_shared(self, answer: PromptAnswer) -> None:
        answer.shared_at = self.clock.now()

    def upcoming_prompts(
        self, person: Person, config: PromptSettings, days: int = 14
    ) -> list[Prompt]:
        """What comes next for this person; the programme is stored first, so the route map
        is right also before the scheduler's first run (the console demo runs none)."""
        if person.community is not None:
            prompts.sync_programme(self._session, config, person.community, self.clock)
        return prompts.upcoming(self._session, person, self.clock, days)

    def upcoming_in(
        self, community: Community, config: PromptSettings, days: int = 14
    ) -> list[Prompt]:
        """Every prompt of the community to come (an admin's route map)."""
        prompts.sync_programme(self._session, config, community, self.clock)
        return prompts.upcoming_in_community(self._session, community, self.clock, days)

    def reach_report(self, community: Community) -> prompts.ReachReport:
        return prompts.reach_report(self._session, community, self.clock)

    def create_prompt(
        self,
        community: Community,
        kind: str,
        texts: dict[str, str],
        due_at: datetime,
        author: Person | None,
        event_at: datetime | None = None,
        place: str | None = None,
        media: Media | None = None,
        age_bands: Sequence[str] = (),
        neighbourhood_id: int | None = None,
        options: Sequence[str] | None = None,
    ) -> Prompt:
        return prompts.create_prompt(
            self._session, community, kind, texts, due_at, self.clock, author=author,
            event_at=event_at, place=place, media=media, age_bands=age_bands,
            neighbourhood_id=neighbourhood_id, options=options,
        )  # fmt: skip

    def record_choice(self, prompt: Prompt, person: Person, label: str) -> PromptAnswer:
        return prompts.record_choice(self._session, prompt, person, self.clock, label)

    def has_answered(self, prompt: Prompt, person: Person) -> bool:
        return prompts.has_answered(self._session, prompt, person)

    def answered_question(self, prompt_id: int, person: Person) -> Prompt | None:
        return prompts.answered_question(self._session, prompt_id, person)

    def set_programme_time(self, community: Community, kind: str, day: str, at: time) -> None:
        prompts.set_programme_time(community, kind, day, at)

    def neighbourhood_named(self, community: Community, typed: str) -> Neighbourhood | None:
        return communities.neighbourhood_named(community, typed)

    def neighbourhood(self, neighbourhood_id: int) -> Neighbourhood | None:
        return self._session.get(Neighbourhood, neighbourhood_id)

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
        if prompts.in_quiet_hours(self.clock.now(), config):
            return 0
        with MachineTranslator(translation) as machine:
            return prompts.deliver(self._session, prompt, translator, self.clock, config, machine)

    def invitations_ahead(self, community: Community) -> list[tuple[Prompt, dict[str, int]]]:
        """Invitations still to come, each with its answers so far."""
        return [
            (prompt, prompts.rsvp_counts(self._session, prompt))
            for prompt in prompts.invitations_ahead(self._session, community, self.clock)
        ]
