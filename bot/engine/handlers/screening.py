"""What moderation does with a group event before the rooms see it (`screen`, called by the
engine first): a member who floods a room is slowed down, a newcomer's link is held for a
coordinator, a join is remembered for the newcomer's first day, and someone a coordinator
removed is not let in again by the bot itself.

The normal path costs nothing: counting is in memory (`bot.engine.flood`), the room is looked
up only for a message with a link or one over the limit.
"""

from __future__ import annotations

from typing import Any

from bot.engine.context import Context
from bot.engine.flood import FloodGuard, Verdict
from bot.engine.handlers.moderation import (
    Said,
    refuse_removed,
    send_to_coordinators,
)
from bot.engine.types import EventKind
from community.actions import SendMessage
from community.models import Role
from community.services.moderation import HELD, Author, has_link
from community.services.relay_text import clean_body, safe_first_name
from community.views import RoomView

STAFF_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})


def screen(ctx: Context, flood: FloodGuard) -> bool:
    """True when moderation took care of the event: nothing else happens with it."""
    incoming = ctx.incoming
    kind = incoming.kind
    verdict = Verdict.OK
    if kind is EventKind.MESSAGE:
        key = (incoming.platform, incoming.chat_id, incoming.user_id)
        verdict = flood.count(key, ctx.clock.now())
    linked = kind in (EventKind.MESSAGE, EventKind.EDIT) and _has_link(ctx)
    joining = kind is EventKind.MEMBER_JOINED or (
        kind is EventKind.JOIN_REQUEST and ctx.who.speaker is not None
    )
    if verdict is Verdict.OK and not linked and not joining:
        return False
    room = ctx.domain.rooms.find(incoming.platform, incoming.chat_id)
    if room is None:
        return False  # not one of ours: the rooms stay out of it too
    person = ctx.who.speaker
    if kind is EventKind.JOIN_REQUEST:
        return person is not None and refuse_removed(ctx, room, person)
    if kind is EventKind.MEMBER_JOINED:
        if person is not None and person.community_id == room.community_id:
            ctx.domain.moderation.record_join(room, person)
        return False  # the welcome follows
    if _is_staff(ctx, room):
        return False
    flooding = verdict is not Verdict.OK
    if verdict is Verdict.FIRST_OVER:
        _slow_down(ctx, room, flood)
    if linked and _holds_links(ctx, room):
        _hold(ctx, room, quietly=flooding)
        return True
    return flooding


def _has_link(ctx: Context) -> bool:
    incoming = ctx.incoming
    if incoming.command is not None and incoming.command in ctx.handlers.commands:
        return False  # a command of ours is never relayed
    caption = incoming.media[0].caption if incoming.media else None
    return has_link(incoming.text) or (caption is not None and has_link(caption))


def _is_staff(ctx: Context, room: RoomView) -> bool:
    if ctx.who.role is Role.ADMIN:
        return True
    person = ctx.who.speaker
    return (
        person is not None
        and person.role in STAFF_ROLES
        and person.community_id == room.community_id
    )


def _holds_links(ctx: Context, room: RoomView) -> bool:
    """A member in their first day here, or someone who never joined the community through
    the bot (when they came is not known: their links wait too)."""
    person = ctx.who.speaker
    if person is None or person.community_id != room.community_id:
        return True
    hours = ctx.settings.moderation.newcomer_hours
    return ctx.domain.moderation.is_newcomer(room, person, hours)


def _hold(ctx: Context, room: RoomView, quietly: bool) -> None:
    """Take the message down (and any copies of it, for an edit that added the link); unless
    the member is flooding, the coordinators get it with buttons and the member is told."""
    incoming = ctx.incoming
    message_id = incoming.message_id
    if incoming.kind is EventKind.EDIT and incoming.ref is not None:
        message_id = incoming.ref.remote_id
    if message_id is None:
        return
    ctx.out.queue(ctx.domain.relay.remove_everywhere(room, message_id))
    if quietly:
        return
    author = Author(ctx.who.speaker, incoming.platform, incoming.user_id)
    record = ctx.domain.moderation.open_report(HELD, room, message_id, author, None)
    text = incoming.text or (incoming.media[0].caption or "" if incoming.media else "")
    send_to_coordinators(
        ctx, record, room, author, Said(clean_body(text), safe_first_name(incoming.sender_name))
    )
    _tell_speaker(ctx, room, "moderation.link_held")


def _slow_down(ctx: Context, room: RoomView, flood: FloodGuard) -> None:
    seconds = int(flood.window.total_seconds())
    _tell_speaker(ctx, room, "moderation.slow_group", seconds=seconds)


def _tell_speaker(ctx: Context, room: RoomView, msgid: str, **values: Any) -> None:
    """In private: a stored person in their language, anyone else by their platform id in
    the community's."""
    speaker = ctx.who.speaker
    if speaker is not None:
        ctx.others.tell(speaker, msgid, **values)
        return
    community = ctx.domain.communities.by_id(room.community_id)
    locale = community.default_locale if community is not None else ctx.settings.default_locale
    incoming = ctx.incoming
    text = ctx.translator.t(locale, msgid, **values)
    ctx.out.act(incoming.platform, incoming.user_id, SendMessage(text))
