"""Dialogue state in the database: which flow and step a person is in, and its answers so far."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import Conversation, Person


def current(session: Session, person: Person) -> Conversation | None:
    return session.get(Conversation, person.id)


def enter(
    session: Session,
    person: Person,
    flow: str,
    step: str,
    clock: Clock,
    data: dict[str, Any] | None = None,
    token: str = "",
) -> Conversation:
    """Go to a step; `token` changes with every question asked (its buttons carry it)."""
    state = session.get(Conversation, person.id)
    if state is None:
        state = Conversation(person_id=person.id)
        session.add(state)
    state.flow, state.step, state.data = flow, step, dict(data or {})
    state.token, state.updated_at = token, clock.now()
    return state


def update(state: Conversation, clock: Clock, **changes: Any) -> None:
    # Assign a new dict: SQLAlchemy does not see in-place changes to a JSON value.
    state.data = {**state.data, **changes}
    state.updated_at = clock.now()


def leave(session: Session, person: Person) -> None:
    state = session.get(Conversation, person.id)
    if state is not None:
        session.delete(state)
        session.flush()
