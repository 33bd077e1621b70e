"""Events in group rooms: join requests, members who join, messages.

The bot stays quiet in group rooms: parents talk to each other there. It admits only parents
who finished onboarding in the room's community (`community.services.rooms.may_join`), tells
anyone else in private how to start, and welcomes a new member in their own language.
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.types import EventKind
from community.actions import AdmitMember, SendMessage


def on_group_event(ctx: Context) -> None:
    incoming = ctx.incoming
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
