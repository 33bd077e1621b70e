"""The app's one secret: it binds action buttons to their recipient (community/buttons.py) and,
derived for that purpose, keys the pseudonyms of erased people's platform ids
(community/services/platform_state.py).

`OUDERKRING_SECRET_KEY` from the environment when it is set (several installations that share
nothing but want the same key, or a key kept in a secrets manager). Otherwise a random key made
once and kept in the database (`platform_state`, platform "ouderkring", key "button_key"), so
that every process on the same database signs and checks alike, across restarts: a button
pressed weeks later still works. Changing or losing the key only makes buttons already sent
answer "old button"; nothing else depends on it.
"""

from __future__ import annotations

import base64
import os
import secrets
import weakref
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from community.clock import Clock
from community.models import PlatformState

ENVIRONMENT_VARIABLE = "OUDERKRING_SECRET_KEY"
PLATFORM, KEY = "ouderkring", "button_key"

# Per database: read once, then kept for the life of the process.
_CACHE: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()


def _from_environment() -> bytes | None:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return value.encode() if value else None


def _database(session: Session) -> Any:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def _stored(session: Session) -> bytes | None:
    value = session.scalar(
        select(PlatformState.value).where(
            PlatformState.platform == PLATFORM, PlatformState.key == KEY
        )
    )
    return base64.urlsafe_b64decode(value) if value else None


def _create(session: Session, clock: Clock) -> None:
    """Store a new key unless one is there: two processes starting at once both end up
    with the one that was stored first (the other INSERT does nothing)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    statement = dialect.insert(PlatformState).values(
        platform=PLATFORM, key=KEY, value=value, updated_at=clock.now()
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=["platform", "key"]))


def ensure(session_factory: sessionmaker[Session], clock: Clock) -> bytes:
    """At start: the key, made and committed now if there is none yet."""
    environment = _from_environment()
    if environment is not None:
        return environment
    with session_factory.begin() as session:
        key = _stored(session)
        if key is None:
            _create(session, clock)
            key = _stored(session)
        assert key is not None
        database = _database(session)
    _CACHE[database] = key
    return key


def peek(session: Session) -> bytes | None:
    """The key if there is one, without making it."""
    environment = _from_environment()
    if environment is not None:
        return environment
    return _CACHE.get(_database(session)) or _stored(session)


def get(session: Session, clock: Clock) -> bytes:
    """The key, in the caller's transaction. `ensure` made it at start; a caller that skipped
    the start (a job run on its own) makes it here, cached only once it was read as stored."""
    environment = _from_environment()
    if environment is not None:
        return environment
    database = _database(session)
    key = _CACHE.get(database)
    if key is not None:
        return key
    key = _stored(session)
    if key is not None:
        _CACHE[database] = key
        return key
    _create(session, clock)
    key = _stored(session)
    assert key is not None
    return key
