"""Buddies, the parent's side: the /buddy menu, messages between buddies through the bot
(/buddy TEXT), pausing, ending a pair, and the answers to the follow-up question.

A follow-up button is stateless (bot/engine/buttons.py): a press days later works, and is
answered only by a parent of the pair. The coordinator's round is in
bot/engine/handlers/buddy_round.py, the first names and the introduction in
bot/engine/handlers/buddy_intro.py.
"""

from __future__ import annotations

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, YesNoQuestion, start_flow
from bot.engine.handlers import buddy_talk
from community.actions import Media
from community.models import PairStatus
from community.services import buddies
from community.services.people import Speaker

FOLLOW_UP_LABEL_IDS = {
    "met": "buddy.follow_up.met",
    "not_yet": "buddy.follow_up.not_yet",
    "another": "buddy.follow_up.another",
}
FOLLOW_UP_REPLY_IDS = {
    "met": "buddy.follow_up.thanks_met",
    "not_yet": "buddy.follow_up.thanks_not_yet",
    "another": "buddy.ended.done",
}


# -- between buddies ------------------------------------------------------------------------------
def _typed_after_command(ctx: Context) -> str:
    parts = ctx.incoming.text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def buddy(ctx: Context) -> None:
    """/buddy: the menu; /buddy TEXT (or a photo captioned so): straight to the buddy."""
    message = _typed_after_command(ctx)
    media = buddy_talk.incoming_media(ctx)
    if not message and media is None:
        start_flow(ctx, "buddy_menu")
        return
    buddy_talk.relay(ctx, message, media)


class BuddyMenu(Question):
    name = "buddy_menu"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        person = ctx.who.require_speaker()
        options = []
        introduced = buddy_talk.introduced_pair(ctx)
        if introduced is not None:
            name = ctx.domain.buddies.first_name(introduced.other(person)) or "?"
            options.append(Choice("write", ctx.reply.t("buddy.menu.write", name=name)))
            options += buddy_talk.share_choices(ctx, introduced)
        if ctx.domain.buddies.active_pair(person) is not None:
            options.append(Choice("end", ctx.reply.t("buddy.menu.end")))
        answers = ctx.domain.people.answers(person)
        if answers is not None and answers.buddy_opt_in:
            if ctx.domain.buddies.is_paused(person):
                options.append(Choice("resume", ctx.reply.t("buddy.menu.resume")))
            else:
                options.append(Choice("pause", ctx.reply.t("buddy.menu.pause")))
        elif answers is not None and not options:
            # Never a menu of only "Close": who asked for no buddy can ask for one here.
            options.append(Choice("opt_in", ctx.reply.t("buddy.menu.opt_in")))
        options.append(Choice("close", ctx.reply.t("button.close")))
        return tuple(options)

    def enter(self, ctx: Context) -> None:
        person = ctx.who.require_speaker()
        pair = ctx.domain.buddies.active_pair(person)
        if pair is not None and pair.introduced_at is not None:
            name = ctx.domain.buddies.first_name(pair.other(person)) or "?"
            ctx.reply.say("buddy.status.paired", name=name)
            buddy_talk.share_status(ctx, pair)
        elif pair is not None and ctx.domain.buddies.first_name(person) is None:
            # They left the first-name question (/cancel): the introduction waits for it.
            start_flow(ctx, "buddy_name", pair=pair.id)
            return
        elif pair is not None:
            ctx.reply.say("buddy.status.introducing")
        elif not _opted_in(ctx, person):
            ctx.reply.say("buddy.status.off")
        elif ctx.domain.buddies.is_paused(person):
            ctx.reply.say("buddy.status.paused")
        else:
            ctx.reply.say("buddy.status.looking")
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("buddy.menu.ask", choices=self.choices(ctx))

    def on_media(self, ctx: Context, media: Media) -> None:
        """A photo or voice note sent with the menu open: meant for the buddy."""
        ctx.dialogue.leave()
        buddy_talk.relay(ctx, "", media)

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        person = ctx.who.require_speaker()
        if key == "end":
            return Outcome.NEXT
        ctx.dialogue.leave()
        introduced = buddy_talk.introduced_pair(ctx)
        if key == "write" and introduced is not None:
            start_flow(ctx, "buddy_write")
        elif key.startswith("share") and introduced is not None:
            buddy_talk.on_share_choice(ctx, key, introduced)
        elif key in ("write", "share", "share_send", "share_withdraw"):
            ctx.reply.say("buddy.relay.no_buddy")  # the pair ended since the menu was shown
        elif key == "pause":
            ctx.domain.buddies.set_paused(person, True)
            ctx.reply.say("buddy.paused")
        elif key == "resume":
            ctx.domain.buddies.set_paused(person, False)
            ctx.reply.say("buddy.resumed")
        elif key == "opt_in" and ctx.domain.people.answers(person) is not None:
            ctx.domain.people.save_answers(person, buddy_opt_in=True)
            ctx.domain.buddies.set_paused(person, False)
            ctx.reply.say("buddy.status.looking")
        else:
            ctx.reply.say("profile.closed")
        return Outcome.DONE


