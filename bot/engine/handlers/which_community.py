"""Which community a staff command is about. A coordinator's is their own; an admin belongs to
none, so with one community that one is used, with several the bot asks with buttons, and with
none it says there is none and how to make one (never "ask the admin" to the admin)."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, start_flow
from community.models import Role
from community.views import CommunityView

# What to do once the admin chose: by name, as the choice is stored in the dialogue state.
AFTER: dict[str, Callable[[Context, CommunityView], None]] = {}


def say_no_community(ctx: Context) -> None:
    ctx.reply.say("admin.no_community" if ctx.who.role is Role.ADMIN else "code.no_community")


def community_for(ctx: Context, then: str) -> CommunityView | None:
    """The community the command is about, or None when the bot asked (or said there is none).
    `then` names the AFTER entry that goes on once an admin presses a community."""
    if ctx.who.role is not Role.ADMIN:
        community = ctx.domain.communities.of(ctx.who.require_speaker())
        if community is None:
            say_no_community(ctx)
        return community
    options = ctx.domain.communities.all()
    if len(options) == 1:
        return options[0]
    if not options:
        say_no_community(ctx)
        return None
    start_flow(ctx, "which_community", then=then)
    return None


class WhichCommunity(Question):
    name = "which_community"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(f"community:{c.slug}", c.name) for c in ctx.domain.communities.all())

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("code.ask_community", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        state = ctx.dialogue.state
        then = str(state.data.get("then", "")) if state is not None else ""
        community = ctx.domain.communities.by_slug(key.split(":", 1)[1])
        ctx.dialogue.leave()
        if community is None or ctx.who.role is not Role.ADMIN or then not in AFTER:
            say_no_community(ctx)
            return Outcome.DONE
        AFTER[then](ctx, community)
        return Outcome.DONE
