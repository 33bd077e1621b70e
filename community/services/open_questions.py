"""A chat's open question as the outbox remembers it: the latest message sent to the chat that
has buttons, or that waits for typed words (`SendMessage.asks`, a question prompt). Nothing is
stored for this beyond the outbox rows themselves, so it is erased and pruned with them.

A later message with choices closes an earlier one; buttons taken off a message (it was
answered) close it too. The engine's rule for typed replies lives in bot/engine/replies.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from community import db
from community.actions import Action, Button, ClearButtons, EditMessage, SendMessage, Target
from community.buttons import has_actions, topic
from community.models import DialogueState, OutboxMessage, OutboxStatus, Person, Role

# The last rows of a chat looked at: a question further back than this is not open any more.
SCAN = 30
_CHUNK = 500  # ids in one IN (...): well within every database's limit
_ASKING_KINDS = ("send", "edit", "clear_buttons")


def asks(action: Action) -> bool:
    """Whether a message asks something new of its recipient: it has action buttons (an RSVP,
    a swap, an approval) or waits for typed words (a question prompt)."""
    return isinstance(action, SendMessage) and (has_actions(action) or action.asks)


def close_dialogues(session: Session, person_ids: set[int], now: datetime) -> None:
    """A newer question was queued for these people: the dialogue each was in (a menu left
    open, a step waiting for words) is over, so a typed reply answers the new question."""
    if not person_ids:
        return
    # Parents only: staff get work items (held links, proposals) while they write a prompt.
    parents = select(Person.id).where(Person.id.in_(person_ids), Person.role == Role.PARENT)
    session.execute(
        update(DialogueState)
        .where(DialogueState.person_id.in_(parents), DialogueState.flow.is_not(None))
        .values(flow=None, step=None, data={}, token="", updated_at=now)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Asked:
    """A message that asks: its row, its words and its buttons (already signed for the chat's
    person); no buttons for a question answered in words."""

    outbox_id: int
    remote_id: str | None
    text: str
    buttons: tuple[Button, ...]
    answered: bool = False  # its buttons were taken off: nothing is open any more

    @property
    def target(self) -> Target:
        return Target(outbox_id=self.outbox_id)

    def is_message(self, ref: Target | None) -> bool:
        """Whether `ref` (a pressed message) is this one."""
        if ref is None:
            return False
        if ref.outbox_id is not None:
            return ref.outbox_id == self.outbox_id
        return ref.remote_id is not None and ref.remote_id == self.remote_id


def latest(session: Session, platform: str, chat_id: str, now: datetime) -> Asked | None:
    """The chat's latest question, or None when nothing was asked lately. `answered`: its
    buttons were taken off since, so nothing in the chat is open."""
    # Rows are decoded as the walk reaches them: the latest question is most often among the
    # newest few of the chat's rows.
    result = session.execute(_RECENT, {"platform": platform, "chat_id": chat_id})
    try:
        return next(_walk(result, now), None)
    finally:
        result.close()


_TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]
_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.kind,
    OutboxMessage.payload,
    OutboxMessage.status,
    OutboxMessage.available_at,
    OutboxMessage.remote_id,
)


# Built once: every event that asks something runs these, and building a statement (and its
# cache key) costs more than running it. The one chat's rows: a plain Core result, whose rows
# are decoded as they are read.
_RECENT = (
    select(*(_TABLE.c[column.key] for column in _COLUMNS))
    .where(
        _TABLE.c.platform == bindparam("platform"),
        _TABLE.c.chat_id == bindparam("chat_id"),
        _TABLE.c.kind.in_(_ASKING_KINDS),
    )
    .order_by(_TABLE.c.id.desc())
    .limit(SCAN)
)
_RANK = (
    func.row_number()
    .over(partition_by=OutboxMessage.chat_id, order_by=OutboxMessage.id.desc())
    .label("rank")
)
_RECENT_OF_MANY = (
    select(*_COLUMNS, OutboxMessage.chat_id, _RANK)
    .where(
        OutboxMessage.platform == bindparam("platform"),
        OutboxMessage.chat_id.in_(bindparam("chat_ids", expanding=True)),
        OutboxMessage.kind.in_(_ASKING_KINDS),
    )
    .subquery()
)
_RECENT_OF = (
    select(_RECENT_OF_MANY)
    .where(_RECENT_OF_MANY.c.rank <= SCAN)
    .order_by(_RECENT_OF_MANY.c.id.desc())
)


def _questions_of(session: Session, platform: str, chat_ids: list[str]) -> dict[str, list[Any]]:
    """The recent rows of many chats at once (a prompt to every parent), newest first."""
    found: dict[str, list[Any]] = {}
    if len(chat_ids) == 1:  # a reply to the speaker, the usual case: no window needed
        rows = session.execute(_RECENT, {"platform": platform, "chat_id": chat_ids[0]}).all()
        return {chat_ids[0]: list(rows)} if rows else {}
    for start in range(0, len(chat_ids), _CHUNK):
        chunk = chat_ids[start : start + _CHUNK]
        rows = session.execute(_RECENT_OF, {"platform": platform, "chat_ids": chunk}).all()
        for row in rows:
            found.setdefault(row.chat_id, []).append(row)
    return found


def _walk(rows: Iterable[Any], now: datetime | None) -> Iterator[Asked]:
    """The questions among a chat's rows (newest first). `now` None: rows queued for later
    (quiet hours) count too."""
    closed: set[str] = set()  # messages whose buttons were taken off later
    for row in rows:
        if row.status is OutboxStatus.DEAD or (now is not None and row.available_at > now):
            continue  # never seen by the person (or not yet: quiet hours)
        payload = row.payload
        if row.kind != "send":
            target = payload.get("target", {})
            if row.kind == "clear_buttons" or not payload.get("buttons"):
                closed.update(f"{k}:{v}" for k, v in target.items() if v is not None)
            continue
        buttons = tuple(Button(str(label), str(data)) for label, data in payload.get("buttons", []))
        if not buttons and not payload.get("asks"):
            continue
        answered = f"outbox_id:{row.id}" in closed or f"remote_id:{row.remote_id}" in closed
        yield Asked(row.id, row.remote_id, str(payload.get("text", "")), buttons, answered)


def row_id(session: Session, platform: str, chat_id: str, ref: Target) -> int | None:
    """The outbox row of an earlier message of the chat `chat_id`; None when it is not known
    (any more) or was sent to another chat."""
    if ref.outbox_id is not None:
        where = OutboxMessage.id == ref.outbox_id
    elif ref.remote_id is not None:
        where = OutboxMessage.remote_id == ref.remote_id
    else:
        return None
    return session.scalar(
        select(OutboxMessage.id)
        .where(where, OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id)
        .limit(1)
    )


# -- closing the earlier question -----------------------------------------------------------------
@dataclass(frozen=True)
class Queued:
    """What `closing` needs of a row about to be queued (community/services/outbox/queue.py)."""

    platform: str
    chat_id: str
    person_id: int | None
    action: Action


def closing(
    session: Session, items: Sequence[Queued], known: Mapping[int, str | None] | None = None
) -> dict[int, list[ClearButtons]]:
    """The earlier questions that the questions among `items` close: for the first message with
    choices (or waiting for words) in each parent's private chat, by its index, the actions that
    take the buttons off the chat's earlier questions that still have them (queued in the chat's
    order: after those are sent, before the new one). A question of the same topic stays (an
    RSVP, then "How many?"), and so do staff's work items; a platform that cannot edit skips
    the action (bot/engine/dispatcher.py). `known`: people the caller knows already (their
    private chat if they are a parent, else None), who are not looked up."""
    firsts: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        if item.person_id is not None and _has_choices(item.action):
            firsts.setdefault((item.platform, item.chat_id), index)
    if not firsts:
        return {}
    known = known or {}
    topics = db.button_topics(session)
    wanted = {items[i].person_id for i in firsts.values()}
    parents = _parents_chats(session, wanted - known.keys())
    parents |= {(p, chat) for p, chat in known.items() if p in wanted and chat is not None}
    asking = [
        (platform, chat_id, index)
        for (platform, chat_id), index in firsts.items()
        if (items[index].person_id, chat_id) in parents  # not a room, nor staff
    ]
    rows: dict[str, dict[str, list[Any]]] = {}
    for platform in {platform for platform, _, _ in asking}:
        chats = [chat_id for p, chat_id, _ in asking if p == platform]
        rows[platform] = _questions_of(session, platform, chats)
    closes: dict[int, list[ClearButtons]] = {}
    for platform, chat_id, index in asking:
        item = items[index]
        clears = [
            # With its platform id where it was sent: the sender needs no lookup.
            ClearButtons(Target(earlier.outbox_id, earlier.remote_id))
            for earlier in _walk(rows[platform].get(chat_id, []), None)
            if earlier.buttons and not earlier.answered
            and not _same_topic(earlier.buttons, item.action, topics)
            and not _acted_on(earlier, item, items[:index])
        ]  # fmt: skip
        if clears:
            closes[index] = clears
    return closes


def _has_choices(action: Action) -> bool:
    """A message with choices (a dialogue's too: a /buddy menu closes an RSVP) or one that waits
    for typed words."""
    return isinstance(action, SendMessage) and bool(action.buttons or action.asks)


_PARENTS = select(Person.id, Person.private_chat_id, Person.platform_user_id).where(
    Person.id.in_(bindparam("ids", expanding=True)), Person.role == Role.PARENT
)


def _parents_chats(session: Session, person_ids: set[int | None]) -> set[tuple[int, str]]:
    """(person, private chat) of the parents among `person_ids`."""
    ids = sorted(p for p in person_ids if p is not None)
    chats: set[tuple[int, str]] = set()
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(_PARENTS, {"ids": ids[start : start + _CHUNK]})
        chats.update((row.id, row.private_chat_id or row.platform_user_id) for row in rows)
    return chats


def _same_topic(earlier: tuple[Button, ...], action: Action, topics: Mapping[str, str]) -> bool:
    asked = {topic(button.data, topics) for button in getattr(action, "buttons", ())} - {None}
    return any(topic(button.data, topics) in asked for button in earlier)


def _acted_on(earlier: Asked, new: Queued, before: Sequence[Queued]) -> bool:
    """Whether the same event already updates the earlier question (a handler took its buttons
    off, or changed them, on a press)."""
    return any(
        isinstance(item.action, ClearButtons | EditMessage)
        and (item.platform, item.chat_id) == (new.platform, new.chat_id)
        and earlier.is_message(item.action.target)
        for item in before
    )
