"""Events in group rooms: join requests, members who join, messages.

The bot stays quiet in group rooms: parents talk to each other there. It admits only parents
who finished onboarding in the room's community (`community.services.rooms.may_join`), tells
anyone else in private how to start, and welcomes a new member in their own language.

Where a coordinator turned relaying on (`/relay`), a message in one of the community's rooms
is copied to its rooms of the same purpose on the other platforms, with the sender's first name
only; edits and deletions follow (`community.services.relay`).
"""

from __future__ import annotations

from bot.engine.commands import STAFF, command
from bot.engine.context import Context
from bot.engine.types import EventKind
from community.actions import (
    AdmitMember,
    DeleteMessage,
    InviteMember,
    PinMessage,
    SendMessage,
    Target,
)
from community.models import Community, Role, Room
from community.services.relay import first_name

RELAY_ON = {"on", "aan"}
RELAY_OFF = {"off", "uit"}


def on_group_event(ctx: Context) -> None:
    incoming = ctx.incoming
    if incoming.kind is EventKind.ROOM_MOVED:
        if incoming.moved_to:
            ctx.domain.move_room(incoming.platform, incoming.chat_id, incoming.moved_to)
        return
    room = ctx.domain.room(incoming.platform, incoming.chat_id)
    if room is None:
        return  # a group that is not one of ours: stay out of it
    community = ctx.domain.community_by_id(room.community_id)
    name = community.name if community is not None else ""
    person = ctx.person
    if incoming.kind is EventKind.JOIN_REQUEST:
        welcome = ctx.domain.may_join(room, person)
        ctx.act(incoming.platform, incoming.chat_id, AdmitMember(incoming.user_id, welcome))
        if person is not None and welcome:
            ctx.tell(person, "room.admitted", community=name)
        else:
            # Someone who has not joined yet: their private chat is addressed by their user id.
            text = ctx.t("room.how_to_join", community=name)
            ctx.act(incoming.platform, incoming.user_id, SendMessage(text))
    elif incoming.kind is EventKind.MEMBER_JOINED and person is not None:
        ctx.tell(person, "room.welcome_private", community=name)
        locale = community.default_locale if community else ctx.settings.default_locale
        ctx.post(incoming.platform, incoming.chat_id, locale, "room.welcome_group")
    elif incoming.kind in (EventKind.MESSAGE, EventKind.EDIT, EventKind.DELETION):
        _relay(ctx, room, community)


def _relay(ctx: Context, room: Room, community: Community | None) -> None:
    """A message, an edit or a deletion in a room of a relayed conversation: follow it in the
    conversation's other rooms. The copy names the sender by first name only."""
    incoming = ctx.incoming
    locale = community.default_locale if community is not None else ctx.settings.default_locale
    name = first_name(incoming.sender_name)
    text = incoming.text.strip()
    media = incoming.media[0] if incoming.media else None
    if media is not None and not text:
        text = media.caption or ""

    def line(_target: Room) -> str:
        # One community, one language for its rooms: the community's own.
        shown = name or ctx.translator.t(locale, "relay.someone")
        return ctx.translator.t(locale, "relay.line", name=shown, text=text).rstrip()

    if incoming.kind is EventKind.MESSAGE:
        if text or media is not None:
            ctx.queue(ctx.domain.relay_copies(room, incoming.message_id, ctx.person, line, media))
    elif incoming.ref is not None and incoming.ref.remote_id is not None:
        if incoming.kind is EventKind.EDIT:
            if media is None:  # a changed caption would turn the copied photo into text
                ctx.queue(ctx.domain.relay_edits(room, incoming.ref.remote_id, line))
        else:
            ctx.queue(ctx.domain.relay_deletions(room, incoming.ref.remote_id))


@command("linkgroup", roles=STAFF, in_groups=True)
def link_group(ctx: Context) -> None:
    """Typed by a coordinator in a group they made (where bots cannot make groups: Telegram):
    the group becomes one of the community's rooms, with the rules pinned. From then on the bot
    admits only the community's parents who finished onboarding."""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.say("room.link_in_group")
        return
    community = _community_of_speaker(ctx)
    if community is None:
        ctx.say("code.no_community")
        return
    ctx.domain.link_room(community, incoming.platform, incoming.chat_id)
    rules = ctx.translator.t(community.default_locale, "rooms.rules")
    ctx.act(incoming.platform, incoming.chat_id, SendMessage(rules))
    ctx.act(incoming.platform, incoming.chat_id, PinMessage(Target(earlier=1)))
    ctx.say("room.linked", community=community.name)
    if ctx.capabilities.join_links:
        # A link to the group that asks the bot for approval, for the coordinator to share.
        ctx.act(incoming.platform, incoming.chat_id, InviteMember(incoming.user_id))


@command("relay", roles=STAFF, in_groups=True)
def relay(ctx: Context) -> None:
    """Typed by a coordinator in a group room: relaying between this room and the community's
    rooms of the same purpose on other platforms goes on (or off; without a word it flips).
    It is one switch for the whole conversation, so that it never relays one way only."""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.say("relay.in_group")
        return
    room = _room_of_speaker(ctx)
    if room is None:
        ctx.say("relay.not_linked")
        return
    word = incoming.args[0].lower() if incoming.args else ""
    on = True if word in RELAY_ON else False if word in RELAY_OFF else not room.relay
    rooms = ctx.domain.set_relay(room, on)
    if on:
        ctx.say("relay.on", count=len(rooms) - 1)
    else:
        ctx.say("relay.off")


@command("delete", roles=STAFF, in_groups=True)
def delete(ctx: Context) -> None:
    """A coordinator answers a message in a group room with /delete: it is removed there and
    wherever it was relayed. (A Telegram bot is not told when someone deletes a message in a
    group, so this is how a deletion on Telegram reaches the Matrix copy.)"""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.say("relay.delete_how")
        return
    room = _room_of_speaker(ctx)
    if room is None:
        ctx.say("relay.not_linked")
        return
    if incoming.ref is None or incoming.ref.remote_id is None:
        ctx.say("relay.delete_how")
        return
    ctx.queue(ctx.domain.remove_everywhere(room, incoming.ref.remote_id))
    if incoming.message_id is not None:  # the command itself goes too: the group stays clean
        ctx.act(
            incoming.platform,
            incoming.chat_id,
            DeleteMessage(Target(remote_id=incoming.message_id)),
        )


def _room_of_speaker(ctx: Context) -> Room | None:
    """The group room the command was typed in, if it is one of the speaker's community (an
    admin's: any community's)."""
    incoming = ctx.incoming
    room = ctx.domain.room(incoming.platform, incoming.chat_id)
    if room is None or ctx.role is Role.ADMIN:
        return room
    person = ctx.person
    return room if person is not None and person.community_id == room.community_id else None


def _community_of_speaker(ctx: Context) -> Community | None:
    person = ctx.person
    if ctx.role is not Role.ADMIN:
        return person.community if person is not None else None
    every = ctx.domain.communities()
    return every[0] if len(every) == 1 else None
