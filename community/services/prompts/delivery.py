"""Delivery of due prompts: a prompt in each parent's language (its own text, a translator's,
the machine's marked draft, or the Dutch one with a line saying so), with its kind's
pictogram, hints and buttons, queued once to each parent the audience rule says gets it.

What is due follows from the database and the clock ("due at or before now and not
delivered"), so after an outage the first run catches up; a prompt is marked delivered in the
transaction that queues it, and the outbox's idempotency keys make a second run change nothing.
Prompt texts are content from the programme (or a professional), not catalog messages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from community import prompt_kinds
from community.actions import Button, Media
from community.clock import Clock
from community.i18n import Translator, language_name
from community.models import Community, Person, Prompt
from community.services import prompt_machine_texts, prompt_translations
from community.services.broadcast import queue_to_people
from community.services.machine_translation import MachineTranslator
from community.services.prompts.audience import recipients
from community.services.prompts.programme import sync_programme
from community.services.prompts.schedule import SOURCE_LOCALE, in_quiet_hours, when_text
from config import Settings
from config.programme import PromptSettings


def prompt_text(
    prompt: Prompt,
    locale: str,
    translator: Translator,
    settings: PromptSettings,
    drafts: prompt_machine_texts.PromptDrafts | None = None,
    chosen: prompt_translations.Chosen | None = None,
) -> str:
    """The prompt in the reader's language, led by its kind's pictogram: its own text, else
    `chosen` (a translator's text picked for the reader), else the machine's draft marked as an
    automatic translation (with `[translation]` set), else in Dutch, or the one language it was
    written in (a professional's), plus a line saying which."""
    texts = prompt.texts
    source = SOURCE_LOCALE if SOURCE_LOCALE in texts else next(iter(texts))
    missing = locale not in texts
    fallback = chosen is None or chosen.source == prompt_translations.FALLBACK
    drafted = drafts(locale, source, texts[source]) if missing and fallback and drafts else None
    if drafted:
        body = drafted
    elif chosen is not None:
        body = chosen.text
    else:
        body = texts.get(locale) or texts[source]
    kind = prompt_kinds.of(prompt.kind)
    parts = [kind.lead(body)]
    if prompt.event_at is not None and prompt.place:
        when = when_text(prompt.event_at, locale, settings)
        parts.append(translator.t(locale, "prompt.when_where", when=when, place=prompt.place))
    parts += kind.hints(locale, translator)
    if drafted:
        parts.append(translator.t(locale, "prompt.automatic_translation"))
    elif missing and fallback and source == SOURCE_LOCALE:
        parts.append(translator.t(locale, "prompt.dutch_only"))
    elif missing and fallback:  # written in another language: the reader learns which
        language = language_name(source, locale)
        parts.append(translator.t(locale, "prompt.other_language", language=language))
    return "\n\n".join(parts)


def send_due_prompts(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Queue every due, undelivered prompt to its parents; returns how many messages were
    queued. Outside the quiet hours only; a prompt more than `catch_up_days` late (or an
    invitation whose event began) is skipped, not sent."""
    config = settings.prompts
    if not config.enabled:
        return 0
    now = clock.now()
    with session_factory.begin() as session:
        for community in session.scalars(select(Community)):
            sync_programme(session, config, community, clock)
    if in_quiet_hours(now, config):
        return 0
    with session_factory() as session:
        due = list(
            session.scalars(
                select(Prompt.id)
                .where(Prompt.due_at <= now, Prompt.delivered_at.is_(None))
                .order_by(Prompt.due_at, Prompt.id)
            )
        )
    queued = 0
    with MachineTranslator(settings.translation) as machine:
        for prompt_id in due:
            with session_factory.begin() as session:
                prompt = session.get(Prompt, prompt_id, with_for_update=True)
                if prompt is None or prompt.delivered_at is not None:
                    continue  # another run took it
                queued += deliver(session, prompt, translator, clock, config, machine)
    return queued


def deliver(
    session: Session,
    prompt: Prompt,
    translator: Translator,
    clock: Clock,
    config: PromptSettings,
    machine: MachineTranslator | None = None,
) -> int:
    """Queue the prompt to its parents now (or skip it when too late). With `machine`, a
    parent whose language it has no text in gets the machine's draft, marked."""
    now = clock.now()
    late = now - prompt.due_at > timedelta(days=config.catch_up_days)
    started = prompt.event_at is not None and prompt.event_at <= now
    prompt.delivered_at = now
    if late or started:
        prompt.skipped = True
        return 0
    community = session.get(Community, prompt.community_id)
    default_locale = community.default_locale if community else SOURCE_LOCALE
    people = recipients(session, prompt)
    drafts = prompt_machine_texts.prompt_drafts(session, prompt.id, machine, clock)
    kind = prompt_kinds.of(prompt.kind)

    def buttons(person: Person, locale: str) -> tuple[Button, ...]:
        return kind.buttons(prompt, locale, translator)

    count = queue_to_people(
        session, people, translator, clock, "prompt", key=f"prompt:{prompt.id}",
        default_locale=default_locale, buttons=buttons,
        media=Media.from_json(prompt.media) if prompt.media else None,
        render=lambda locale: prompt_text(
            prompt, locale, translator, config, drafts,
            prompt_translations.chosen(session, prompt, locale),
        ),
        asks=kind.typed_answers,
    )  # fmt: skip
    prompt.recipients = len(people)
    return count
