"""The chat areas of the domain as one handled event sees them (`Domain.rooms`, `.relay`,
`.sent`): group rooms, relaying between them, and the bot's earlier messages in a chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from community.actions import Button, Media, Target
from community.buttons import ActionData, signed_for
from community.models import Community, OutboxMessage, Room
from community.services import button_key, open_questions, people, relay, room_setup, rooms
from community.services.domain_areas import Bound
from community.services.outbox import Outgoing
from community.services.people import Speaker
from community.services.rows import maybe, row, view, views
from community.views import CommunityView, RoomView


class Rooms(Bound):
    def find(self, platform: str, chat_id: str) -> RoomView | None:
        return maybe(self.session, RoomView, rooms.find(self.session, platform, chat_id))

    def of(self, community: CommunityView) -> list[RoomView]:
        return views(self.session, RoomView, self._of(row(self.session, Community, community.id)))

    def _of(self, community: Community) -> list[Room]:
        return rooms.of_community(self.session, community)

    def link(
        self, community: CommunityView, platform: str, chat_id: str, move: bool = False
    ) -> RoomView:
        stored = row(self.session, Community, community.id)
        linked = rooms.link(self.session, stored, platform, chat_id, self.clock, "tips", move)
        return view(self.session, RoomView, linked)

    def create_space(self, community: CommunityView, platform: str, topic: str) -> Outgoing:
        """The first step of making the community's rooms on a platform."""
        return room_setup.create_space(row(self.session, Community, community.id), platform, topic)

    def move(self, platform: str, old_chat_id: str, new_chat_id: str) -> RoomView | None:
        moved = rooms.move(self.session, platform, old_chat_id, new_chat_id)
        return maybe(self.session, RoomView, moved)

    def invites(self, speaker: Speaker) -> list[Outgoing]:
        """After onboarding: into the space and the rooms that fit (where the bot made them)."""
        person = people.entity(self.session, speaker)
        if person.community is None:
            return []
        return room_setup.invites(self._of(person.community), person)

    def removals(self, speaker: Speaker) -> list[Outgoing]:
        """After /stop: out of the community's rooms that the bot made."""
        person = people.entity(self.session, speaker)
        if person.community is None:
            return []
        return room_setup.removals(self._of(person.community), person)

    def may_join(self, room: RoomView, speaker: Speaker | None) -> bool:
        person = people.entity(self.session, speaker) if speaker is not None else None
        return rooms.may_join(row(self.session, Room, room.id), person)

    def said_lately(self, platform: str, chat_id: str, text: str, since: datetime) -> bool:
        """Whether `text` went to the chat since then (so that it is not said again)."""
        return rooms.said_lately(self.session, platform, chat_id, text, since)


class Relay(Bound):
    """Relaying between group rooms (community/services/relay.py)."""

    def set(self, room: RoomView, on: bool) -> list[RoomView]:
        circle = relay.set_relay(self.session, self._row(room), on)
        return views(self.session, RoomView, circle)

    def copies(
        self,
        room: RoomView,
        message_id: str | None,
        sender: Speaker | None,
        line: Callable[[RoomView], str],
        media: Media | None,
    ) -> list[Outgoing]:
        """The copies of a new message for the partner rooms; `line` gives a copy's text."""
        source = relay.Source(self._row(room), message_id, sender.id if sender else None)
        return relay.copies(self.session, source, self._line(line), media, self.clock)

    def partners(self, room: RoomView) -> list[RoomView]:
        return views(self.session, RoomView, relay.partners(self.session, self._row(room)))

    def edits(
        self, room: RoomView, message_id: str, line: Callable[[RoomView], str], actor: relay.Actor
    ) -> list[Outgoing]:
        stored = self._row(room)
        return relay.edits(self.session, stored, message_id, self._line(line), actor)

    def deletions(self, room: RoomView, message_id: str, actor: relay.Actor) -> list[Outgoing]:
        return relay.deletions(self.session, self._row(room), message_id, actor)

    def remove_everywhere(self, room: RoomView, message_id: str) -> list[Outgoing]:
        return relay.removal(self.session, self._row(room), message_id)

    def _row(self, room: RoomView) -> Room:
        return row(self.session, Room, room.id)

    def _line(self, line: Callable[[RoomView], str]) -> Callable[[Room], str]:
        return lambda other: line(view(self.session, RoomView, other))


class Sent(Bound):
    """The bot's earlier messages in a chat: their buttons, and which one asks."""

    def buttons(self, platform: str, chat_id: str, ref: Target) -> tuple[Button, ...] | None:
        """The buttons of an earlier message of the bot in the chat `chat_id`, or None when it
        is not known (any more) or was sent to another chat: a reaction to it then counts as a
        press on an old button."""
        query = select(OutboxMessage.kind, OutboxMessage.payload).where(
            OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id
        )
        if ref.outbox_id is not None:
            query = query.where(OutboxMessage.id == ref.outbox_id)
        elif ref.remote_id is not None:
            query = query.where(OutboxMessage.remote_id == ref.remote_id)
        else:
            return None
        row = self.session.execute(query.limit(1)).first()
        if row is None or row.kind not in ("send", "edit"):
            return None
        return tuple(
            Button(str(label), str(data)) for label, data in row.payload.get("buttons", [])
        )

    def asked_in_chat(self, platform: str, chat_id: str) -> open_questions.Asked | None:
        """The chat's latest message that asks (bot/engine/replies.py has the rule)."""
        return open_questions.latest(self.session, platform, chat_id, self.clock.now())

    def row_id(self, platform: str, chat_id: str, ref: Target) -> int | None:
        return open_questions.row_id(self.session, platform, chat_id, ref)

    def button_sent_to(self, data: ActionData, person_id: int | None) -> bool:
        """Whether action button data was queued for the person (its signature says so)."""
        return signed_for(data, person_id, button_key.get(self.session, self.clock))
