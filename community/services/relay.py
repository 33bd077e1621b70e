"""Relaying between the group rooms of one relay circle, across platforms.

A community's group rooms with relay on and the same purpose form one relay circle (the
"tips" room on Matrix and the Telegram group linked with /linkgroup, also "tips"; a
neighbourhood's room with that neighbourhood's rooms elsewhere). A parent's message in one is
copied to the others with their first name only; an edit or a deletion of it follows to the
copies through the message map (`RelayedMessage`). The bot's own messages never come in
(adapters drop them), so a copy is never relayed back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from community.actions import Action, DeleteMessage, EditMessage, Media, SendMessage, Target
from community.clock import Clock
from community.models import OutboxMessage, OutboxStatus, RelayedMessage, Room
from community.services.outbox import Outgoing

NO_RELAY = frozenset({"space"})  # a Matrix space holds rooms, not messages
DEFAULT_PURPOSE = "tips"  # what an older linked room without a purpose is for


def purpose_of(room: Room) -> str:
    return room.purpose or DEFAULT_PURPOSE


def partners(session: Session, room: Room) -> list[Room]:
    """The other rooms a message in `room` is relayed to (none when relay is off here)."""
    if not room.relay or purpose_of(room) in NO_RELAY:
        return []
    return [other for other in circle(session, room) if other.id != room.id and other.relay]


def circle(session: Session, room: Room) -> list[Room]:
    """Every room of the room's community with the same purpose, this one included."""
    same = session.scalars(
        select(Room).where(Room.community_id == room.community_id).order_by(Room.id)
    )
    return [other for other in same if purpose_of(other) == purpose_of(room)]


def set_relay(session: Session, room: Room, on: bool) -> list[Room]:
    """Turn relaying on or off for the whole relay circle the room is in; returns its rooms."""
    rooms = circle(session, room)
    if purpose_of(room) in NO_RELAY:
        return rooms
    for other in rooms:
        other.relay = on
    session.flush()
    return rooms


@dataclasses.dataclass(frozen=True)
class Source:
    """A message in a group room, as the relay needs it."""

    room: Room
    message_id: str | None
    person_id: int | None  # the sender, if stored: erasing them erases the map and copies


def copies(
    session: Session,
    source: Source,
    line: Callable[[Room], str],
    media: Media | None,
    clock: Clock,
) -> list[Outgoing]:
    """The relayed copies of a new message, one per partner room; `line` gives the copy's
    text in the partner room's language. Each copy records itself in the map once queued."""
    if source.message_id is None:
        return []
    items: list[Outgoing] = []
    for other in partners(session, source.room):
        text = line(other)
        copy_media = dataclasses.replace(media, caption=text) if media is not None else None
        items.append(
            Outgoing(
                other.platform,
                other.chat_id,
                SendMessage(text, media=copy_media),
                source.person_id,
                queued=_recorder(session, source, clock),
            )
        )
    return items


def _recorder(session: Session, source: Source, clock: Clock) -> Callable[[int], None]:
    def record(copy_id: int) -> None:
        session.execute(
            insert(RelayedMessage),
            {
                "platform": source.room.platform,
                "chat_id": source.room.chat_id,
                "message_id": source.message_id,
                "copy_id": copy_id,
                "person_id": source.person_id,
                "created_at": clock.now(),
            },
        )

    return record


def _copies_of(session: Session, room: Room, message_id: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .join(RelayedMessage, RelayedMessage.copy_id == OutboxMessage.id)
            .where(
                RelayedMessage.platform == room.platform,
                RelayedMessage.chat_id == room.chat_id,
                RelayedMessage.message_id == message_id,
            )
            .order_by(OutboxMessage.id)
        )
    )


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who edits or deletes: the person (if stored) and whether they are staff of the room's
    community. Only the author of a message, or staff, changes its copies."""

    person_id: int | None
    staff: bool = False


def _may_change(session: Session, room: Room, message_id: str, actor: Actor) -> bool:
    if actor.staff:
        return True
    authors = set(
        session.scalars(
            select(RelayedMessage.person_id).where(
                RelayedMessage.platform == room.platform,
                RelayedMessage.chat_id == room.chat_id,
                RelayedMessage.message_id == message_id,
            )
        )
    )
    # A copy whose author is not known (older, or erased) is changed by staff only.
    return actor.person_id is not None and authors == {actor.person_id}


def edits(
    session: Session, room: Room, message_id: str, line: Callable[[Room], str], actor: Actor
) -> list[Outgoing]:
    """An edited message: each copy (still known) is edited to the new text, when the author
    (or staff) edited it; another member's edit that points at it changes nothing."""
    if not _may_change(session, room, message_id, actor):
        return []
    out: list[Outgoing] = []
    for row in _copies_of(session, room, message_id):
        target = _room(session, row.platform, row.chat_id)
        if target is None or row.status is OutboxStatus.DEAD:
            continue
        edit: Action = EditMessage(Target(outbox_id=row.id), line(target))
        out.append(Outgoing(row.platform, row.chat_id, edit, row.person_id))
    return out


def deletions(session: Session, room: Room, message_id: str, actor: Actor) -> list[Outgoing]:
    """A deleted message: its copies go too, when the author (or staff) deleted it. When the
    deleted message is itself a copy and staff removed it in their room, the original and its
    other copies go as well; anyone else removing a copy changes nothing elsewhere."""
    if not _may_change(session, room, message_id, actor):
        return []
    out = [
        Outgoing(row.platform, row.chat_id, DeleteMessage(Target(outbox_id=row.id)))
        for row in _copies_of(session, room, message_id)
        if row.status is not OutboxStatus.DEAD
    ]
    if out or not actor.staff:
        return out
    original = session.scalar(
        select(RelayedMessage)
        .join(OutboxMessage, RelayedMessage.copy_id == OutboxMessage.id)
        .where(
            OutboxMessage.platform == room.platform,
            OutboxMessage.chat_id == room.chat_id,
            OutboxMessage.remote_id == message_id,
        )
    )
    if original is None:
        return []
    source_room = _room(session, original.platform, original.chat_id)
    if source_room is None:
        return []
    out.append(
        Outgoing(
            original.platform,
            original.chat_id,
            DeleteMessage(Target(remote_id=original.message_id)),
        )
    )
    for row in _copies_of(session, source_room, original.message_id):
        if row.id != original.copy_id and row.status is not OutboxStatus.DEAD:
            out.append(Outgoing(row.platform, row.chat_id, DeleteMessage(Target(outbox_id=row.id))))
    return out


def _room(session: Session, platform: str, chat_id: str) -> Room | None:
    return session.scalar(select(Room).where(Room.platform == platform, Room.chat_id == chat_id))


def removal(session: Session, room: Room, message_id: str) -> list[Outgoing]:
    """A coordinator removes a message (it may be a relayed copy): it goes here and everywhere
    it was relayed, the original too."""
    here = Outgoing(room.platform, room.chat_id, DeleteMessage(Target(remote_id=message_id)))
    return [here, *deletions(session, room, message_id, Actor(None, staff=True))]
