"""Community translators as one handled event sees them: who translates into which language,
which new prompts they are asked to translate, their answers, and what the writer of a prompt
and the coordinator see of it.

A translator is asked only for a prompt written with /new that has not gone out, and only for a
language of its audience that the prompt has no text in. The first translation of a language
counts; a prompt that went out takes none (its parents already got the Dutch text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import (
    Community,
    CommunityTranslator,
    Person,
    Prompt,
    PromptTranslation,
    RoleCode,
    TranslationRequest,
)
from community.services import people, prompt_translations, prompts
from community.services.people import Speaker
from community.services.rows import hold, maybe, row, view
from community.views import (
    CommunityView,
    PromptView,
    RoleCodeView,
    TranslationRequestView,
    TranslatorView,
)
from config import Settings

SKIP, DONE = "skip", "done"


@dataclass(frozen=True)
class Progress:
    """Where the translations of one prompt stand, for its writer."""

    done: list[str]  # languages translated
    waiting: list[str]  # languages a translator was asked for and may still answer
    skipped: list[str]  # languages every asked translator skipped: parents get the Dutch text


class Translations:
    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self.clock = clock

    # -- who translates ---------------------------------------------------------------------------
    def of(self, speaker: Speaker) -> TranslatorView | None:
        found = self._session.get(CommunityTranslator, speaker.id)
        return maybe(self._session, TranslatorView, found)

    def become(self, speaker: Speaker, community: CommunityView, locale: str) -> TranslatorView:
        """`speaker` translates into `locale` for `community` (a second time: the new language)."""
        found = self._session.get(CommunityTranslator, speaker.id)
        if found is None:
            found = CommunityTranslator(person_id=speaker.id, created_at=self.clock.now())
            self._session.add(found)
        found.community_id, found.locale = community.id, locale
        self._session.flush()
        return view(self._session, TranslatorView, found)

    def spend_code(self, code: RoleCodeView, speaker: Speaker) -> None:
        """A translator code used by a parent or staff member: spent, their role unchanged."""
        record = row(self._session, RoleCode, code.id)
        record.used_at, record.used_by_id = self.clock.now(), speaker.id

    def _translators(self, community_id: int) -> list[tuple[CommunityTranslator, Person]]:
        rows = self._session.execute(
            select(CommunityTranslator, Person)
            .join(Person, Person.id == CommunityTranslator.person_id)
            .where(
                CommunityTranslator.community_id == community_id,
                # Staff who stopped keep no community: they are asked nothing.
                Person.community_id == community_id,
                Person.active.is_(True),
                Person.unreachable_at.is_(None),
            )
            .order_by(CommunityTranslator.created_at, Person.id)
        )
        return [(t, p) for t, p in rows]

    # -- which languages a prompt needs -----------------------------------------------------------
    def _audience_locales(self, prompt: Prompt) -> set[str]:
        """The languages of the parents the prompt goes to."""
        community = self._session.get(Community, prompt.community_id)
        default = community.default_locale if community else prompt_translations.SOURCE_LOCALE
        return {p.locale or default for p in prompts.recipients(self._session, prompt)}

    def needed(
        self,
        community: CommunityView,
        source: str,
        age_bands: Sequence[str] = (),
        neighbourhood_id: int | None = None,
        author_id: int | None = None,
    ) -> list[str]:
        """The languages a prompt for this audience, written in `source`, has translators for
        (the writer left out): what waiting for translators would give it."""
        draft = Prompt(
            community_id=community.id, texts={source: ""}, age_bands=list(age_bands),
            neighbourhood_id=neighbourhood_id,
        )  # fmt: skip
        wanted = self._audience_locales(draft) - {source}
        found = {
            t.locale
            for t, p in self._translators(community.id)
            if t.locale in wanted and p.id != author_id
        }
        return sorted(found)

    def ask(self, asked_for: PromptView) -> list[tuple[Speaker, str]]:
        """Record a request for every translator the prompt needs; returns (translator,
        language) to send it to. Nothing for a prompt of the programme or one already sent."""
        prompt = row(self._session, Prompt, asked_for.id)
        if prompt.key is not None or prompt.delivered_at is not None:
            return []
        wanted = self._audience_locales(prompt) - set(prompt.texts)
        asked = []
        for found, person in self._translators(prompt.community_id):
            if found.locale not in wanted or person.id == prompt.author_id:
                continue
            self._session.add(
                TranslationRequest(
                    prompt_id=prompt.id, person_id=person.id, locale=found.locale,
                    asked_at=self.clock.now(),
                )
            )  # fmt: skip
            asked.append((Speaker.of(hold(self._session, person)), found.locale))
        self._session.flush()
        return asked

    # -- a translator's answer --------------------------------------------------------------------
    def request(self, prompt_id: int, speaker: Speaker) -> TranslationRequestView | None:
        """The request sent to `speaker` for the prompt, whatever became of it."""
        found = self._session.get(TranslationRequest, (prompt_id, speaker.id))
        return maybe(self._session, TranslationRequestView, found)

    def is_open(self, request: TranslationRequestView) -> PromptView | None:
        """The prompt, while a translation of the request's language still counts."""
        return maybe(self._session, PromptView, self._open(request))

    def _open(self, request: TranslationRequestView) -> Prompt | None:
        prompt = self._session.get(Prompt, request.prompt_id)
        if prompt is None or prompt.delivered_at is not None or request.answer == DONE:
            return None
        if prompt_translations.translation(self._session, prompt.id, request.locale) is not None:
            return None
        return prompt

    def skip(self, request: TranslationRequestView) -> None:
        stored = self._request(request)
        stored.answer, stored.answered_at = SKIP, self.clock.now()

    def record(self, request: TranslationRequestView, speaker: Speaker, text: str) -> bool:
        """The translator's text for their request's language; False when it no longer counts
        (sent meanwhile, or another translator was first)."""
        prompt = self._open(request)
        if prompt is None:
            return False
        saved = prompt_translations.save(
            self._session,
            prompt,
            request.locale,
            text,
            people.entity(self._session, speaker),
            self.clock,
        )
        stored = self._request(request)
        stored.answer, stored.answered_at = DONE, self.clock.now()
        return saved is not None

    def _request(self, request: TranslationRequestView) -> TranslationRequest:
        return row(self._session, TranslationRequest, (request.prompt_id, request.person_id))

    def prompt(self, prompt_id: int) -> PromptView | None:
        return maybe(self._session, PromptView, self._session.get(Prompt, prompt_id))

    # -- what the writer and the coordinator see --------------------------------------------------
    def progress(self, prompt: PromptView) -> Progress:
        done = prompt_translations.done_locales(self._session, prompt.id)
        requests = self._session.scalars(
            select(TranslationRequest).where(TranslationRequest.prompt_id == prompt.id)
        ).all()
        asked = sorted({r.locale for r in requests} - set(done))
        open_ = {r.locale for r in requests if r.answer is None}
        waiting = [locale for locale in asked if locale in open_]
        skipped = [locale for locale in asked if locale not in open_]
        return Progress(done, waiting, skipped)

    def counts(self, community: CommunityView) -> tuple[int, int]:
        """How many translators the community has, and how many texts they translated."""
        session = self._session
        translators = session.scalar(
            select(func.count())
            .select_from(CommunityTranslator)
            .where(CommunityTranslator.community_id == community.id)
        )
        done = session.scalar(
            select(func.count())
            .select_from(PromptTranslation)
            .join(Prompt, Prompt.id == PromptTranslation.prompt_id)
            .where(
                Prompt.community_id == community.id,
                PromptTranslation.source == prompt_translations.PERSON,
            )
        )
        return int(translators or 0), int(done or 0)

    def done_by(self, speaker: Speaker) -> int:
        """How many texts `speaker` translated (kept: their thanks says it)."""
        count = self._session.scalar(
            select(func.count())
            .select_from(PromptTranslation)
            .where(PromptTranslation.translator_id == speaker.id)
        )
        return int(count or 0)


def forget_requests(session: Session, clock: Clock, settings: Settings) -> int:
    """Housekeeping: who was asked to translate a prompt, and what they answered, is forgotten
    once the prompt went out `sent_retention_days` ago (the translations stay with the prompt,
    until their translator is erased)."""
    sent_before = clock.now() - timedelta(days=settings.sent_retention_days)
    gone = select(Prompt.id).where(Prompt.delivered_at < sent_before)
    result = session.execute(
        delete(TranslationRequest)
        .where(TranslationRequest.prompt_id.in_(gone))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
