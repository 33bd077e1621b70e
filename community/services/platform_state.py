"""Small values a platform adapter keeps across restarts: a sync token, a device id, the direct
chat opened with a person (erased with them). Also the pseudonyms of erased people's ids."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import DialogueState, Person, PlatformState
from community.services import button_key

_MAX_KEY = 60  # platform_state.key is a String(60)
APP = "ouderkring"  # the "platform" of the app's own values


def get(session: Session, platform: str, key: str) -> str | None:
    row = session.get(PlatformState, (platform, key))
    return None if row is None else row.value


def put(session: Session, platform: str, key: str, value: str, clock: Clock) -> None:
    """Set a value in the caller's transaction (commit it with what it belongs to)."""
    row = session.get(PlatformState, (platform, key))
    if row is None:
        session.add(PlatformState(platform=platform, key=key, value=value, updated_at=clock.now()))
    else:
        row.value, row.updated_at = value, clock.now()
    session.flush()


def direct_chat_key(user_id: str) -> str:
    """The key under which the direct chat with `user_id` is kept (hashed when too long)."""
    key = f"dm:{user_id}"
    if len(key) <= _MAX_KEY:
        return key
    return "dm#" + hashlib.sha256(user_id.encode()).hexdigest()[:40]


def forget_direct_chat(session: Session, platform: str, user_id: str) -> None:
    """Forget which direct chat was opened with a person (on erasure, or a stranger's)."""
    session.execute(
        delete(PlatformState)
        .where(PlatformState.platform == platform, PlatformState.key == direct_chat_key(user_id))
        .execution_options(synchronize_session=False)
    )


def forget_unused_direct_chats(session: Session, clock: Clock) -> int:
    """Forget direct chats, a day old, with someone neither stored nor in a dialogue (a
    stranger who wrote once): nothing else would ever erase them."""
    old = list(
        session.scalars(
            select(PlatformState).where(
                PlatformState.key.like("dm%"),
                PlatformState.updated_at < clock.now() - timedelta(days=1),
            )
        )
    )
    used: set[tuple[str, str]] = set()
    for platform in {row.platform for row in old}:
        people = session.execute(
            select(Person.platform_user_id, Person.private_chat_id).where(
                Person.platform == platform
            )
        )
        states = session.execute(
            select(DialogueState.user_id, DialogueState.chat_id).where(
                DialogueState.platform == platform
            )
        )
        for user_id, chat_id in [*people, *states]:
            used |= {(platform, direct_chat_key(user_id)), (platform, f"room:{chat_id}")}
    gone = [
        row
        for row in old
        if not {(row.platform, row.key), (row.platform, f"room:{row.value}")} & used
    ]
    for row in gone:
        session.delete(row)
    session.commit()
    return len(gone)


def _pseudonym_key(session: Session, clock: Clock | None) -> bytes | None:
    """A key of its own derived from the app's one secret (made when `clock` is given and there
    is none yet): without it, the pseudonyms of platform ids cannot be found by hashing every
    possible id."""
    secret = button_key.get(session, clock) if clock is not None else button_key.peek(session)
    if secret is None:
        return None
    return hmac.new(secret, b"pseudonyms of platform ids", hashlib.sha256).digest()


def _with_key(key: bytes, platform: str, user_id: str) -> str:
    digest = hmac.new(key, f"{platform}\x00{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"#{digest}"


def pseudonym(session: Session, platform: str, user_id: str, clock: Clock) -> str:
    """A stand-in for a platform user id that does not show it: "#" and a keyed hash."""
    key = _pseudonym_key(session, clock)
    assert key is not None
    return _with_key(key, platform, user_id)


def known_pseudonym(session: Session, platform: str, user_id: str) -> str | None:
    """The pseudonym, if any was ever made in this database (else nothing can carry it)."""
    key = _pseudonym_key(session, None)
    return _with_key(key, platform, user_id) if key is not None else None
