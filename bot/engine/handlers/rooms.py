"""Events in group rooms: join requests, members who join, messages.

The bot stays quiet in group rooms: parents talk to each other there. It admits only parents
who finished onboarding in the room's community (`community.services.rooms.may_join`), tells
anyone else in private how to start, and welcomes a new member in their own language.
"""

from __future__ import annotations

from bot.engine.commands import STAFF, command
from bot.engine.context import Context
from bot.engine.types import EventKind
from community.actions import AdmitMember, InviteMember, PinMessage, SendMessage, Target
from community.models import Community, Role


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


def _community_of_speaker(ctx: Context) -> Community | None:
    person = ctx.person
    if ctx.role is not Role.ADMIN:
        return person.community if person is not None else None
    every = ctx.domain.communities()
    return every[0] if len(every) == 1 else None
