"""Weekly prompts: the programme in the database, delivery of due prompts, RSVPs, reminders,
parents' answers and the professionals' daily digest.

The jobs (`send_due_prompts`, `send_rsvp_reminders`, `send_digests`) are module-level functions
that read the database and queue outbox rows with idempotency keys through `queue_to_people`:
a job that runs twice, late, or at once with itself changes nothing. What is due follows from the
database and the clock ("due at or before now and not delivered"), so after an outage the first
run catches up; a prompt is marked delivered in the transaction that queues it. Quiet hours and
the time zone come from the config; zoneinfo handles summer and winter time.

Prompt texts are content from the programme (or a professional), not catalog messages: a parent
whose language has no text gets the Dutch text and one catalog line in their own language.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from babel.dates import format_datetime
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from community import pictograms
from community.actions import Button, EditMessage, Media, PinMessage, SendMessage, Target
from community.buttons import action_data
from community.clock import Clock
from community.i18n import Translator, language_name
from community.models import (
    Community,
    OutboxKey,
    ParentProfile,
    Person,
    Prompt,
    PromptAnswer,
    Role,
    Room,
    Rsvp,
)
from community.services import outbox, prompt_machine_texts, prompt_translations
from community.services.broadcast import queue_to_people
from community.services.machine_translation import MachineTranslator
from community.services.outbox import Outgoing
from config import Settings
from config.programme import DAYS, ProgrammeItem, PromptSettings, parse_hhmm

log = logging.getLogger(__name__)

# The stateless button action the RSVP buttons name (registered in bot/engine/handlers/prompts.py).
RSVP_ACTION = "rsvp"
RSVP_COUNT_ACTION = "rsvpn"
RSVP_ANSWERS = ("yes", "no", "maybe")
RSVP_LABELS = {"yes": "rsvp.yes", "no": "rsvp.no", "maybe": "rsvp.maybe"}
MAX_CHILDREN = 4  # buttons 1..4 ("4" means 4 or more)
SOURCE_LOCALE = "nl"  # every prompt has a Dutch text
REMINDER_AT = time(10, 0)  # local time of the reminder on the day before the event
DIGEST_ANSWERS = 20  # answers quoted in one digest; more are counted
DIGEST_CHARS = 200  # of each answer quoted
REACH_LINES = 30  # parents listed per group in a call list; the count says how many in all
REACH_DAYS = 28  # the call list looks back this far
REACH_PROMPTS = 2  # a parent who got this many prompts in that time and answered none is listed
DIGEST_MEDIA = 10  # photos and voice notes forwarded with one digest; more wait for the next
EXCERPT = 80


# -- time ---------------------------------------------------------------------------------------
def to_utc(local: datetime, settings: PromptSettings) -> datetime:
    """A local wall-clock time in the configured zone, as UTC (zoneinfo knows DST)."""
    return local.replace(tzinfo=settings.zone).astimezone(UTC)


def local(moment: datetime, settings: PromptSettings) -> datetime:
    return moment.astimezone(settings.zone)


def in_quiet_hours(moment: datetime, settings: PromptSettings) -> bool:
    now = local(moment, settings).time()
    start, end = settings.quiet_start, settings.quiet_end
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # over midnight, e.g. 21:00-08:00


def quiet_hours_end(moment: datetime, settings: PromptSettings) -> datetime:
    """The first moment after `moment` when the quiet hours end (UTC)."""
    here = local(moment, settings)
    end = datetime.combine(here.date(), settings.quiet_end)
    if end <= here.replace(tzinfo=None):
        end += timedelta(days=1)
    return to_utc(end, settings)


# -- the programme in the database ------------------------------------------------------------
def sync_programme(
    session: Session, settings: PromptSettings, community: Community, clock: Clock
) -> int:
    """Store the programme's prompts for a community (idempotent); returns how many are new.
    Undelivered prompts follow changes to the programme file, also when an item leaves it (its
    unsent prompts are skipped); a prompt due before the community existed is stored as
    skipped, so a new community never gets last week's messages."""
    programme = settings.programme
    if programme is None:
        return 0
    existing = {
        prompt.key: prompt
        for prompt in session.scalars(
            select(Prompt).where(
                Prompt.community_id == community.id,
                Prompt.key.is_not(None),
                Prompt.key.not_like("file:%"),  # imported prompts (prompt_import) are not ours
            )
        )
    }
    added = 0
    wanted: set[str] = set()
    for configured in programme.items:
        item = with_community_time(configured, community)
        for week in configured.weeks:
            key = f"{item.key}-w{week}"
            wanted.add(key)
            due_at = to_utc(item.local_due(programme.start, week), settings)
            event = item.local_event(programme.start, week)
            event_at = to_utc(event, settings) if event is not None else None
            if event_at is not None and due_at >= event_at:
                # The coordinator's day falls after the event in that week: keep the file's.
                due_at = to_utc(configured.local_due(programme.start, week), settings)
            prompt = existing.get(key)
            if prompt is None:
                session.add(
                    Prompt(
                        community_id=community.id, key=key, kind=item.kind,
                        texts=dict(item.texts), age_bands=list(item.age_bands), due_at=due_at,
                        event_at=event_at, place=item.place, media=item.media,
                        created_at=clock.now(),
                        recipients=0, skipped=due_at < community.created_at,
                        delivered_at=clock.now() if due_at < community.created_at else None,
                    )
                )  # fmt: skip
                added += 1
            elif prompt.delivered_at is None:
                prompt.texts, prompt.age_bands = dict(item.texts), list(item.age_bands)
                prompt.due_at, prompt.event_at, prompt.place = due_at, event_at, item.place
                prompt.media = item.media
    # A programme replaced mid-year (as the shipped one was) must not add its old prompts to the
    # new ones: that would break the limit per week.
    for old_key, prompt in existing.items():
        if old_key not in wanted and prompt.delivered_at is None:
            prompt.skipped, prompt.delivered_at = True, clock.now()
    session.flush()
    return added


