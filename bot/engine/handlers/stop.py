"""/stop: end contact, then offer to erase everything (privacy by default). A coordinator or
professional who stops is staff no more from that moment (an admin's power is in the config)."""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.dialogue import Outcome, YesNoQuestion, start_flow
from bot.engine.handlers.buddies import end_on_stop
from bot.engine.handlers.room_setup import remove_from_rooms
from community.services.role_codes import STAFF_ROLES


class StopConfirm(YesNoQuestion):
    name = "stop_confirm"
    ask_id, yes_id, no_id = "stop.ask", "stop.yes", "stop.no"

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "no":
            ctx.dialogue.leave()
            ctx.reply.say("stop.cancelled")
            return Outcome.DONE
        speaker = ctx.who.require_speaker()
        ctx.domain.people.set_active(speaker, False)
        remove_from_rooms(ctx, speaker)
        if speaker.role in STAFF_ROLES:
            # Staff who stop lose every power at once, whatever they answer next.
            ctx.domain.staff.step_down(speaker)
        ctx.reply.say("stop.stopped")
        end_on_stop(ctx)
        return Outcome.NEXT


class EraseConfirm(YesNoQuestion):
    name = "erase_confirm"
    ask_id, yes_id, no_id = "erase.ask", "erase.yes", "erase.no"
    no_first = True

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "yes":
            ctx.who.erase_person()
            ctx.reply.say("erase.done")
            return Outcome.DONE
        ctx.reply.say("erase.kept")
        return Outcome.NEXT


def stop(ctx: Context) -> None:
    # Stopped already: what is left to decide is whether to erase.
    stopped = not ctx.who.require_speaker().active
    start_flow(ctx, "stop", "erase_confirm" if stopped else None)


# What still works for someone who stopped, with the words /help uses for it.
AFTER_STOP = (
    ("mydata", "help.cmd.mydata"),
    ("privacy", "help.cmd.privacy"),
    ("language", "help.cmd.language"),
    ("stop", "help.stopped.erase"),
)


def stopped_help(ctx: Context) -> None:
    """/help after /stop: contact has stopped, how to start again, and what still works."""
    lines = [ctx.reply.t("contact.stopped"), ctx.reply.t("help.works_now")]
    lines += [f"/{name} – {ctx.reply.t(msgid)}" for name, msgid in AFTER_STOP]
    ctx.reply.say_text("\n".join(lines))
