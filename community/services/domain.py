"""The domain as one handled event sees it: every service bound to that event's transaction.

Handlers get this through their context and never see a Session; the engine owns the
transaction (all or nothing). Scheduled jobs and the matcher use the same services directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.actions import Button, Media, Target
from community.buttons import ActionData, signed_for
from community.clock import Clock
from community.models import (
    Community,
    Conversation,
    Neighbourhood,
    OutboxMessage,
    Person,
    Role,
    Room,
)
from community.services import (
    button_key,
    communities,
    conversations,
    erasure,
    mydata,
    open_questions,
    people,
    relay,
    role_codes,
    rooms,
)
from community.services.buddies import Buddies
from community.services.moderation import Moderation
from community.services.outbox import Outgoing
from community.services.prompts import Prompts
from community.services.round_picture import RoundCounts, round_counts
from community.services.staff import Staff
from community.services.translators import Translations
from matching import LeftOver, Proposal


class Domain:
    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self.clock = clock
        # The people whose first name this event read: what it queues may quote them, so the
        # rows are linked to them and erased with them (`Outgoing.mentions`).
        self.quoted: set[int] = set()

    # -- communities ------------------------------------------------------------------------------
    def communities(self) -> list[Community]:
        return communities.all_communities(self._session)

    def community_by_code(self, code: str) -> Community | None:
        return communities.by_invite_code(self._session, code)

    def community_by_id(self, community_id: int) -> Community | None:
        return self._session.get(Community, community_id)

    def community_by_slug(self, slug: str) -> Community | None:
        return communities.by_slug(self._session, slug)

    def parent_counts(self, community: Community) -> list[tuple[str | None, int]]:
        return communities.parent_counts(self._session, community)

    def unreachable_count(self, community: Community) -> int:
        return communities.unreachable_count(self._session, community)

    # -- buddies (community/services/buddies.py) ---------------------------------------------------
    @property
    def buddies(self) -> Buddies:
        return Buddies(self._session, self.clock, self.quoted)

    def round_counts(
        self, community: Community, proposals: Sequence[Proposal], left_over: Iterable[LeftOver]
    ) -> RoundCounts:
        """A buddy round's counts per neighbourhood and language, for its picture."""
        return round_counts(self._session, community, proposals, left_over)

    # -- moderation in group rooms (community/services/moderation.py) -----------------------------
    @property
    def moderation(self) -> Moderation:
        return Moderation(self._session, self.clock)

    # -- staff and their one-time codes (community/services/staff.py) -----------------------------
    @property
    def staff(self) -> Staff:
        return Staff(self._session, self.clock, self)

    # -- community translators (community/services/translators.py) -------------------------------
    @property
    def translations(self) -> Translations:
        return Translations(self._session, self.clock)

    # -- people -----------------------------------------------------------------------------------
    def find_person(self, platform: str, user_id: str) -> Person | None:
        return people.find(self._session, platform, user_id)

    def find_speaker(
        self, platform: str, user_id: str
    ) -> tuple[Person | None, Conversation | None]:
        """The person and their dialogue state, read together (every event needs both)."""
        return people.find_speaker(self._session, platform, user_id)

    def create_person(
        self, platform: str, user_id: str, chat_id: str, role: Role, locale: str | None = None
    ) -> Person:
        return people.create(
            self._session, platform, user_id, chat_id, self.clock, role=role, locale=locale
        )

    def join_as_parent(self, person: Person, community: Community) -> None:
        people.join_as_parent(self._session, person, community)

    def erase(self, person: Person) -> None:
        """Everything about the person goes, dialogue state included
        (community/services/erasure.py)."""
        state = conversations.find(self._session, person.platform, person.platform_user_id)
        if state is not None:
            self._session.delete(state)
            self._session.flush()
        self.quoted.discard(person.id)
        role_codes.forget_tries_of(self._session, person.platform, person.platform_user_id)
        erasure.erase(self._session, person, self.clock)

    def forget_parent_data(self, person: Person) -> None:
        """A parent who becomes staff: what the bot erases "as a parent" goes (the profile,
        answers, RSVPs, the buddy name and pairs, messages to others quoting them)."""
        self.quoted.discard(person.id)
        erasure.forget_parent_data(self._session, person)

    def my_data(self, person: Person) -> dict[str, Any]:
        """Everything stored about the person (/mydata, its messages and its file)."""
        return mydata.collect(self._session, person, self.clock)

    def forget_guest(self, platform: str, chat_id: str) -> None:
        """Someone who said no before being stored: what was sent to them goes too."""
        conversations.forget_chat(self._session, platform, chat_id)

    # -- dialogue state ---------------------------------------------------------------------------
    def conversation(self, platform: str, user_id: str) -> Conversation | None:
        return conversations.find(self._session, platform, user_id)

    def enter(
        self,
        platform: str,
        user_id: str,
        person: Person | None,
        flow: str,
        step: str,
        data: dict[str, Any],
        token: str,
        chat_id: str | None = None,
    ) -> Conversation:
        person_id = person.id if person is not None else None
        return conversations.enter(
            self._session, platform, user_id, person_id, flow, step, self.clock, data, token,
            chat_id,
        )  # fmt: skip

    def remember(self, state: Conversation, **changes: Any) -> None:
        conversations.update(state, self.clock, **changes)

    def leave(self, state: Conversation) -> None:
        conversations.leave(state, self.clock)

    def remember_locale(self, platform: str, user_id: str, locale: str) -> None:
        conversations.set_locale(self._session, platform, user_id, locale, self.clock)

    def remember_erased_locale(self, platform: str, user_id: str, locale: str) -> None:
        conversations.remember_erased(self._session, platform, user_id, locale, self.clock)

    def erased_locale(self, platform: str, user_id: str) -> str | None:
        return conversations.erased_locale(self._session, platform, user_id)

    def link_person(self, state: Conversation, person: Person) -> None:
        conversations.link(state, person.id)

    # -- rooms ------------------------------------------------------------------------------------
    def room(self, platform: str, chat_id: str) -> Room | None:
        return rooms.find(self._session, platform, chat_id)

    def rooms_of(self, community: Community) -> list[Room]:
        return rooms.of_community(self._session, community)

    def link_room(
        self, community: Community, platform: str, chat_id: str, move: bool = False
    ) -> Room:
        return rooms.link(self._session, community, platform, chat_id, self.clock, "tips", move)

    def move_room(self, platform: str, old_chat_id: str, new_chat_id: str) -> Room | None:
        return rooms.move(self._session, platform, old_chat_id, new_chat_id)

    def may_join(self, room: Room, person: Person | None) -> bool:
        return rooms.may_join(room, person)

    # -- relaying between group rooms (community/services/relay.py) ------------------------------
    def set_relay(self, room: Room, on: bool) -> list[Room]:
        return relay.set_relay(self._session, room, on)

    def relay_copies(
        self,
        room: Room,
        message_id: str | None,
        sender: Person | None,
        line: Callable[[Room], str],
        media: Media | None,
    ) -> list[Outgoing]:
        source = relay.Source(room, message_id, sender.id if sender is not None else None)
        return relay.copies(self._session, source, line, media, self.clock)

    def relay_partners(self, room: Room) -> list[Room]:
        return relay.partners(self._session, room)

    def relay_edits(
        self, room: Room, message_id: str, line: Callable[[Room], str], actor: relay.Actor
    ) -> list[Outgoing]:
        return relay.edits(self._session, room, message_id, line, actor)

    def relay_deletions(self, room: Room, message_id: str, actor: relay.Actor) -> list[Outgoing]:
        return relay.deletions(self._session, room, message_id, actor)

    def said_lately(self, platform: str, chat_id: str, text: str, since: datetime) -> bool:
        """Whether `text` went to the chat since then (so that it is not said again)."""
        return rooms.said_lately(self._session, platform, chat_id, text, since)

    def remove_everywhere(self, room: Room, message_id: str) -> list[Outgoing]:
        return relay.removal(self._session, room, message_id)

    # -- earlier messages -------------------------------------------------------------------------
    def sent_buttons(self, platform: str, chat_id: str, ref: Target) -> tuple[Button, ...] | None:
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
        row = self._session.execute(query.limit(1)).first()
        if row is None or row.kind not in ("send", "edit"):
            return None
        return tuple(
            Button(str(label), str(data)) for label, data in row.payload.get("buttons", [])
        )

    def asked_in_chat(self, platform: str, chat_id: str) -> open_questions.Asked | None:
        """The chat's latest message that asks (bot/engine/replies.py has the rule)."""
        return open_questions.latest(self._session, platform, chat_id, self.clock.now())

    def message_row(self, platform: str, chat_id: str, ref: Target) -> int | None:
        return open_questions.row_id(self._session, platform, chat_id, ref)

    def button_sent_to(self, data: ActionData, person: Person | None) -> bool:
        """Whether action button data was queued for `person` (its signature says so)."""
        key = button_key.get(self._session, self.clock)
        return signed_for(data, person.id if person is not None else None, key)

    # -- weekly prompts (community/services/prompts/) --------------------------------------------
    @property
    def prompts(self) -> Prompts:
        return Prompts(self._session, self.clock)

    def neighbourhood_named(self, community: Community, typed: str) -> Neighbourhood | None:
        return communities.neighbourhood_named(community, typed)

    def neighbourhood(self, neighbourhood_id: int) -> Neighbourhood | None:
        return self._session.get(Neighbourhood, neighbourhood_id)
