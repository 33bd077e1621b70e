"""Help for someone half-way through joining, before consent: nothing is stored yet and only
the onboarding question is open, so a command gets help for that place (what works now, and
the question again), never "send /start and your code" (they already did)."""

from __future__ import annotations

from bot.engine import first_words
from bot.engine.context import Context
from bot.engine.dialogue import reprompt
from community.models import Role

# What a person who has not joined yet can use, in this order.
WORKS_NOW = ("language", "privacy", "mydata", "cancel")


def joining(ctx: Context) -> bool:
    """A guest in the onboarding dialogue: they sent the code, not yet their consent."""
    state = ctx.dialogue.state
    return ctx.who.role is Role.GUEST and state is not None and state.flow == "onboarding"


def _at_language(ctx: Context) -> bool:
    state = ctx.dialogue.state
    return state is not None and state.step == "language" and not first_words.chosen(ctx)


def answer_first(ctx: Context) -> None:
    """A command that needs a member: it works once they joined; first the open question."""
    if _at_language(ctx):
        first_words.say(ctx, "input.language_first")
    else:
        ctx.reply.say("input.answer_first")
    reprompt(ctx)


def help_while_joining(ctx: Context) -> None:
    """/help before consent: where they are, what works now, and the question again."""
    if _at_language(ctx):
        first_words.say(ctx, "input.language_first")
        reprompt(ctx)
        return
    state = ctx.dialogue.state
    community_id = state.data.get("community") if state is not None else None
    community = ctx.domain.communities.by_id(int(community_id)) if community_id else None
    lines = [ctx.reply.t("help.joining", community=community.name if community else "")]
    lines += [f"/{name} – {ctx.reply.t(ctx.handlers.commands[name].help_id)}" for name in WORKS_NOW]
    ctx.reply.say_text("\n".join(lines))
    reprompt(ctx)
