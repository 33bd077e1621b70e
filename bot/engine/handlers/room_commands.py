"""Commands typed in a group room: /linkgroup, /relay and /delete.

Each acts only within one community. `/linkgroup` is honoured only from someone who is an
administrator of the group on the platform (the adapter says so on `Incoming`), and a group
that belongs to a community stays with it: a coordinator of another community is refused, and
only an admin moves it, by saying `/linkgroup move`. `/relay` and `/delete` are for the staff
of the room's own community (admins anywhere).
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.handlers.rooms import is_room_staff
from community.actions import DeleteMessage, InviteMember, PinMessage, SendMessage, Target
from community.models import Role
from community.views import CommunityView, RoomView

RELAY_ON = {"on", "aan"}
RELAY_OFF = {"off", "uit"}
MOVE = {"move", "verhuis"}


def link_group(ctx: Context) -> None:
    """Typed by a coordinator in a group they made (where bots cannot make groups: Telegram):
    the group becomes one of the community's rooms, with the rules pinned. From then on the bot
    admits only the community's parents who finished onboarding."""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.reply.say("room.link_in_group")
        return
    if incoming.sender_is_chat_admin is not True:
        ctx.reply.say("room.need_group_admin")
        return
    words = [word.lower() for word in incoming.args]
    move = any(word in MOVE for word in words)
    community = _community_to_link(ctx, [w for w in words if w not in MOVE])
    if community is None:
        return
    room = ctx.domain.rooms.find(incoming.platform, incoming.chat_id)
    if room is not None and room.community_id != community.id:
        owner = ctx.domain.communities.by_id(room.community_id)
        owner_name = owner.name if owner is not None else ""
        if ctx.who.role is not Role.ADMIN:
            ctx.reply.say("room.linked_elsewhere", community=owner_name)
            return
        if not move:
            ctx.reply.say(
                "room.move_how", community=owner_name, command=f"/linkgroup move {community.slug}"
            )
            return
    ctx.domain.rooms.link(community, incoming.platform, incoming.chat_id, move=move)
    locale = community.default_locale
    rules = ctx.translator.t(locale, "rooms.rules")
    ctx.out.act(incoming.platform, incoming.chat_id, SendMessage(rules))
    ctx.out.act(incoming.platform, incoming.chat_id, PinMessage(Target(earlier=1)))
    ctx.reply.say("room.linked", community=community.name)
    # People already in the group who never joined through the bot: asked, in the group, since
    # the bot cannot list them everywhere (a Telegram bot sees no member list).
    ctx.others.post(incoming.platform, incoming.chat_id, locale, "room.ask_members")
    if ctx.capabilities.join_links:
        # A link to the group that asks the bot for approval, for the coordinator to share.
        ctx.out.act(incoming.platform, incoming.chat_id, InviteMember(incoming.user_id))


def _community_to_link(ctx: Context, words: list[str]) -> CommunityView | None:
    """A coordinator links to their own community; an admin to the only one, or to the one
    they name by its short name. Says why when there is none."""
    speaker = ctx.who.speaker
    if ctx.who.role is not Role.ADMIN:
        community = ctx.domain.communities.of(speaker) if speaker is not None else None
        if community is None:
            ctx.reply.say("code.no_community")
        return community
    if words:
        named = ctx.domain.communities.by_slug(words[0])
        if named is None:
            ctx.reply.say("room.which_community", example=_example_slug(ctx))
        return named
    every = ctx.domain.communities.all()
    if len(every) == 1:
        return every[0]
    if every:
        ctx.reply.say("room.which_community", example=_example_slug(ctx))
    else:
        ctx.reply.say("code.no_community")
    return None


def _example_slug(ctx: Context) -> str:
    every = ctx.domain.communities.all()
    return f"/linkgroup {every[0].slug}" if every else "/linkgroup"


def relay(ctx: Context) -> None:
    """Typed by a coordinator in a group room: relaying between this room and the community's
    rooms of the same purpose on other platforms goes on (or off; without a word it flips).
    It is one switch for the whole relay circle, so that it never relays one way only."""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.reply.say("relay.in_group")
        return
    room = _room_of_speaker(ctx)
    if room is None:
        return
    word = incoming.args[0].lower() if incoming.args else ""
    on = True if word in RELAY_ON else False if word in RELAY_OFF else not room.relay
    rooms = ctx.domain.relay.set(room, on)
    if on:
        ctx.reply.say("relay.on", count=len(rooms) - 1)
    else:
        ctx.reply.say("relay.off")


def delete(ctx: Context) -> None:
    """A coordinator answers a message in a group room with /delete: it is removed there and
    wherever it was relayed. (A Telegram bot is not told when someone deletes a message in a
    group, so this is how a deletion on Telegram reaches the Matrix copy.)"""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.reply.say("relay.delete_how")
        return
    room = _room_of_speaker(ctx)
    if room is None:
        return
    if incoming.ref is None or incoming.ref.remote_id is None:
        ctx.reply.say("relay.delete_how")
        return
    ctx.out.queue(ctx.domain.relay.remove_everywhere(room, incoming.ref.remote_id))
    if incoming.message_id is not None:  # the command itself goes too: the group stays clean
        ctx.out.act(
            incoming.platform,
            incoming.chat_id,
            DeleteMessage(Target(remote_id=incoming.message_id)),
        )


def _room_of_speaker(ctx: Context) -> RoomView | None:
    """The group room the command was typed in, if the speaker is staff of its community (an
    admin: of any community); otherwise says why not and returns None."""
    incoming = ctx.incoming
    room = ctx.domain.rooms.find(incoming.platform, incoming.chat_id)
    if room is None:
        ctx.reply.say("relay.not_linked")
        return None
    if not is_room_staff(ctx, room):
        ctx.reply.say("room.other_community")
        return None
    return room