def with_community_time(item: ProgrammeItem, community: Community) -> ProgrammeItem:
    """The item on the community coordinator's day and time for its kind, if they set one."""
    spec = (community.programme_times or {}).get(item.kind)
    if not isinstance(spec, str) or len(spec.split()) != 2:
        return item
    day, at = spec.split()
    if day not in DAYS:
        return item
    return dataclasses.replace(item, day=day, at=parse_hhmm(at))


def set_programme_time(community: Community, kind: str, day: str, at: time) -> None:
    times = dict(community.programme_times or {})
    times[kind] = f"{day} {at.strftime('%H:%M')}"
    community.programme_times = times  # a new dict: the JSON column sees the change


def create_prompt(
    session: Session,
    community: Community,
    kind: str,
    texts: dict[str, str],
    due_at: datetime,
    clock: Clock,
    *,
    author: Person | None = None,
    event_at: datetime | None = None,
    place: str | None = None,
    age_bands: Sequence[str] = (),
    neighbourhood_id: int | None = None,
    media: Media | None = None,
    options: Sequence[str] | None = None,
) -> Prompt:
    """A prompt a professional wrote (no programme key)."""
    prompt = Prompt(
        community_id=community.id, key=None, kind=kind, texts=dict(texts),
        options=list(options) if options else None,
        age_bands=list(age_bands), neighbourhood_id=neighbourhood_id, due_at=due_at,
        event_at=event_at, place=place,
        media=media.to_json() if media is not None else None,
        author_id=author.id if author else None, created_at=clock.now(), recipients=0,
        skipped=False,
    )  # fmt: skip
    session.add(prompt)
    session.flush()
    return prompt


