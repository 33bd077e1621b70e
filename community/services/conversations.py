"""Dialogue state in the database: which flow and step someone is at, their answers so far and
the language they chose, keyed by the platform user (so it exists before they consent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import Conversation, OutboxMessage

FORGET_GUESTS_AFTER = timedelta(days=1)


def find(session: Session, platform: str, user_id: str) -> Conversation | None:
    return session.get(Conversation, (platform, user_id))


def _row(
    session: Session, platform: str, user_id: str, clock: Clock, chat_id: str | None = None
) -> Conversation:
    state = find(session, platform, user_id)
    if state is None:
        state = Conversation(platform=platform, user_id=user_id, token="", data={})
        session.add(state)
    state.chat_id = chat_id or state.chat_id
    state.updated_at = clock.now()
    return state


def enter(
    session: Session,
    platform: str,
    user_id: str,
    person_id: int | None,
    flow: str,
    step: str,
    clock: Clock,
    data: dict[str, Any] | None = None,
    token: str = "",
    chat_id: str | None = None,
) -> Conversation:
    """Go to a step; `token` changes with every question asked (its buttons carry it)."""
    state = _row(session, platform, user_id, clock, chat_id)
    state.person_id = person_id if person_id is not None else state.person_id
    state.flow, state.step, state.data, state.token = flow, step, dict(data or {}), token
    return state


def update(state: Conversation, clock: Clock, **changes: Any) -> None:
    # Assign a new dict: SQLAlchemy does not see in-place changes to a JSON value.
    state.data = {**state.data, **changes}
    state.updated_at = clock.now()


def leave(state: Conversation, clock: Clock) -> None:
    """End the dialogue; only the chosen language stays (and the link to the person)."""
    state.flow, state.step, state.data, state.token = None, None, {}, ""
    state.updated_at = clock.now()


def set_locale(session: Session, platform: str, user_id: str, locale: str, clock: Clock) -> None:
    _row(session, platform, user_id, clock).locale = locale


def forget_chat(session: Session, platform: str, chat_id: str | None) -> None:
    """Erase what was sent to a private chat (before consent nothing links it to a person)."""
    if chat_id is not None:
        session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id)
            .execution_options(synchronize_session=False)
        )


def forget_stale_guests(session: Session, clock: Clock) -> int:
    """Erase what is kept of people who never consented, after a day of silence: their
    dialogue state and what was sent to them."""
    stale = list(
        session.scalars(
            select(Conversation).where(
                Conversation.person_id.is_(None),
                Conversation.updated_at < clock.now() - FORGET_GUESTS_AFTER,
            )
        )
    )
    for state in stale:
        forget_chat(session, state.platform, state.chat_id)
        session.delete(state)
    session.commit()
    return len(stale)
