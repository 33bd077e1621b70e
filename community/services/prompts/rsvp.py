"""RSVPs to a prompt whose kind takes them (an invitation): the answer and how many children
come, the event's calendar file, the reminder the day before, and what is still ahead. The
buttons and the counting are the kind's (community/prompt_kinds/invitation.py)."""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from community import prompt_kinds
from community.actions import Media
from community.clock import Clock
from community.i18n import Translator
from community.models import Community, OutboxKey, Person, Prompt, Rsvp
from community.prompt_kinds.invitation import MAX_CHILDREN, RSVP_ANSWERS
from community.services.broadcast import queue_to_people
from community.services.prompts.schedule import (
    SOURCE_LOCALE,
    in_quiet_hours,
    local,
    to_utc,
    when_text,
)
from community.views import PromptView
from config import Settings
from config.programme import PromptSettings

REMINDER_AT = time(10, 0)  # local time of the reminder on the day before the event


def rsvp_kinds() -> tuple[str, ...]:
    return prompt_kinds.names(lambda kind: kind.rsvp)


def received(session: Session, prompt: Prompt, person: Person) -> bool:
    """Whether the prompt was queued for this parent: its idempotency key is their receipt,
    kept long after the message itself (`outbox.KEY_RETENTION_DAYS`)."""
    return session.get(OutboxKey, f"prompt:{prompt.id}:{person.id}") is not None


def open_invitation(
    session: Session, prompt_id: int, person: Person, clock: Clock
) -> Prompt | None:
    """The invitation a button names, if this parent of its community got it and its event is
    to come."""
    prompt = session.get(Prompt, prompt_id)
    if (
        prompt is None
        or not prompt_kinds.of(prompt.kind).rsvp
        or prompt.community_id != person.community_id
        or prompt.event_at is None
        or prompt.event_at <= clock.now()
        or not received(session, prompt, person)
    ):
        return None
    return prompt


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


def invitations_ahead(session: Session, community: Community, clock: Clock) -> list[Prompt]:
    """Invitations of the community whose event is still to come (sent or not yet)."""
    return list(
        session.scalars(
            select(Prompt)
            .where(
                Prompt.community_id == community.id,
                Prompt.kind.in_(rsvp_kinds()),
                Prompt.skipped.is_(False),
                Prompt.event_at > clock.now(),
            )
            .order_by(Prompt.event_at, Prompt.id)
        )
    )


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
                Prompt.kind.in_(rsvp_kinds()),
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
            queued += _remind(session, prompt, translator, clock, config)
            prompt.reminded_at = now
    return queued


def _remind(
    session: Session, prompt: Prompt, translator: Translator, clock: Clock, config: PromptSettings
) -> int:
    people = session.scalars(
        select(Person)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(Rsvp.prompt_id == prompt.id, Rsvp.answer == "yes")
        .order_by(Person.id)
    ).all()
    community = session.get(Community, prompt.community_id)
    assert prompt.event_at is not None
    event_at, place = prompt.event_at, prompt.place or ""

    def render(locale: str) -> str:
        when = when_text(event_at, locale, config)
        return translator.t(locale, "rsvp.reminder", when=when, place=place)

    return queue_to_people(
        session, people, translator, clock, "rsvp.reminder",
        key=f"rsvp-reminder:{prompt.id}",
        default_locale=community.default_locale if community else SOURCE_LOCALE,
        render=render,
    )  # fmt: skip


def calendar_file(prompt: Prompt | PromptView, settings: PromptSettings, title: str) -> Media:
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
