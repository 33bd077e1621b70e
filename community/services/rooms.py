"""Group rooms of a community: finding them, who may join, and what happens when a room is made.

Messages in group rooms are routed here by the engine; relaying them between the rooms of one
relay circle (across platforms) lives next door in `community.services.relay`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import Community, OutboxMessage, OutboxStatus, Person, Role, Room
from community.services import outbox
from community.services.people import is_onboarded

# What follows once a room the bot made is stored (its rules, its members): the engine's room
# setup (bot/engine/room_hooks.py), handed to `made_room_hook` by the composition root.
RoomFollowUp = Callable[[Session, Room, Clock], None]


def find(session: Session, platform: str, chat_id: str) -> Room | None:
    return session.scalar(select(Room).where(Room.platform == platform, Room.chat_id == chat_id))


def of_community(session: Session, community: Community) -> list[Room]:
    return list(
        session.scalars(select(Room).where(Room.community_id == community.id).order_by(Room.id))
    )


def link(
    session: Session,
    community: Community,
    platform: str,
    chat_id: str,
    clock: Clock,
    purpose: str | None = None,
    move: bool = False,
) -> Room:
    """Make a group chat one of the community's rooms. A room of another community stays
    with it unless `move` (an admin said so): then it leaves that community's relay circle,
    with relaying off, so that nothing of one community reaches the other."""
    room = find(session, platform, chat_id)
    if room is None:
        room = Room(platform=platform, chat_id=chat_id, relay=False, created_at=clock.now())
        session.add(room)
    elif room.community_id != community.id:
        if not move:
            raise ValueError("this room belongs to another community")
        room.relay = False
        room.route_map_id = None
        room.purpose = None
    # Linked again by its own community: it keeps what it is for (a neighbourhood's room).
    room.community_id, room.purpose = community.id, room.purpose or purpose
    session.flush()
    return room


def move(session: Session, platform: str, old_chat_id: str, new_chat_id: str) -> Room | None:
    """A room of ours lives on under a new id (Telegram made the group a supergroup, a Matrix
    room was upgraded): keep its community, purpose and relay setting, and send what still
    waits in the outbox to the new id. Returns the room, or None if it was not one of ours."""
    room = find(session, platform, old_chat_id)
    if room is None or find(session, platform, new_chat_id) is not None:
        return None  # not ours, or moved already (the platform told us twice)
    room.chat_id = new_chat_id
    room.route_map_id = None  # pinned in the old chat; the next weekly map pins anew
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.platform == platform,
            OutboxMessage.chat_id == old_chat_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(chat_id=new_chat_id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return room


def may_join(room: Room, person: Person | None) -> bool:
    """Only a parent who finished onboarding in the room's community, or its staff, gets in."""
    if person is None or not person.active or person.community_id != room.community_id:
        return False
    if person.role is Role.PARENT:
        return is_onboarded(person)
    return person.role in (Role.PROFESSIONAL, Role.COORDINATOR)


def said_lately(session: Session, platform: str, chat_id: str, text: str, since: datetime) -> bool:
    """Whether a message with this text was queued for the chat since `since` (the last few
    rows of that chat are looked at: a person is asked to join once, not at every post)."""
    rows = session.scalars(
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.platform == platform,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.kind == "send",
            OutboxMessage.created_at >= since,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    )
    return any(payload.get("text") == text for payload in rows)


def made_room_hook(follow_up: RoomFollowUp) -> outbox.AfterSentHook:
    """The outbox's after-sent hook for a `CreateRoom`: a room the bot made (key
    "community:<id>:<purpose>") becomes one of the community's, then `follow_up` sets it up."""

    def created(
        session: Session, claimed: outbox.Claimed, remote_id: str | None, clock: Clock
    ) -> None:
        key = str(claimed.payload.get("key", ""))
        parts = key.split(":", 2)
        if remote_id is None or len(parts) != 3 or parts[0] != "community":
            return
        community = session.get(Community, int(parts[1]))
        if community is not None:
            room = link(session, community, claimed.platform, remote_id, clock, purpose=parts[2])
            follow_up(session, room, clock)

    return created
