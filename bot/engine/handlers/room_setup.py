"""/rooms: a coordinator has the bot make the community's space and group rooms on the
platform they write from (where a platform lets a bot make rooms: Matrix). Parents are invited
after onboarding and taken out after /stop. The domain part is `community.services.room_setup`.
"""

from __future__ import annotations

from bot.engine.context import Context
from community.services import room_setup
from community.services.people import Speaker
from community.views import CommunityView


def _community(ctx: Context) -> CommunityView | None:
    speaker = ctx.who.speaker
    community = ctx.domain.communities.of(speaker) if speaker is not None else None
    if community is not None:
        return community
    every = ctx.domain.communities.all()
    return every[0] if len(every) == 1 else None


def make_rooms(ctx: Context) -> None:
    community = _community(ctx)
    if community is None:
        ctx.reply.say("rooms.no_community")
        return
    platform = ctx.incoming.platform
    if any(
        r.platform == platform and r.purpose == room_setup.SPACE
        for r in ctx.domain.rooms.of(community)
    ):
        ctx.reply.say("rooms.exist", community=community.name)
        return
    topic = ctx.translator.t(community.default_locale, "rooms.space_topic", city=community.city)
    item = ctx.domain.rooms.create_space(community, platform, topic)
    ctx.out.act(item.platform, item.chat_id, item.action, key=item.key)
    ctx.reply.say("rooms.making", community=community.name)


def invite_to_rooms(ctx: Context, speaker: Speaker) -> None:
    """After onboarding: into the space and the rooms that fit (where the bot made them)."""
    ctx.out.queue(ctx.domain.rooms.invites(speaker))


def remove_from_rooms(ctx: Context, speaker: Speaker) -> None:
    """After /stop: out of the community's rooms that the bot made."""
    ctx.out.queue(ctx.domain.rooms.removals(speaker))
