"""A community's own group rooms, made by the bot where a platform lets it (Matrix): a space for
the community with a room for tips and questions and one per neighbourhood, the rules pinned in
each, and its parents invited (after onboarding) or removed (after /stop).

Keys name the rooms: "community:<id>:space", "community:<id>:tips", "community:<id>:hood-<id>";
`rooms.link` stores what the key's last part says as the room's purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.actions import (
    CreateRoom,
    InviteMember,
    PinMessage,
    RemoveMember,
    SendMessage,
    Target,
)
from community.clock import Clock
from community.models import Community, Person, Role, Room
from community.services import outbox, rooms
from community.services.outbox import Outgoing

SPACE, TIPS, HOOD = "space", "tips", "hood-"


@dataclass(frozen=True)
class RoomTexts:
    """What the rooms say, in the community's language (the engine translates)."""

    tips_name: str
    tips_topic: str
    hood_topic: str  # with {neighbourhood}
    rules: str


def room_key(community: Community, purpose: str) -> str:
    return f"community:{community.id}:{purpose}"


def create_space(community: Community, platform: str, topic: str) -> Outgoing:
    """The first step; the rooms follow once the space exists (see `after_created`)."""
    action = CreateRoom(room_key(community, SPACE), community.name, topic, space=True)
    return Outgoing(platform, "", action, key=f"{room_key(community, SPACE)}:{platform}")


def belongs(room: Room, person: Person) -> bool:
    """Who is invited where: the space and the tips room are for every member; a
    neighbourhood's room for its parents (and the staff)."""
    if not rooms.may_join(room, person):
        return False
    purpose = room.purpose or ""
    if purpose.startswith(HOOD) and person.role is Role.PARENT:
        profile = person.profile
        return profile is not None and f"{HOOD}{profile.neighbourhood_id}" == purpose
    return made_by_us(room)


def invites(room_list: list[Room], person: Person) -> list[Outgoing]:
    return [
        Outgoing(room.platform, room.chat_id, InviteMember(person.platform_user_id))
        for room in room_list
        if room.platform == person.platform and belongs(room, person)
    ]


def removals(room_list: list[Room], person: Person) -> list[Outgoing]:
    """Out of every room the bot made for the community (a no-op where they are not in)."""
    return [
        Outgoing(room.platform, room.chat_id, RemoveMember(person.platform_user_id))
        for room in room_list
        if room.platform == person.platform and made_by_us(room)
    ]


def made_by_us(room: Room) -> bool:
    purpose = room.purpose or ""
    return purpose in (SPACE, TIPS) or purpose.startswith(HOOD)


def members_on(session: Session, community: Community, platform: str) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .where(
                Person.community_id == community.id,
                Person.platform == platform,
                Person.active.is_(True),
            )
            .order_by(Person.id)
        )
    )


def after_created(session: Session, room: Room, texts: RoomTexts, clock: Clock) -> None:
    """A room of ours now exists: a space gets its rooms; a room gets its pinned rules; both
    get the members who belong there."""
    community = session.get(Community, room.community_id)
    if community is None:
        return
    items: list[Outgoing] = []
    if room.purpose == SPACE:
        items.append(
            Outgoing(
                room.platform,
                room.chat_id,
                CreateRoom(room_key(community, TIPS), texts.tips_name, texts.tips_topic),
            )
        )
        for hood in community.neighbourhoods:
            topic = texts.hood_topic.format(neighbourhood=hood.name)
            action = CreateRoom(room_key(community, f"{HOOD}{hood.id}"), hood.name, topic)
            items.append(Outgoing(room.platform, room.chat_id, action))
    else:
        items.append(Outgoing(room.platform, room.chat_id, SendMessage(texts.rules)))
        items.append(Outgoing(room.platform, room.chat_id, PinMessage(Target(earlier=1))))
    for person in members_on(session, community, room.platform):
        items.extend(invites([room], person))
    outbox.enqueue(session, items, clock)
