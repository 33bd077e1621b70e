"""The buddy jobs that ask: "did you meet?" some days after an introduction, and a reminder to
a parent whose first name holds up their pair's introduction. They only queue outbox rows with
idempotency keys, so running them twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from community.actions import Button, SendMessage
from community.clock import Clock
from community.i18n import Translator
from community.models import BuddyPair, PairStatus, Person
from community.services import outbox
from community.services.buddies.pairs import FOLLOW_UP_ANSWERS, first_name, follow_up_data, other
from community.services.outbox import Outgoing


def due_follow_ups(session: Session, clock: Clock, days: int) -> list[BuddyPair]:
    cutoff = clock.now() - timedelta(days=days)
    return list(
        session.scalars(
            select(BuddyPair)
            .where(
                BuddyPair.status == PairStatus.APPROVED,
                BuddyPair.introduced_at.is_not(None),
                BuddyPair.introduced_at <= cutoff,
                BuddyPair.follow_up_at.is_(None),
            )
            .order_by(BuddyPair.id)
        )
    )


# A parent who has not given the first name for their buddy holds up the introduction of both:
# after this many days the bot reminds them, once.
NAME_REMINDER_DAYS = 3


def due_name_reminders(session: Session, clock: Clock, days: int) -> list[tuple[BuddyPair, Person]]:
    """Parents of pairs approved `days` ago or longer who have not given a first name yet."""
    pairs = session.scalars(
        select(BuddyPair)
        .where(
            BuddyPair.status == PairStatus.APPROVED,
            BuddyPair.introduced_at.is_(None),
            BuddyPair.decided_at <= clock.now() - timedelta(days=days),
        )
        .order_by(BuddyPair.id)
    )
    return [
        (pair, person)
        for pair in pairs
        for person in (pair.a, pair.b)
        if person.active and first_name(session, person) is None
    ]


def send_due_name_reminders(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    days: int = NAME_REMINDER_DAYS,
    default_locale: str = "nl",
) -> int:
    """Remind each such parent once (one key per pair and parent); returns how many were new."""
    with session_factory.begin() as session:
        items = [
            Outgoing(
                person.platform,
                person.private_chat_id or person.platform_user_id,
                SendMessage(
                    translator.t(
                        translator.resolve(person.locale or default_locale), "buddy.name.remind"
                    )
                ),
                person.id,
                f"buddy:{pair.id}:name_reminder:{person.id}",
            )
            for pair, person in due_name_reminders(session, clock, days)
        ]
        return outbox.enqueue_all(session, items, clock)


def follow_up_messages(
    session: Session, pairs: Iterable[BuddyPair], translator: Translator, default_locale: str
) -> list[Outgoing]:
    items = []
    for pair in pairs:
        for person in (pair.a, pair.b):
            buddy = other(pair, person)
            locale = translator.resolve(person.locale or default_locale)
            name = first_name(session, buddy) or "?"
            buttons = tuple(
                Button(
                    translator.t(locale, f"buddy.follow_up.{answer}"),
                    follow_up_data(pair.id, answer),
                )
                for answer in FOLLOW_UP_ANSWERS
            )
            text = translator.t(locale, "buddy.follow_up.ask", name=name)
            chat_id = person.private_chat_id or person.platform_user_id
            key = f"buddy:{pair.id}:follow_up:{person.id}"
            items.append(
                Outgoing(
                    person.platform,
                    chat_id,
                    SendMessage(text, buttons),
                    person.id,
                    key,
                    mentions=(buddy.id,),  # names the buddy: erased with them
                )
            )
    return items


def send_due_follow_ups(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    days: int = 14,
    default_locale: str = "nl",
) -> int:
    """Ask both parents of every pair introduced `days` ago or longer "Did you meet?", once.
    Queues outbox rows with idempotency keys and marks the pair asked in the same transaction:
    a second run, or two at once, changes nothing. Returns how many messages were queued."""
    with session_factory.begin() as session:
        pairs = due_follow_ups(session, clock, days)
        if not pairs:
            return 0
        queued = outbox.enqueue_all(
            session, follow_up_messages(session, pairs, translator, default_locale), clock
        )
        for pair in pairs:
            pair.follow_up_at = clock.now()
        return queued
