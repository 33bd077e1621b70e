"""What one handled event queues: its replies to the speaker, in order, then actions for other
people and rooms; and the privacy rule for the rows they become (who they quote, whether they
are forgotten once sent). The engine writes them to the outbox with the event's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.engine.types import Incoming
from community.actions import Action
from community.services.outbox import Outgoing
from community.services.people import Speaker


@dataclass
class Outbound:
    to_speaker: list[Action] = field(default_factory=list)  # in order
    others: list[Outgoing] = field(default_factory=list)  # to other people and rooms
    handled_press: bool = False  # the handler already updated the pressed message
    erased: bool = False  # the speaker was erased: the replies are forgotten once sent

    def act_for(self, person: Speaker, action: Action, key: str | None = None) -> None:
        """An action in a person's private chat (the speaker's too, as a person)."""
        chat_id = person.private_chat_id or person.platform_user_id
        self.others.append(Outgoing(person.platform, chat_id, action, person.id, key))

    def act(
        self,
        platform: str,
        chat_id: str,
        action: Action,
        key: str | None = None,
        person_id: int | None = None,
        mentions: tuple[int, ...] = (),
    ) -> None:
        """Any action on a chat: admit a member, pin, delete... `person_id` links it to the
        person whose words it carries (erasing them forgets the bot's copy); `mentions` to
        the people it quotes."""
        self.others.append(Outgoing(platform, chat_id, action, person_id, key, mentions=mentions))

    def queue(self, items: list[Outgoing]) -> None:
        """Actions a domain service built (relayed copies in the linked rooms)."""
        self.others.extend(items)

    def rows(
        self, incoming: Incoming, person_id: int | None, stranger: bool, quoted: set[int]
    ) -> list[Outgoing]:
        """Everything to queue, in order: the replies to the speaker, then the rest. Nothing is
        stored of a `stranger` (no person, no dialogue): the answer to them is not either."""
        owner = person_id if incoming.is_private else None
        speaker = [
            Outgoing(incoming.platform, incoming.chat_id, action, owner)
            for action in self.to_speaker
        ]
        forget = self.erased or stranger
        if not quoted and not forget:
            return speaker + self.others
        # Rows that may quote someone (a buddy's first name, their words) are linked to them.
        speaker = [
            replace(item, mentions=tuple(quoted - {owner}), forget_when_sent=forget)
            for item in speaker
        ]
        others = [
            replace(item, mentions=tuple((set(item.mentions) | quoted) - {item.person_id}))
            for item in self.others
        ]
        return speaker + others
