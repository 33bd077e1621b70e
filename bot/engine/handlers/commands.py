"""Commands every person has: /help, /cancel, /language."""

from __future__ import annotations

from bot.engine.commands import REGISTERED, command, visible_to
from bot.engine.context import Context
from bot.engine.dialogue import start_flow
from community.models import Role


@command("help", roles=None)
def help_(ctx: Context) -> None:
    if ctx.role is Role.GUEST:
        ctx.say("help.guest")
        return
    lines = [ctx.t("help.intro")]
    lines += [f"/{cmd.name} – {ctx.t(cmd.help_id)}" for cmd in visible_to(ctx.role)]
    ctx.say_text("\n".join(lines))


@command("cancel", roles=REGISTERED)
def cancel(ctx: Context) -> None:
    if ctx.state is None:
        ctx.say("cancel.nothing")
        return
    ctx.leave()
    ctx.say("cancel.done")


@command("language", roles=REGISTERED)
def language(ctx: Context) -> None:
    start_flow(ctx, "edit", "language")
