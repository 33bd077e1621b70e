"""A parent who stays silent is forgotten: after `[privacy] inactive_days` without writing or
pressing anything, everything about them is erased, like a /stop with "erase".

A week before (`WARNING_DAYS`), they are told in their language that writing anything keeps
their place (the engine then moves "last seen" and takes the warning back). Only a parent who
was told at least that long ago is erased; a parent who said /stop (no more messages) is not
told and is erased when the time is up. Staff are not erased for silence: their role ends when
an admin revokes it. Both steps run in the nightly housekeeping and are safe to run twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from community.actions import SendMessage
from community.clock import Clock
from community.i18n import Translator
from community.models import Person, Role
from community.services import buddies, outbox, prompts
from community.services.domain_areas import erase_person
from community.services.outbox import Outgoing
from config import Settings
from config.privacy import WARNING_DAYS

WARNING_ID = "privacy.inactive.warning"
# Who is erased for silence: everyone who is not staff.
SUBJECT_ROLES = (Role.GUEST, Role.PARENT)


def _last_seen() -> ColumnElement[datetime]:
    return func.coalesce(Person.last_seen_at, Person.created_at)


def after_quiet_hours(now: datetime, settings: Settings) -> datetime:
    """`now`, or the end of the quiet hours when `now` is in them: nobody gets this at night."""
    config = settings.prompts
    if not prompts.in_quiet_hours(now, config):
        return now
    local_now = prompts.local(now, config)
    end = local_now.replace(
        hour=config.quiet_end.hour, minute=config.quiet_end.minute, second=0, microsecond=0
    )
    if end <= local_now:
        end += timedelta(days=1)
    return prompts.to_utc(end.replace(tzinfo=None), config)


def warn(session: Session, clock: Clock, settings: Settings, translator: Translator) -> int:
    """Tell every active parent whose silence ends in `WARNING_DAYS` days; returns how many."""
    days = settings.privacy.inactive_days
    if days <= 0:
        return 0
    now = clock.now()
    due = list(
        session.scalars(
            select(Person)
            .where(
                Person.role.in_(SUBJECT_ROLES),
                Person.active,
                Person.inactivity_warned_at.is_(None),
                _last_seen() <= now - timedelta(days=days - WARNING_DAYS),
            )
            .order_by(Person.id)
        )
    )
    items = []
    for person in due:
        locale = translator.resolve(person.locale or settings.default_locale)
        text = translator.t(locale, WARNING_ID, days=WARNING_DAYS)
        seen = person.last_seen_at or person.created_at
        items.append(
            Outgoing(
                person.platform,
                person.private_chat_id or person.platform_user_id,
                SendMessage(text),
                person.id,
                # one warning per silence: a parent who writes and falls silent again is told again
                f"privacy:inactive:{person.id}:{seen.date().isoformat()}",
            )
        )
        person.inactivity_warned_at = now
    outbox.enqueue(session, items, clock, available_at=after_quiet_hours(now, settings))
    session.commit()
    return len(due)


def erase_silent(session: Session, clock: Clock, settings: Settings, translator: Translator) -> int:
    """Erase every parent silent for `inactive_days` who was told a week ago (or said /stop);
    their buddy hears that the pair ended, as after a /stop. Returns how many."""
    days = settings.privacy.inactive_days
    if days <= 0:
        return 0
    now = clock.now()
    told = Person.inactivity_warned_at <= now - timedelta(days=WARNING_DAYS)
    due = list(
        session.scalars(
            select(Person)
            .where(
                Person.role.in_(SUBJECT_ROLES),
                _last_seen() <= now - timedelta(days=days),
                told | ~Person.active,
            )
            .order_by(Person.id)
            .with_for_update()
        )
    )
    for person in due:
        pair = buddies.active_pair(session, person)
        if pair is not None and buddies.end_pair(pair, clock):
            buddy = buddies.other(pair, person)
            locale = translator.resolve(buddy.locale or settings.default_locale)
            text = translator.t(locale, "buddy.ended.other")
            chat = buddy.private_chat_id or buddy.platform_user_id
            items = [Outgoing(buddy.platform, chat, SendMessage(text), buddy.id)]
            outbox.enqueue(session, items, clock, available_at=after_quiet_hours(now, settings))
        session.flush()
        erase_person(session, person, clock)
    session.commit()
    return len(due)
