"""Events in group rooms: join requests, members who join, messages.

The bot stays quiet in group rooms: parents talk to each other there. Everything here is
scoped to the one community the room belongs to. It admits only people who belong there
(`community.services.rooms.may_join`: parents who finished onboarding in that community, its
staff; admins), removes anyone else who was added without asking and tells them in private how
to start, and welcomes a new member in their own language. Someone already in the group who
never joined through the bot (the group was linked with them in it) is asked in private, once
a day at most, and their messages are not relayed.

Where a coordinator turned relaying on (`/relay`), a message in one of the community's rooms
is copied to its rooms of the same purpose on the other platforms, with a safe first name only
(`community.services.relay_text`); edits and deletions by the author or the community's staff
follow (`community.services.relay`). The commands typed in groups are in `room_commands`.
"""

from __future__ import annotations

from datetime import timedelta

from bot.engine.context import Context
from bot.engine.types import EventKind
from community.actions import AdmitMember, RemoveMember, SendMessage
from community.models import Role
from community.services.relay import Actor
from community.services.relay_text import (
    MAX_RELAY_TEXT,
    clean_body,
    copy_text,
    safe_first_name,
)
from community.views import CommunityView, RoomView

ASK_AGAIN_AFTER = timedelta(days=1)  # someone who posts without joining is asked once a day
RESERVED_ROLES = ("role.admin", "role.coordinator", "role.professional")


def on_group_event(ctx: Context) -> None:
    incoming = ctx.incoming
    if incoming.kind is EventKind.ROOM_MOVED:
        if incoming.moved_to:
            ctx.domain.rooms.move(incoming.platform, incoming.chat_id, incoming.moved_to)
        return
    room = ctx.domain.rooms.find(incoming.platform, incoming.chat_id)
    if room is None:
        return  # a group that is not one of ours: stay out of it
    community = ctx.domain.communities.by_id(room.community_id)
    name = community.name if community is not None else ""
    person = ctx.who.speaker
    member = belongs(ctx, room)
    if incoming.kind is EventKind.JOIN_REQUEST:
        ctx.out.act(incoming.platform, incoming.chat_id, AdmitMember(incoming.user_id, member))
        if not member:
            _tell_how_to_join(ctx, name)
        elif person is not None:
            ctx.others.tell(person, "room.admitted", community=name)
    elif incoming.kind is EventKind.MEMBER_JOINED:
        if not member:
            # Added by someone without asking: the group holds only who joined through the
            # bot, as join requests promise. They may ask again once they joined.
            ctx.out.act(incoming.platform, incoming.chat_id, RemoveMember(incoming.user_id))
            _tell_how_to_join(ctx, name)
        elif person is not None:
            ctx.others.tell(person, "room.welcome_private", community=name)
            ctx.others.post(
                incoming.platform, incoming.chat_id, _locale(ctx, community), "room.welcome_group"
            )
    elif incoming.kind is EventKind.MESSAGE and not member:
        _tell_how_to_join(ctx, name, once=True)  # and the message stays in this group
    elif incoming.kind in (EventKind.MESSAGE, EventKind.EDIT, EventKind.DELETION):
        _relay(ctx, room, community)


def belongs(ctx: Context, room: RoomView) -> bool:
    """The speaker belongs in this room: one of its community's people, or an admin."""
    return ctx.who.role is Role.ADMIN or ctx.domain.rooms.may_join(room, ctx.who.speaker)


def is_room_staff(ctx: Context, room: RoomView) -> bool:
    """Staff of the room's own community (a coordinator), or an admin of the installation."""
    if ctx.who.role is Role.ADMIN:
        return True
    person = ctx.who.speaker
    return (
        person is not None
        and person.active
        and person.role is Role.COORDINATOR
        and person.community_id == room.community_id
    )


def _locale(ctx: Context, community: CommunityView | None) -> str:
    return community.default_locale if community is not None else ctx.settings.default_locale


def _tell_how_to_join(ctx: Context, community_name: str, once: bool = False) -> None:
    """In private: this group is for the community's parents, and how to start. `once`: not
    when it was said to them within the last day (someone who keeps posting)."""
    incoming, person = ctx.incoming, ctx.who.speaker
    if person is not None:
        platform, chat = person.platform, person.chat_id
        text = ctx.translator.t(
            person.locale or ctx.settings.default_locale, "room.how_to_join",
            community=community_name,
        )  # fmt: skip
    else:
        platform, chat = incoming.platform, incoming.user_id  # their private chat
        text = ctx.reply.t("room.how_to_join", community=community_name)
    if once and ctx.domain.rooms.said_lately(
        platform, chat, text, ctx.clock.now() - ASK_AGAIN_AFTER
    ):
        return
    ctx.out.act(platform, chat, SendMessage(text), person_id=person.id if person else None)


def reserved_names(ctx: Context, community: CommunityView | None) -> list[str]:
    """Names a copy never shows as its sender: the roles in every language, the community's
    name and the bot's own names."""
    names = [
        ctx.translator.t(loc, msgid) for loc in ctx.translator.locales for msgid in RESERVED_ROLES
    ]
    if community is not None:
        names.append(community.name)
    names.extend(ctx.settings.bot_names())
    return names


def _relay(ctx: Context, room: RoomView, community: CommunityView | None) -> None:
    """A message, an edit or a deletion in a room of a relay circle: follow it in the
    circle's other rooms. The copy names the sender by a safe first name only."""
    incoming = ctx.incoming
    locale = _locale(ctx, community)
    name = safe_first_name(incoming.sender_name, reserved_names(ctx, community))
    text = incoming.text.strip()
    media = incoming.media[0] if incoming.media else None
    if media is not None and not text:
        text = media.caption or ""
    body = clean_body(text)

    def line(_target: RoomView) -> str:
        # One community, one language for its rooms: the community's own.
        return copy_text(name or ctx.translator.t(locale, "relay.someone"), body)

    speaker = ctx.who.speaker
    if incoming.kind is not EventKind.DELETION and len(body) > MAX_RELAY_TEXT:
        if speaker is not None and ctx.domain.relay.partners(room):
            ctx.others.tell(speaker, "relay.too_long", limit=MAX_RELAY_TEXT)
        return  # it stays in its own group
    actor = Actor(speaker.id if speaker is not None else None, is_room_staff(ctx, room))
    if incoming.kind is EventKind.MESSAGE:
        if body or media is not None:
            ctx.out.queue(ctx.domain.relay.copies(room, incoming.message_id, speaker, line, media))
    elif incoming.ref is not None and incoming.ref.remote_id is not None:
        if incoming.kind is EventKind.EDIT:
            if media is None:  # a changed caption would turn the copied photo into text
                ctx.out.queue(ctx.domain.relay.edits(room, incoming.ref.remote_id, line, actor))
        else:
            ctx.out.queue(ctx.domain.relay.deletions(room, incoming.ref.remote_id, actor))
