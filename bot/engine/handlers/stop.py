"""/stop: end contact, then offer to erase everything (privacy by default)."""

from __future__ import annotations

from bot.engine.commands import REGISTERED, command
from bot.engine.context import Context
from bot.engine.dialogue import Outcome, Question, flow, question, start_flow
from bot.engine.handlers.questions import yes_no
from bot.engine.types import Choice
from community.services import people


@flow("stop", ("stop_confirm", "erase_confirm"))
def stop_done(ctx: Context) -> None:
    ctx.leave()


@question
class StopConfirm(Question):
    name = "stop_confirm"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return yes_no(ctx, "stop.yes", "stop.no")

    def prompt(self, ctx: Context) -> None:
        ctx.say("stop.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "no":
            ctx.leave()
            ctx.say("stop.cancelled")
            return Outcome.DONE
        ctx.require_person().active = False
        ctx.say("stop.stopped")
        return Outcome.NEXT


@question
class EraseConfirm(Question):
    name = "erase_confirm"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return yes_no(ctx, "erase.yes", "erase.no")

    def prompt(self, ctx: Context) -> None:
        ctx.say("erase.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "yes":
            people.erase(ctx.session, ctx.require_person())
            ctx.person, ctx.erased = None, True
            ctx.say("erase.done")
            return Outcome.DONE
        ctx.say("erase.kept")
        return Outcome.NEXT


@command("stop", roles=REGISTERED)
def stop(ctx: Context) -> None:
    start_flow(ctx, "stop")
