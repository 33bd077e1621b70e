"""Machine translation where the school's words or a parent's answer are not in the reader's
language, with `[translation] url` set (config/translation.py); never silent: whatever a
reader gets from the machine is marked so in their language by the caller.

- A prompt with no text in a parent's language goes out as the machine's draft, made once per
  prompt and language and kept in `prompt_machine_text`: every parent of that language reads the
  same text, a restart or a second job run does not ask the server again, and a prompt whose
  text changed before delivery is drafted again (the row names the text it came from). Made at
  delivery, when it is known which languages the parents read; the prompt row is locked then.
- A parent's answer in the professionals' digest gets a translation into each staff member's
  language. It is not stored here: it is part of the digest message, which the outbox keeps
  with the parent's mention (erased with them) and forgets after `sent_retention_days`.

Without the setting, or when the server fails, both return None and the caller does what it
did before (the Dutch text with a line saying so; the answer as written).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import PromptAnswer, PromptMachineText
from community.services.machine_translation import AUTO, MachineTranslator

# (locale, source locale, source text) -> the machine's text in `locale`, or None.
PromptDrafts = Callable[[str, str, str], str | None]


def _hash(source: str, text: str) -> str:
    return hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()


def prompt_text(
    session: Session,
    prompt_id: int,
    locale: str,
    source: str,
    text: str,
    machine: MachineTranslator,
    clock: Clock,
) -> str | None:
    """The prompt in `locale` as the machine drafted it: the kept draft, or a new one (kept)."""
    settings = machine.settings
    if settings is None or not settings.translates_into(locale) or locale == source:
        return None
    digest = _hash(source, text)
    row = session.get(PromptMachineText, (prompt_id, locale))
    if row is not None and row.source_hash == digest:
        return row.text
    drafted = machine.draft(text, source, locale)
    if drafted is None:
        return None
    if row is None:
        row = PromptMachineText(prompt_id=prompt_id, locale=locale)
        session.add(row)
    row.source_locale, row.source_hash, row.text = source, digest, drafted
    row.created_at = clock.now()
    session.flush()
    return drafted


def prompt_drafts(
    session: Session, prompt_id: int, machine: MachineTranslator | None, clock: Clock
) -> PromptDrafts | None:
    """What prompt delivery calls for a language the prompt has no text in; None when off."""
    if machine is None or not machine.enabled:
        return None

    def drafts(locale: str, source: str, text: str) -> str | None:
        return prompt_text(session, prompt_id, locale, source, text, machine, clock)

    return drafts


def answer_translations(
    answers: Sequence[PromptAnswer],
    locales: Iterable[str],
    machine: MachineTranslator | None,
    shown: Callable[[PromptAnswer], str | None],
    limit: int,
) -> dict[tuple[int, str], str]:
    """{(answer id, locale): the answer's shown text translated into locale} for the first
    `limit` answers with a text, into each of `locales` the server may translate into. The
    source language is detected by the server (a parent may answer in their home language
    whatever language the bot speaks to them in); an answer already in that language is left
    as it is."""
    found: dict[tuple[int, str], str] = {}
    settings = machine.settings if machine is not None else None
    if machine is None or settings is None or not settings.enabled:
        return found
    targets = sorted({locale for locale in locales if settings.translates_into(locale)})
    texts = [(answer.id, text) for answer in answers if (text := shown(answer))][:limit]
    for answer_id, text in texts:
        for locale in targets:
            translation = machine.translate(text, AUTO, locale)
            if translation is None:
                continue
            same = translation.detected == locale or translation.text == text.strip()
            if not same:
                found[(answer_id, locale)] = translation.text
    return found
