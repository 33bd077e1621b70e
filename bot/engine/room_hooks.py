"""What follows once a room the bot made is stored: the space gets its rooms, a room its pinned
rules, both their members (`community.services.room_setup.after_created`). This runs when the
outbox marks the `CreateRoom` row sent, outside any handled event, so it translates the texts
itself, in the community's language."""

from __future__ import annotations

from functools import cache

from sqlalchemy.orm import Session

from community.clock import Clock
from community.i18n import SHIPPED_LOCALES, Translator
from community.models import Community, Room
from community.services import room_setup


@cache
def _translator() -> Translator:
    """For texts queued after a room was made (outside any handled event); built on first use."""
    return Translator(SHIPPED_LOCALES)


def _texts(locale: str) -> room_setup.RoomTexts:
    t = _translator().t
    return room_setup.RoomTexts(
        tips_name=t(locale, "rooms.tips_name"),
        tips_topic=t(locale, "rooms.tips_topic"),
        hood_topic=t(locale, "rooms.hood_topic", neighbourhood="{neighbourhood}"),
        rules=t(locale, "rooms.rules"),
    )


def on_created(session: Session, room: Room, clock: Clock) -> None:
    """Set up a room the bot made once it is stored (the composition root hands this to
    `community.services.rooms.made_room_hook`)."""
    community = session.get(Community, room.community_id)
    if community is not None:
        room_setup.after_created(session, room, _texts(community.default_locale), clock)
