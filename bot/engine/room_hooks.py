"""What follows once a room the bot made is stored: the space gets its rooms, a room its pinned
rules, both their members (`community.services.room_setup.after_created`). This runs when the
outbox marks the `CreateRoom` row sent, outside any handled event, so it translates the texts
itself, in the community's language, with the app's one translator (the composition root
hands it over)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from community.clock import Clock
from community.i18n import Translator
from community.models import Community, Room
from community.services import room_setup


@dataclass(frozen=True)
class RoomHooks:
    translator: Translator

    def _texts(self, locale: str) -> room_setup.RoomTexts:
        t = self.translator.t
        return room_setup.RoomTexts(
            tips_name=t(locale, "rooms.tips_name"),
            tips_topic=t(locale, "rooms.tips_topic"),
            hood_topic=t(locale, "rooms.hood_topic", neighbourhood="{neighbourhood}"),
            rules=t(locale, "rooms.rules"),
        )

    def on_created(self, session: Session, room: Room, clock: Clock) -> None:
        community = session.get(Community, room.community_id)
        if community is not None:
            room_setup.after_created(session, room, self._texts(community.default_locale), clock)
