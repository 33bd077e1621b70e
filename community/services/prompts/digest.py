"""The professionals' daily digest: once a day (from `digest_time`), the community's
professionals and coordinators get the parents' new answers, without names: per prompt how
many parents it reached, its kind's counts (an invitation's RSVPs), the texts (with a marked
machine translation where set), then the photos and voice notes themselves."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from community import prompt_kinds
from community.actions import Media
from community.clock import Clock
from community.i18n import Translator
from community.models import Community, Person, Prompt, PromptAnswer, Role
from community.services import prompt_machine_texts
from community.services.broadcast import queue_to_people
from community.services.machine_translation import MachineTranslator
from community.services.prompts.schedule import SOURCE_LOCALE, in_quiet_hours, local
from config import Settings

DIGEST_ANSWERS = 20  # answers quoted in one digest; more are counted
DIGEST_CHARS = 200  # of each answer quoted
DIGEST_MEDIA = 10  # photos and voice notes forwarded with one digest; more wait for the next
EXCERPT = 80


def send_digests(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Once a day, each community's digest (a community without new answers or without staff
    gets none; its answers wait for the next)."""
    config = settings.prompts
    now = clock.now()
    today = local(now, config)
    if not config.enabled or today.time() < config.digest_at or in_quiet_hours(now, config):
        return 0
    queued = 0
    machine = MachineTranslator(settings.translation)
    with session_factory.begin() as session, machine:
        for community in session.scalars(select(Community)).all():
            key = f"digest:{community.id}:{today.date().isoformat()}"
            queued += _digest(session, community, key, translator, clock, machine)
    return queued


def _digest(
    session: Session,
    community: Community,
    key: str,
    translator: Translator,
    clock: Clock,
    machine: MachineTranslator,
) -> int:
    answers = session.scalars(
        select(PromptAnswer)
        .join(Prompt, Prompt.id == PromptAnswer.prompt_id)
        .where(Prompt.community_id == community.id, PromptAnswer.digested_at.is_(None))
        .order_by(PromptAnswer.prompt_id, PromptAnswer.id)
    ).all()
    staff = _staff(session, community)
    if not answers or not staff:
        return 0  # kept for the next digest (a community without staff yet)
    answers = _within_media_cap(answers)
    prompts = {a.prompt_id: session.get(Prompt, a.prompt_id) for a in answers}
    counts = {pid: _counts(session, p) for pid, p in prompts.items() if p is not None}
    rsvps = {pid: c for pid, c in counts.items() if c is not None}
    locales = {translator.resolve(p.locale or community.default_locale) for p in staff}
    translations = prompt_machine_texts.answer_translations(
        answers, locales, machine, _shown, DIGEST_ANSWERS
    )
    queued = queue_to_people(
        session, staff, translator, clock, "digest.intro",
        key=key,
        default_locale=community.default_locale,
        render=partial(digest_text, answers, prompts, translator=translator, rsvps=rsvps,
                       translations=translations),
        mentions=tuple(sorted({a.person_id for a in answers})),
    )  # fmt: skip
    for answer in answers:
        answer.digested_at = clock.now()
        prompt = prompts.get(answer.prompt_id)
        if answer.media is None or prompt is None:
            continue
        # The photo or voice note itself, after the digest, with the prompt it answers;
        # from the platform that holds it (`origin`): the transport fetches it there.
        queued += queue_to_people(
            session, staff, translator, clock, "digest.media_caption",
            key=f"{key}:media:{answer.id}",
            default_locale=community.default_locale,
            media=dataclasses.replace(Media.from_json(answer.media), caption=None),
            render=partial(_media_caption, translator, prompt),
            mentions=(answer.person_id,),
        )  # fmt: skip
    return queued


def _counts(session: Session, prompt: Prompt) -> dict[str, int] | None:
    return prompt_kinds.of(prompt.kind).counts(session, prompt)


def _staff(session: Session, community: Community) -> Sequence[Person]:
    """Who gets the community's digest: its active professionals and coordinators."""
    return session.scalars(
        select(Person)
        .where(
            Person.community_id == community.id,
            Person.role.in_([Role.PROFESSIONAL, Role.COORDINATOR]),
            Person.active.is_(True),
        )
        .order_by(Person.id)
    ).all()


def _shown(answer: PromptAnswer) -> str | None:
    """The part of an answer's text a digest quotes."""
    return answer.text[:DIGEST_CHARS] if answer.text else None


def _media_caption(translator: Translator, prompt: Prompt, locale: str) -> str:
    return translator.t(locale, "digest.media_caption", prompt=_title(prompt, locale))


def _within_media_cap(answers: Sequence[PromptAnswer]) -> list[PromptAnswer]:
    """The answers for today's digest: every text, and photos or voice notes up to
    `DIGEST_MEDIA`; the others wait for the next digest, so a busy week is not a flood."""
    kept: list[PromptAnswer] = []
    media = 0
    for answer in answers:
        if answer.media is not None:
            if media >= DIGEST_MEDIA:
                continue
            media += 1
        kept.append(answer)
    return kept


def _title(prompt: Prompt, locale: str) -> str:
    texts = prompt.texts
    source = texts.get(locale) or texts.get(SOURCE_LOCALE) or next(iter(texts.values()))
    return source if len(source) <= EXCERPT else source[: EXCERPT - 1] + "…"


def digest_text(
    answers: Sequence[PromptAnswer],
    prompts: dict[int, Prompt | None],
    locale: str,
    translator: Translator,
    rsvps: dict[int, dict[str, int]] | None = None,
    translations: dict[tuple[int, str], str] | None = None,
) -> str:
    """The digest in `locale`; `rsvps` (prompt id): the counts of its kind's answers;
    `translations` (answer id, locale): an answer's machine translation, quoted under it and
    marked."""
    lines = [translator.t(locale, "digest.intro", count=len(answers))]
    shown = 0
    for prompt_id, prompt in prompts.items():
        mine = [a for a in answers if a.prompt_id == prompt_id]
        if prompt is None:
            continue
        title = _title(prompt, locale)
        media = sum(1 for a in mine if a.media)
        lines.append("")
        lines.append(translator.t(locale, "digest.prompt", prompt=title, count=len(mine)))
        lines.append(translator.t(locale, "digest.delivered", count=prompt.recipients))
        counts = (rsvps or {}).get(prompt_id)
        if counts is not None:
            lines += prompt_kinds.of(prompt.kind).digest_lines(counts, locale, translator)
        if media:
            lines.append(translator.t(locale, "digest.media", count=media))
        for answer in mine:
            if answer.text and shown < DIGEST_ANSWERS:
                lines.append(f"- {_shown(answer)}")
                machine = (translations or {}).get((answer.id, locale))
                if machine:
                    marked = translator.t(locale, "digest.automatic_translation", text=machine)
                    lines.append(f"  {marked}")
                shown += 1
    return "\n".join(lines)