# -- texts --------------------------------------------------------------------------------------
def when_text(moment: datetime, locale: str, settings: PromptSettings) -> str:
    return format_datetime(local(moment, settings), "EEEE d MMMM, HH:mm", locale=locale)


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
    parts = [pictograms.with_kind(prompt.kind, body)]
    if prompt.event_at is not None and prompt.place:
        when = when_text(prompt.event_at, locale, settings)
        parts.append(translator.t(locale, "prompt.when_where", when=when, place=prompt.place))
    if prompt.kind == "question":
        parts.append(translator.t(locale, "prompt.answer_hint"))
    if drafted:
        parts.append(translator.t(locale, "prompt.automatic_translation"))
    elif missing and fallback and source == SOURCE_LOCALE:
        parts.append(translator.t(locale, "prompt.dutch_only"))
    elif missing and fallback:  # written in another language: the reader learns which
        language = language_name(source, locale)
        parts.append(translator.t(locale, "prompt.other_language", language=language))
    return "\n\n".join(parts)


def rsvp_buttons(prompt: Prompt, locale: str, translator: Translator) -> tuple[Button, ...]:
    return tuple(
        Button(
            translator.t(locale, RSVP_LABELS[answer]), action_data(RSVP_ACTION, prompt.id, answer)
        )
        for answer in RSVP_ANSWERS
    )


OPTION_ACTION = "qa"  # a question's answer button, its arguments: the prompt, the option
MAX_OPTIONS = 4
MAX_OPTION = 30


def option_buttons(prompt: Prompt) -> tuple[Button, ...]:
    """The writer's own options for a question (in the language they wrote them)."""
    return tuple(
        Button(label, action_data(OPTION_ACTION, prompt.id, index))
        for index, label in enumerate(prompt.options or ())
    )


def count_buttons(prompt: Prompt, locale: str, translator: Translator) -> tuple[Button, ...]:
    return tuple(
        Button(
            f"{n}+" if n == MAX_CHILDREN else str(n), action_data(RSVP_COUNT_ACTION, prompt.id, n)
        )
        for n in range(1, MAX_CHILDREN + 1)
    )


# -- who gets a prompt ----------------------------------------------------------------------------
def recipients(session: Session, prompt: Prompt) -> list[Person]:
    """Parents of the community who finished joining, can be reached, did not pause prompts and
    have a child of one of the prompt's age bands (every parent when it names none)."""
    rows = session.execute(
        select(Person, ParentProfile)
        .join(ParentProfile, ParentProfile.person_id == Person.id)
        .where(
            Person.community_id == prompt.community_id,
            Person.role == Role.PARENT,
            Person.active.is_(True),
            Person.unreachable_at.is_(None),
            ParentProfile.completed_at.is_not(None),
            ParentProfile.prompts_paused.is_(False),
        )
        .order_by(Person.id)
    ).all()
    bands = set(prompt.age_bands)
    return [
        p
        for p, profile in rows
        if (not bands or bands & set(profile.age_bands))
        and (prompt.neighbourhood_id is None or profile.neighbourhood_id == prompt.neighbourhood_id)
    ]


# -- the jobs -------------------------------------------------------------------------------------
PROMPTS_JOB_ID = "prompts:due"  # not dotted: dotted strings here are message ids
PROMPTS_EVERY_MINUTES = 15  # due prompts, reminders and digests wait at most this long


