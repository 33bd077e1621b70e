"""Commands every person has: /help, /cancel, /language."""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.dialogue import start_flow
from bot.engine.handlers.joining import help_while_joining, joining
from bot.engine.handlers.stop import stopped_help
from community.models import Role


def help_(ctx: Context) -> None:
    if joining(ctx):
        help_while_joining(ctx)
        return
    speaker = ctx.who.speaker
    if speaker is not None and not speaker.active:
        stopped_help(ctx)
        return
    role = ctx.who.role  # read once: each read asks the domain
    if role is Role.GUEST:
        ctx.reply.say("help.guest")
        return
    lines = [ctx.reply.t("help.intro")]
    lines += [
        f"/{cmd.name} – {ctx.reply.t(cmd.help_for(role))}" for cmd in ctx.handlers.visible_to(role)
    ]
    ctx.reply.say_text("\n".join(lines))


def cancel(ctx: Context) -> None:
    state = ctx.dialogue.state
    if state is None:
        ctx.reply.say("cancel.nothing")
        return
    community_id = state.data.get("community")
    ctx.dialogue.leave()
    speaker = ctx.who.speaker
    if speaker is None and community_id is not None:
        # Half-joined and nothing stored: tell them how to begin again.
        community = ctx.domain.communities.by_id(int(community_id))
        ctx.reply.say("cancel.join_later", code=community.invite_code if community else "")
    elif speaker is not None and not speaker.settled:
        ctx.reply.say("cancel.resume")
    else:
        ctx.reply.say("cancel.done")


def language(ctx: Context) -> None:
    """Choose the language again. Half-way through onboarding, the parent comes back to the very
    step they were at afterwards, with what they ticked there (not the first unanswered one)."""
    state = ctx.dialogue.state
    onboarding = state is not None and state.flow == "onboarding"
    if joining(ctx) and state is not None:
        # Before consent only the dialogue holds the community: its own language step.
        start_flow(ctx, "onboarding", "language", **state.data)
    elif onboarding and state is not None and state.step != "language":
        back = {"step": state.step, "data": dict(state.data)}
        start_flow(ctx, "edit", "language", back=back)
    else:
        start_flow(ctx, "edit", "language")
