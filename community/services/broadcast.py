"""One message to many people, each in their own language, queued once per person.

Used by scheduled jobs (weekly prompts, follow-ups) and staff broadcasts: a due job only calls
this, so a job that runs twice changes nothing (one idempotency key per message and person).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from community.actions import Button, Media, SendMessage
from community.clock import Clock
from community.i18n import Translator
from community.models import Person
from community.services import outbox
from community.services.outbox import Outgoing

CHUNK = 1000  # rows per INSERT round; bounds memory for very large communities


def queue_to_people(
    session: Session,
    people: Iterable[Person],
    translator: Translator,
    clock: Clock,
    msgid: str,
    *,
    key: str,
    default_locale: str = "nl",
    buttons: Callable[[Person, str], tuple[Button, ...]] | None = None,
    media: Media | None = None,
    render: Callable[[str], str] | None = None,
    mentions: tuple[int, ...] = (),
    asks: bool = False,
    **values: Any,
) -> int:
    """Queue `msgid` for every person in their language; `key` (e.g. "prompt:12") plus the
    person's id is the idempotency key. Returns how many rows were queued now. `render`, when
    given, makes the text for a locale instead of the catalog (content such as a prompt's own
    texts); it is called once per locale. `mentions`: the people the message quotes (parents
    whose answers a digest shows), so that erasing one of them erases it."""
    texts: dict[str, str] = {}
    queued = 0
    batch: list[Outgoing] = []
    for person in people:
        locale = translator.resolve(person.locale or default_locale)
        if locale not in texts:
            texts[locale] = render(locale) if render else translator.t(locale, msgid, **values)
        action = SendMessage(
            texts[locale], buttons(person, locale) if buttons else (), False, media, asks
        )
        chat_id = person.private_chat_id or person.platform_user_id
        batch.append(
            Outgoing(
                person.platform,
                chat_id,
                action,
                person.id,
                f"{key}:{person.id}",
                mentions=mentions,
            )
        )
        if len(batch) >= CHUNK:
            queued += _flush(session, batch, clock)
    return queued + _flush(session, batch, clock)


def _flush(session: Session, batch: list[Outgoing], clock: Clock) -> int:
    queued = outbox.enqueue_all(session, batch, clock)
    batch.clear()
    return queued