def run_due_jobs(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Everything the prompts need from the scheduler, in one run: due prompts, reminders the
    day before an event, the professionals' digest, the weekly route map in the rooms. Returns
    how many messages were queued."""
    args = (session_factory, translator, clock, settings)
    queued = send_due_prompts(*args) + send_rsvp_reminders(*args) + send_digests(*args)
    return queued + post_route_maps(*args)


def register_jobs(scheduler: Any, job: Callable[[], None]) -> None:
    """Add the prompts job to the product's one APScheduler (community/scheduler.py). `job` is
    that module's module-level function (jobs are stored by reference) calling `run_due_jobs`
    with the scheduler's runtime; a fixed id and `replace_existing` keep one copy per restart."""
    trigger = IntervalTrigger(minutes=PROMPTS_EVERY_MINUTES)
    scheduler.add_job(job, trigger, id=PROMPTS_JOB_ID, replace_existing=True)


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
    buttons = None
    if prompt.kind == "invitation":
        buttons = lambda person, locale: rsvp_buttons(prompt, locale, translator)  # noqa: E731
    elif prompt.kind == "question" and prompt.options:
        buttons = lambda person, locale: option_buttons(prompt)  # noqa: E731
    count = queue_to_people(
        session, people, translator, clock, "prompt", key=f"prompt:{prompt.id}",
        default_locale=default_locale, buttons=buttons,
        media=Media.from_json(prompt.media) if prompt.media else None,
        render=lambda locale: prompt_text(
            prompt, locale, translator, config, drafts,
            prompt_translations.chosen(session, prompt, locale),
        ),
        asks=prompt.kind == "question",
    )  # fmt: skip
    prompt.recipients = len(people)
    return count


def send_rsvp_reminders(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """The day before an event, remind the parents who said yes (once)."""
    config = settings.prompts
    now = clock.now()
    if not config.enabled or in_quiet_hours(now, config):
        return 0
    queued = 0
    with session_factory.begin() as session:
        invitations = session.scalars(
            select(Prompt).where(
                Prompt.kind == "invitation",
                Prompt.delivered_at.is_not(None),
                Prompt.skipped.is_(False),
                Prompt.reminded_at.is_(None),
                Prompt.event_at > now,
            )
        ).all()
        for prompt in invitations:
            assert prompt.event_at is not None
            day_before = local(prompt.event_at, config).date() - timedelta(days=1)
            if now < to_utc(datetime.combine(day_before, REMINDER_AT), config):
                continue
            people = session.scalars(
                select(Person)
                .join(Rsvp, Rsvp.person_id == Person.id)
                .where(Rsvp.prompt_id == prompt.id, Rsvp.answer == "yes")
                .order_by(Person.id)
            ).all()
            community = session.get(Community, prompt.community_id)
            event_at, place = prompt.event_at, prompt.place or ""

            def render(locale: str, event_at: datetime = event_at, place: str = place) -> str:
                when = when_text(event_at, locale, config)
                return translator.t(locale, "rsvp.reminder", when=when, place=place)

            queued += queue_to_people(
                session, people, translator, clock, "rsvp.reminder",
                key=f"rsvp-reminder:{prompt.id}",
                default_locale=community.default_locale if community else SOURCE_LOCALE,
                render=render,
            )  # fmt: skip
            prompt.reminded_at = now
    return queued


def send_digests(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Once a day (from `digest_time`), the community's professionals and coordinators get the
    parents' new answers: counts per prompt and the texts, without names."""
    config = settings.prompts
    now = clock.now()
    today = local(now, config)
    if not config.enabled or today.time() < config.digest_at or in_quiet_hours(now, config):
        return 0
    queued = 0
    machine = MachineTranslator(settings.translation)
    with session_factory.begin() as session, machine:
        for community in session.scalars(select(Community)).all():
            answers = session.scalars(
                select(PromptAnswer)
                .join(Prompt, Prompt.id == PromptAnswer.prompt_id)
                .where(Prompt.community_id == community.id, PromptAnswer.digested_at.is_(None))
                .order_by(PromptAnswer.prompt_id, PromptAnswer.id)
            ).all()
            staff = _staff(session, community)
            if not answers or not staff:
                continue  # kept for the next digest (a community without staff yet)
            answers = _within_media_cap(answers)
            prompts = {a.prompt_id: session.get(Prompt, a.prompt_id) for a in answers}
            rsvps = {
                pid: rsvp_counts(session, p)
                for pid, p in prompts.items()
                if p is not None and p.kind == "invitation"
            }
            key = f"digest:{community.id}:{today.date().isoformat()}"
            locales = {translator.resolve(p.locale or community.default_locale) for p in staff}
            translations = prompt_machine_texts.answer_translations(
                answers, locales, machine, _shown, DIGEST_ANSWERS
            )
            queued += queue_to_people(
                session, staff, translator, clock, "digest.intro",
                key=key,
                default_locale=community.default_locale,
                render=partial(digest_text, answers, prompts, translator=translator, rsvps=rsvps,
                               translations=translations),
                mentions=tuple(sorted({a.person_id for a in answers})),
            )  # fmt: skip
            for answer in answers:
                answer.digested_at = now
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
    """The digest in `locale`; `translations` (answer id, locale): an answer's machine
    translation, quoted under it and marked."""
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
            lines.append(translator.t(locale, "digest.rsvps", **counts))
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


# -- RSVPs --------------------------------------------------------------------------------------
def open_invitation(
    session: Session, prompt_id: int, person: Person, clock: Clock
) -> Prompt | None:
    """The invitation a button names, if this parent of its community got it and its event is
    to come."""
    prompt = session.get(Prompt, prompt_id)
    if (
        prompt is None
        or prompt.kind != "invitation"
        or prompt.community_id != person.community_id
        or prompt.event_at is None
        or prompt.event_at <= clock.now()
        or not received(session, prompt, person)
    ):
        return None
    return prompt


def received(session: Session, prompt: Prompt, person: Person) -> bool:
    """Whether the prompt was queued for this parent: its idempotency key is their receipt,
    kept long after the message itself (`outbox.KEY_RETENTION_DAYS`)."""
    return session.get(OutboxKey, f"prompt:{prompt.id}:{person.id}") is not None


def record_rsvp(
    session: Session, prompt: Prompt, person: Person, answer: str, clock: Clock
) -> Rsvp:
    if answer not in RSVP_ANSWERS:
        raise ValueError(f"not an RSVP answer: {answer!r}")
    rsvp = session.get(Rsvp, (prompt.id, person.id))
    if rsvp is None:
        rsvp = Rsvp(prompt_id=prompt.id, person_id=person.id, answer=answer)
        session.add(rsvp)
    rsvp.answer, rsvp.updated_at = answer, clock.now()
    if answer != "yes":
        rsvp.children = None
    session.flush()
    return rsvp


def set_children(
    session: Session, prompt: Prompt, person: Person, count: int, clock: Clock
) -> bool:
    """How many children come; only after a yes."""
    rsvp = session.get(Rsvp, (prompt.id, person.id))
    if rsvp is None or rsvp.answer != "yes" or not 1 <= count <= MAX_CHILDREN:
        return False
    rsvp.children, rsvp.updated_at = count, clock.now()
    return True


def rsvp_counts(session: Session, prompt: Prompt) -> dict[str, int]:
    """Answers per kind and children coming ("children"). Who did not answer is not counted:
    not answering never means not interested."""
    counts = {answer: 0 for answer in RSVP_ANSWERS}
    rows = session.execute(
        select(Rsvp.answer, func.count(), func.coalesce(func.sum(Rsvp.children), 0))
        .where(Rsvp.prompt_id == prompt.id)
        .group_by(Rsvp.answer)
    ).all()
    children = 0
    for answer, count, kids in rows:
        counts[answer] = count
        children += int(kids or 0)
    counts["children"] = children
    return counts


def calendar_file(prompt: Prompt, settings: PromptSettings, title: str) -> Media:
    """The event as an .ics file (a data: URL the adapters upload as a document)."""
    from icalendar import Calendar, Event

    assert prompt.event_at is not None
    start = local(prompt.event_at, settings)
    calendar = Calendar()
    calendar.add("prodid", "-//Ouderkring//prompts//NL")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"prompt-{prompt.id}@ouderkring")
    event.add("dtstamp", prompt.created_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=1))
    event.add("summary", title)
    if prompt.place:
        event.add("location", prompt.place)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    data = base64.b64encode(calendar.to_ical()).decode()
    return Media("document", f"data:text/calendar;base64,{data}", None, "text/calendar", len(data))


# -- answers --------------------------------------------------------------------------------------
def open_question(session: Session, person: Person, clock: Clock, days: int) -> Prompt | None:
    """The latest question prompt this parent got in the last `days` days, if any."""
    since = clock.now() - timedelta(days=days)
    candidates = session.scalars(
        select(Prompt)
        .where(
            Prompt.community_id == person.community_id,
            Prompt.kind == "question",
            Prompt.skipped.is_(False),
            Prompt.delivered_at >= since,
        )
        .order_by(Prompt.delivered_at.desc(), Prompt.id.desc())
        .limit(5)
    ).all()
    for prompt in candidates:
        if received(session, prompt, person):
            return prompt
    return None


def record_answer(
    session: Session,
    prompt: Prompt,
    person: Person,
    clock: Clock,
    text: str | None = None,
    media: Media | None = None,
) -> PromptAnswer:
    answer = PromptAnswer(
        prompt_id=prompt.id,
        person_id=person.id,
        text=text or None,
        media=media.to_json() if media is not None else None,
        created_at=clock.now(),
    )
    session.add(answer)
    session.flush()
    return answer


SHARE_ACTION = "share"  # a parent's yes / no to sharing an answer in the group rooms
SHARE_PURPOSE = "tips"  # where answers are shared: the community's tips room(s)


def record_choice(
    session: Session, prompt: Prompt, person: Person, clock: Clock, label: str
) -> PromptAnswer:
    """A press on a question's button: one answer per parent, a later press changes it (and
    it shows in the next digest again)."""
    earlier = session.scalar(
        select(PromptAnswer).where(
            PromptAnswer.prompt_id == prompt.id,
            PromptAnswer.person_id == person.id,
            PromptAnswer.text.in_(prompt.options or []),
        )
    )
    if earlier is None:
        return record_answer(session, prompt, person, clock, label)
    earlier.text, earlier.created_at, earlier.digested_at = label, clock.now(), None
    return earlier


def has_answered(session: Session, prompt: Prompt, person: Person) -> bool:
    found = session.scalar(
        select(PromptAnswer.id)
        .where(PromptAnswer.prompt_id == prompt.id, PromptAnswer.person_id == person.id)
        .limit(1)
    )
    return found is not None


def answered_question(session: Session, prompt_id: int, person: Person) -> Prompt | None:
    """A question with buttons that this parent got (a press may come days later)."""
    prompt = session.get(Prompt, prompt_id)
    if prompt is None or prompt.kind != "question" or not prompt.options:
        return None
    if prompt.community_id != person.community_id or not received(session, prompt, person):
        return None
    return prompt


def answer_to_share(session: Session, answer_id: int, person: Person) -> PromptAnswer | None:
    """The parent's own answer, not shared yet, with something to show; else None."""
    answer = session.get(PromptAnswer, answer_id)
    if answer is None or answer.person_id != person.id or answer.shared_at is not None:
        return None
    return answer if answer.text or answer.media else None


def share_rooms(session: Session, community: Community) -> list[Room]:
    rows = session.scalars(select(Room).where(Room.community_id == community.id).order_by(Room.id))
    return [room for room in rows if (room.purpose or SHARE_PURPOSE) == SHARE_PURPOSE]


def local_date(moment: datetime, settings: PromptSettings) -> date:
    return local(moment, settings).date()


# -- the route map and the reach list -----------------------------------------------------------
def upcoming(session: Session, person: Person, clock: Clock, days: int = 14) -> list[Prompt]:
    """The prompts this person will get in the next `days` days (their age bands only)."""
    if person.community is None:
        return []
    rows = upcoming_in_community(session, person.community, clock, days)
    profile = person.profile
    bands = set(profile.age_bands) if profile is not None else set()
    hood = profile.neighbourhood_id if profile is not None else None
    return [
        p
        for p in rows
        if (not p.age_bands or not bands or bands & set(p.age_bands))
        and (p.neighbourhood_id is None or hood is None or p.neighbourhood_id == hood)
    ]


def invitations_ahead(session: Session, community: Community, clock: Clock) -> list[Prompt]:
    """Invitations of the community whose event is still to come (sent or not yet)."""
    return list(
        session.scalars(
            select(Prompt)
            .where(
                Prompt.community_id == community.id,
                Prompt.kind == "invitation",
                Prompt.skipped.is_(False),
                Prompt.event_at > clock.now(),
            )
            .order_by(Prompt.event_at, Prompt.id)
        )
    )


ROUTE_KINDS = {
    "tip": "routekaart.kind.tip",
    "question": "routekaart.kind.question",
    "invitation": "routekaart.kind.invitation",
    "support": "routekaart.kind.support",
}
ROUTE_MAP_DAY, ROUTE_MAP_AT = 0, time(9, 0)  # rooms get a new pinned route map on Monday 09:00


def route_map_lines(
    coming: Sequence[Prompt], locale: str, translator: Translator, config: PromptSettings
) -> list[str]:
    """The route map: the rhythm (at most N a week, never in the quiet hours), the prompts to
    come, and where help and one's data are."""
    programme = config.programme
    lines = [
        translator.t(locale, "routekaart.intro"),
        translator.t(
            locale,
            "routekaart.rhythm",
            count=programme.max_per_week if programme is not None else 3,
            start=config.quiet_start.strftime("%H:%M"),
            end=config.quiet_end.strftime("%H:%M"),
        ),
    ]
    if coming:
        lines += ["", translator.t(locale, "routekaart.next")]
        for prompt in coming[:6]:
            what = translator.t(locale, ROUTE_KINDS.get(prompt.kind, "routekaart.kind.tip"))
            if prompt.kind == "invitation" and prompt.event_at is not None:
                when = when_text(prompt.event_at, locale, config)
                what = translator.t(locale, "routekaart.event", place=prompt.place or "", when=when)
            lines.append(f"- {when_text(prompt.due_at, locale, config)}: {what}")
    else:
        lines += ["", translator.t(locale, "routekaart.nothing")]
    return [*lines, "", translator.t(locale, "routekaart.help")]


def upcoming_in_community(
    session: Session, community: Community, clock: Clock, days: int = 14
) -> list[Prompt]:
    now = clock.now()
    return list(
        session.scalars(
            select(Prompt)
            .where(
                Prompt.community_id == community.id,
                Prompt.delivered_at.is_(None),
                Prompt.due_at <= now + timedelta(days=days),
            )
            .order_by(Prompt.due_at, Prompt.id)
        )
    )


def post_route_maps(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Each Monday from 09:00, every room of a community gets the route map, pinned, in the
    community's language (once a week: the key names the room and the week). When the schedule
    changes after that (a new prompt, a changed programme), the pinned map is edited in place.
    Returns how many messages were queued."""
    config = settings.prompts
    now = clock.now()
    today = local(now, config)
    if not config.enabled or in_quiet_hours(now, config):
        return 0
    weekly = today.weekday() == ROUTE_MAP_DAY and today.time() >= ROUTE_MAP_AT
    year, week, _ = today.isocalendar()
    queued = 0
    with session_factory.begin() as session:
        for community in session.scalars(select(Community)).all():
            rooms = session.scalars(select(Room).where(Room.community_id == community.id)).all()
            if not rooms:
                continue
            sync_programme(session, config, community, clock)
            coming = upcoming_in_community(session, community, clock)
            locale = translator.resolve(community.default_locale)
            text = "\n".join(route_map_lines(coming, locale, translator, config))
            digest = hashlib.sha256(text.encode()).hexdigest()
            for room in rooms:
                if weekly:
                    queued += _pin_route_map(session, room, text, digest, f"{year}-{week}", clock)
                if room.route_map_id is not None and room.route_map_digest != digest:
                    edit = EditMessage(Target(outbox_id=room.route_map_id), text)
                    queued += outbox.enqueue_all(
                        session, [Outgoing(room.platform, room.chat_id, edit)], clock
                    )
                    room.route_map_digest = digest
    return queued


def _pin_route_map(
    session: Session, room: Room, text: str, digest: str, week: str, clock: Clock
) -> int:
    def pinned(row_id: int) -> None:
        room.route_map_id, room.route_map_digest = row_id, digest

    key = f"routekaart:{room.id}:{week}"
    return outbox.enqueue_all(
        session,
        [
            Outgoing(room.platform, room.chat_id, SendMessage(text), None, key, queued=pinned),
            Outgoing(
                room.platform, room.chat_id, PinMessage(Target(earlier=1)), None, f"{key}:pin"
            ),
        ],
        clock,
    )


@dataclass(frozen=True)
class ReachEntry:
    neighbourhood: str | None
    home_languages: tuple[str, ...]
    age_bands: tuple[str, ...]
    since: datetime


@dataclass(frozen=True)
class ReachReport:
    unreachable: list[ReachEntry]  # the platform said messages do not reach them
    quiet: list[ReachEntry]  # got prompts, replied to none in the window


def reach_report(
    session: Session, community: Community, clock: Clock, days: int = REACH_DAYS
) -> ReachReport:
    """Parents to phone or visit instead: those messages do not reach, and those who did not
    reply to any prompt for `days` days (which never means they are not interested)."""
    since = clock.now() - timedelta(days=days)
    rows = session.execute(
        select(Person, ParentProfile)
        .join(ParentProfile, ParentProfile.person_id == Person.id)
        .where(
            Person.community_id == community.id,
            Person.role == Role.PARENT,
            Person.active.is_(True),
            ParentProfile.completed_at.is_not(None),
        )
        .order_by(Person.id)
    ).all()
    sent_prompts = set(
        session.scalars(
            select(Prompt.id).where(
                Prompt.community_id == community.id,
                Prompt.delivered_at >= since,
                Prompt.skipped.is_(False),
            )
        )
    )
    replied = set(
        session.scalars(select(PromptAnswer.person_id).where(PromptAnswer.created_at >= since))
    ) | set(session.scalars(select(Rsvp.person_id).where(Rsvp.updated_at >= since)))
    got: dict[int, int] = {}  # prompts each parent got in the window
    received = session.execute(
        select(OutboxKey.key, OutboxKey.person_id)
        .join(Person, Person.id == OutboxKey.person_id)
        .where(
            Person.community_id == community.id,
            OutboxKey.created_at >= since,
            OutboxKey.key.like("prompt:%"),
        )
    )
    for key, person_id in received:
        if person_id is not None and int(key.split(":")[1]) in sent_prompts:
            got[person_id] = got.get(person_id, 0) + 1
    unreachable: list[ReachEntry] = []
    quiet: list[ReachEntry] = []
    for person, profile in rows:
        entry = ReachEntry(
            profile.neighbourhood.name if profile.neighbourhood else None,
            tuple(profile.home_languages),
            tuple(profile.age_bands),
            person.unreachable_at or person.created_at,
        )
        if person.unreachable_at is not None:
            unreachable.append(entry)
        elif profile.prompts_paused:
            continue  # they asked for a pause: not silence, and nothing to phone about
        elif got.get(person.id, 0) >= REACH_PROMPTS and person.id not in replied:
            quiet.append(entry)
    return ReachReport(unreachable, quiet)


def reach_text(
    report: ReachReport, community_name: str, translator: Translator, locale: str
) -> str:
    """The call list as staff read it (/reach and `ouderkring reach`), in `locale`."""
    t = translator.t

    def line(entry: ReachEntry) -> str:
        place = entry.neighbourhood or t(locale, "profile.no_answer")
        languages = ", ".join(language_name(code, locale) for code in entry.home_languages)
        ages = ", ".join(t(locale, f"age.{band.replace('-', '_')}") for band in entry.age_bands)
        interpreter = (
            f" · {t(locale, 'reach.interpreter')}" if "nl" not in entry.home_languages else ""
        )
        return f"- {place} · {languages or '-'} · {ages or '-'}{interpreter}"

    lines = [t(locale, "reach.intro", community=community_name)]
    if not report.unreachable and not report.quiet:
        lines.append(t(locale, "reach.none"))
    if report.unreachable:
        lines += ["", t(locale, "reach.unreachable", count=len(report.unreachable))]
        lines += [line(entry) for entry in report.unreachable[:REACH_LINES]]
    if report.quiet:
        # The label says the rule itself: "4 weeks" alone is wrong for a parent who joined today.
        weeks, count = REACH_DAYS // 7, len(report.quiet)
        lines += ["", t(locale, "reach.quiet", prompts=REACH_PROMPTS, weeks=weeks, count=count)]
        lines += [line(entry) for entry in report.quiet[:REACH_LINES]]
        lines += [t(locale, "reach.not_uninterested")]
    if report.unreachable or report.quiet:
        lines += ["", t(locale, "reach.tip")]
    return "\n".join(lines)
