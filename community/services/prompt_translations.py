"""What text a parent gets for a prompt, in one place: the prompt's own text in their language,
else a translation (a translator's, or a translation server's), else the Dutch text with one
line saying so (`text_for`). Also where translators' texts are stored and read.

Kept apart from community/services/prompts/delivery.py, which only asks `chosen` when it
renders a prompt for a parent's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import Person, Prompt, PromptTranslation
from community.views import PromptView

SOURCE_LOCALE = "nl"  # every prompt has a Dutch text (or the one its writer wrote in)
# Where the text a parent gets comes from.
ORIGINAL = "original"  # the prompt's own text in their language
PERSON = "person"  # a translator's text
MACHINE = "machine"  # a translation server's draft (community/services/machine_translation.py)
FALLBACK = "fallback"  # no text in their language: the source text
# The catalog line that goes with a text from that source; none for the others. (A Dutch
# fallback says "this is in Dutch"; a machine text will say it is an automatic translation.)
NOTES: dict[str, str] = {FALLBACK: "prompt.dutch_only"}


@dataclass(frozen=True)
class Chosen:
    """The text a parent gets, where it came from, and the catalog line that goes with it."""

    text: str
    source: str
    note: str | None


def source_locale(prompt: Prompt | PromptView) -> str:
    """The language the prompt was written in: Dutch, or the writer's own."""
    texts = prompt.texts
    return SOURCE_LOCALE if SOURCE_LOCALE in texts else next(iter(texts))


def translation(session: Session, prompt_id: int, locale: str) -> PromptTranslation | None:
    return session.scalar(
        select(PromptTranslation).where(
            PromptTranslation.prompt_id == prompt_id, PromptTranslation.locale == locale
        )
    )


def text_for(session: Session, prompt: Prompt, locale: str) -> tuple[str, str]:
    """The text a parent reading `locale` gets for `prompt`, and its source (ORIGINAL, PERSON,
    MACHINE or FALLBACK). The one decision: a translation server's fallback hooks in here."""
    texts = prompt.texts
    if locale in texts:
        return str(texts[locale]), ORIGINAL
    found = translation(session, prompt.id, locale) if prompt.id is not None else None
    if found is not None:
        return found.text, found.source
    return str(texts[source_locale(prompt)]), FALLBACK


def chosen(session: Session, prompt: Prompt, locale: str) -> Chosen:
    text, source = text_for(session, prompt, locale)
    # Only a Dutch fallback gets the line: the writer's own other language has always gone as is.
    note = NOTES.get(source)
    if source == FALLBACK and source_locale(prompt) != SOURCE_LOCALE:
        note = None
    return Chosen(text, source, note)


def done_locales(session: Session, prompt_id: int) -> list[str]:
    """The languages the prompt has a translation in, in the order they came."""
    return list(
        session.scalars(
            select(PromptTranslation.locale)
            .where(PromptTranslation.prompt_id == prompt_id)
            .order_by(PromptTranslation.id)
        )
    )


def save(
    session: Session, prompt: Prompt, locale: str, text: str, translator: Person, clock: Clock
) -> PromptTranslation | None:
    """A translator's text, unless the language already has one (the first answer counts)."""
    if translation(session, prompt.id, locale) is not None:
        return None
    row = PromptTranslation(
        prompt_id=prompt.id, locale=locale, text=text, translator_id=translator.id,
        source=PERSON, created_at=clock.now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row
