"""Dialogue state in the database: which flow and step someone is at, their answers so far and
the language they chose, keyed by the platform user (so it exists before they consent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, event, inspect, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from community.clock import Clock
from community.models import DialogueState, OutboxMessage, OutboxStatus
from community.services import platform_state

FORGET_GUESTS_AFTER = timedelta(days=1)

# Everything about a dialogue state that changes; written whole, so the statement is one.
_CHANGING = ("chat_id", "person_id", "locale", "flow", "step", "token", "data", "updated_at")
_D: Table = DialogueState.__table__  # type: ignore[assignment]
WRITE = (
    sql_update(_D)
    .where(_D.c.platform == bindparam("d_platform"), _D.c.user_id == bindparam("d_user"))
    .values({name: bindparam(f"d_{name}", type_=_D.c[name].type) for name in _CHANGING})
)
# Stored states changed in a session and not written yet (Session.info, per transaction).
_UNWRITTEN = "dialogue_unwritten"


def find(session: Session, platform: str, user_id: str) -> DialogueState | None:
    return session.get(DialogueState, (platform, user_id))


def _set(state: DialogueState, **values: Any) -> None:
    """Change a dialogue state. A stored one is not left to the ORM's flush (which any query
    in between would trigger, as a statement of its own): it is written once, when the
    event's replies are queued (`take_write`), or at the latest just before the commit."""
    session = object_session(state)
    if session is None or not inspect(state).persistent:
        for name, value in values.items():
            setattr(state, name, value)  # new: the ORM inserts it
        return
    for name, value in values.items():
        set_committed_value(state, name, value)
    session.info.setdefault(_UNWRITTEN, {})[(state.platform, state.user_id)] = state


def _params(state: DialogueState) -> dict[str, Any]:
    values = {f"d_{name}": getattr(state, name) for name in _CHANGING}
    return values | {"d_platform": state.platform, "d_user": state.user_id}


def take_write(session: Session) -> tuple[Any, dict[str, Any]] | None:
    """`WRITE` and its parameters for the dialogue state changed in this transaction, for the
    caller to run with the statement that queues the replies (PostgreSQL: in the same round
    trip). Every event changes its speaker's state; should more have changed, the others
    are written now. None when nothing changed."""
    # A state deleted since (an erasure) is not written back: its row is gone, and a new one
    # with the same key may be in its place.
    pending = session.info.pop(_UNWRITTEN, {}).values()
    unwritten = [state for state in pending if inspect(state).persistent]
    if not unwritten:
        return None
    *others, last = unwritten
    if others:
        session.execute(WRITE, [_params(state) for state in others])
    return WRITE, _params(last)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    along = take_write(session)
    if along is not None:
        session.execute(*along)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_UNWRITTEN, None)  # rolled back: the objects are expired and reloaded


def _row(
    session: Session, platform: str, user_id: str, clock: Clock, chat_id: str | None = None
) -> DialogueState:
    state = find(session, platform, user_id)
    if state is None:
        state = DialogueState(platform=platform, user_id=user_id, token="", data={})
        session.add(state)
    _set(state, chat_id=chat_id or state.chat_id, updated_at=clock.now())
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
) -> DialogueState:
    """Go to a step; `token` changes with every question asked (its buttons carry it)."""
    state = _row(session, platform, user_id, clock, chat_id)
    _set(
        state,
        person_id=person_id if person_id is not None else state.person_id,
        flow=flow,
        step=step,
        data=dict(data or {}),
        token=token,
    )
    return state


def update(state: DialogueState, clock: Clock, **changes: Any) -> None:
    _set(state, data={**state.data, **changes}, updated_at=clock.now())


def leave(state: DialogueState, clock: Clock) -> None:
    """End the dialogue; only the chosen language stays (and the link to the person)."""
    _set(state, flow=None, step=None, data={}, token="", updated_at=clock.now())


def link(state: DialogueState, person_id: int) -> None:
    _set(state, person_id=person_id)


def set_locale(
    session: Session, platform: str, user_id: str, locale: str, clock: Clock
) -> DialogueState:
    state = _row(session, platform, user_id, clock)
    _set(state, locale=locale)
    return state


def remember_erased(
    session: Session, platform: str, user_id: str, locale: str, clock: Clock
) -> None:
    """After an erasure, only the language stays, under a pseudonym of the platform id (and for
    a day, like anything of someone not stored): the next thing the bot says to them is in
    the language they chose."""
    stand_in = platform_state.pseudonym(session, platform, user_id, clock)
    _set(_row(session, platform, stand_in, clock), locale=locale)


def erased_locale(session: Session, platform: str, user_id: str) -> str | None:
    """The language someone chose before they were erased, if that was in the last day."""
    stand_in = platform_state.known_pseudonym(session, platform, user_id)
    state = find(session, platform, stand_in) if stand_in is not None else None
    return state.locale if state is not None else None


def forget_chat(session: Session, platform: str, chat_id: str | None) -> None:
    """Erase what was sent to a private chat (before consent nothing links it to a person)."""
    if chat_id is not None:
        session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id)
            .execution_options(synchronize_session=False)
        )


# Actions on a member of a room, addressed by their platform id (in the payload).
MEMBER_KINDS = ("admit", "invite", "remove")


def forget_member_actions(session: Session, platform: str, user_id: str) -> None:
    """Room actions that name a platform id (admit, invite, remove). A removal still to go
    goes, and is forgotten once sent (someone erased does not stay in the rooms); the others
    are forgotten now."""
    naming = (
        (OutboxMessage.platform == platform)
        & OutboxMessage.kind.in_(MEMBER_KINDS)
        & (OutboxMessage.payload["user_id"].as_string() == user_id)
    )
    still_to_go = OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
    removal = (OutboxMessage.kind == "remove") & still_to_go
    for statement in (
        sql_update(OutboxMessage).where(naming, removal).values(forget_when_sent=True),
        delete(OutboxMessage).where(naming, ~removal),
    ):
        session.execute(statement.execution_options(synchronize_session=False))


def end_stale_steps(session: Session, clock: Clock, after: timedelta) -> int:
    """End every dialogue step left longer than `after`; the chosen language stays."""
    result = session.execute(
        sql_update(DialogueState)
        .where(DialogueState.flow.is_not(None), DialogueState.updated_at < clock.now() - after)
        .values(flow=None, step=None, data={}, token="")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def forget_stale_guests(session: Session, clock: Clock) -> int:
    """Erase what is kept of people who never consented, after a day of silence: their
    dialogue state, what was sent to them and the direct chat a platform opened with them.
    The language kept after an erasure (under a pseudonym) goes the same way."""
    stale = list(
        session.scalars(
            select(DialogueState).where(
                DialogueState.person_id.is_(None),
                DialogueState.updated_at < clock.now() - FORGET_GUESTS_AFTER,
            )
        )
    )
    for state in stale:
        for chat_id in {state.chat_id, state.user_id}:
            forget_chat(session, state.platform, chat_id)
        platform_state.forget_direct_chat(session, state.platform, state.user_id)
        forget_member_actions(session, state.platform, state.user_id)
        session.delete(state)
    session.commit()
    return len(stale)