def _opted_in(ctx: Context, speaker: Speaker) -> bool:
    answers = ctx.domain.people.answers(speaker)
    return answers is not None and bool(answers.buddy_opt_in)


def end_pair(ctx: Context, pair: buddies.Pair, person: buddies.Parent) -> None:
    """End a pair: no reason asked, no blame; both go back to the pool, never this pair again."""
    if ctx.domain.buddies.end(pair):
        ctx.others.tell(pair.other(person), "buddy.ended.other")


def end_on_stop(ctx: Context) -> None:
    """A parent who stops contact leaves their buddy pair; the buddy hears it ended, no more."""
    person = ctx.who.require_speaker()
    pair = ctx.domain.buddies.active_pair(person)
    if pair is not None:
        end_pair(ctx, pair, person)


class BuddyEnd(YesNoQuestion):
    name = "buddy_end"
    ask_id, yes_id, no_id = "buddy.end.ask", "buddy.end.yes", "buddy.end.no"
    no_first = True

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        person = ctx.who.require_speaker()
        ctx.dialogue.leave()
        pair = ctx.domain.buddies.active_pair(person)
        if key == "yes" and pair is not None:
            end_pair(ctx, pair, person)
            ctx.reply.say("buddy.ended.done")
        else:
            ctx.reply.say("buddy.end.kept")
        return Outcome.DONE


# -- the follow-up answers ------------------------------------------------------------------------
def follow_up_answer(ctx: Context, args: tuple[str, ...]) -> None:
    person = ctx.who.require_speaker()
    pair = ctx.domain.buddies.pair(args[0]) if args else None
    answer = args[1] if len(args) > 1 else ""
    if pair is None or not pair.has(person) or answer not in FOLLOW_UP_LABEL_IDS:
        ctx.reply.clear_pressed()
        ctx.reply.say("input.old_button")
        return
    if pair.status is not PairStatus.APPROVED:
        ctx.reply.clear_pressed()
        ctx.reply.say("buddy.ended.already")
        return
    ctx.domain.buddies.record_answer(pair, person, answer)
    name = ctx.domain.buddies.first_name(pair.other(person)) or "?"
    question_text = ctx.reply.t("buddy.follow_up.ask", name=name)
    chosen = ctx.reply.t(FOLLOW_UP_LABEL_IDS[answer])
    if not ctx.reply.update_pressed(f"{question_text}\n✓ {chosen}"):
        ctx.reply.clear_pressed()
    if answer == buddies.ENDING_ANSWER:
        end_pair(ctx, pair, person)
    ctx.reply.say(FOLLOW_UP_REPLY_IDS[answer], name=name)
