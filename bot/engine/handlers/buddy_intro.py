"""Buddies, once a coordinator approved a pair: the first name each parent shares (the only
name the bot keeps), then the introduction of the two."""

from __future__ import annotations

from bot.engine import replies
from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question
from bot.engine.handlers.buddies import end_pair
from community.actions import Button, SendMessage
from community.buttons import question_data
from community.models import PairStatus
from community.services import buddies
from community.services.people import Speaker

# A concrete first step for the two buddies; which one depends on the pair.
FIRST_STEP_IDS = ("buddy.intro.step_library", "buddy.intro.step_coffee", "buddy.intro.step_walk")
NAME_TOKEN = "n"  # + the pair's id: the first-name question's token, known to its buttons
NOT_NOW_ID = "buddy.name.not_now"


# -- approval: the first names, then the introduction ---------------------------------------------
def approve_pair(ctx: Context, pair: buddies.Pair) -> None:
    ctx.domain.buddies.decide(pair, PairStatus.APPROVED)
    pair = ctx.domain.buddies.pair(pair.id) or pair  # as decided now
    for person in pair.parents:
        if ctx.domain.buddies.first_name(person) is None:
            _ask_first_name(ctx, person, pair)
    _introduce_when_ready(ctx, pair)


def _ask_first_name(ctx: Context, person: Speaker, pair: buddies.Pair) -> None:
    """Another person's question: their dialogue moves to it, so their typed answer lands here."""
    ctx.domain.dialogues.enter(
        person.platform,
        person.platform_user_id,
        person.id,
        "buddy_name",
        "buddy_name",
        {"pair": pair.id},
        f"{NAME_TOKEN}{pair.id}",
        person.private_chat_id,
    )
    # Keyed: two coordinators approving the same pair at once still ask only once.
    ctx.others.tell(person, "buddy.found", key=f"buddy:{pair.id}:found:{person.id}")
    # The question's own button, with the token just given to their dialogue (the engine
    # checks it on a press): a parent may still say no, and end the pair before it begins.
    label = ctx.translator.t(person.locale or ctx.settings.default_locale, NOT_NOW_ID)
    not_now = Button(label, question_data(f"{NAME_TOKEN}{pair.id}", "not_now"))
    ctx.others.tell(
        person, "buddy.name.ask", buttons=(not_now,), key=f"buddy:{pair.id}:name:{person.id}"
    )


def _introduce_when_ready(ctx: Context, pair: buddies.Pair) -> None:
    if pair.status is not PairStatus.APPROVED or pair.introduced_at is not None:
        return
    names = {p.id: ctx.domain.buddies.first_name(p) for p in pair.parents}
    if any(name is None for name in names.values()):
        return  # the other parent has not told us their first name yet
    for person in pair.parents:
        # Each in the language they chose for the bot, even when both speak another at home.
        buddy = pair.other(person)
        locale = ctx.translator.resolve(person.locale or ctx.settings.default_locale)
        _introduce(ctx, pair, person, buddy, names[buddy.id] or "", locale)
    ctx.domain.buddies.introduced(pair)


def _introduce(
    ctx: Context, pair: buddies.Pair, person: Speaker, buddy: Speaker, name: str, locale: str
) -> None:
    """Only the first name the buddy chose to give: the consent said the answers (where they
    live, their children's ages) stay with the bot."""
    t = ctx.translator.t
    step = FIRST_STEP_IDS[pair.id % len(FIRST_STEP_IDS)]
    texts = (
        t(locale, "buddy.intro.hello", name=name),
        t(locale, step),
        t(locale, "buddy.intro.relay", name=name),
        t(locale, "buddy.intro.private"),
    )
    for number, text in enumerate(texts):
        # Keyed: an introduction goes out once, whoever's answer completed it.
        ctx.out.act_for(
            person, SendMessage(text), key=f"buddy:{pair.id}:intro:{person.id}:{number}"
        )


class BuddyNameQuestion(Question):
    """The first name a parent wants their buddy to know: the only name the bot ever keeps."""

    name = "buddy_name"
    asked_again = True  # after words that were for the school, the name is still needed

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (Choice("not_now", ctx.reply.t(NOT_NOW_ID)),)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("buddy.name.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        """No buddy after all: the pair ends before it began, no blame, and looking pauses
        (they said "not now"; /buddy starts it again)."""
        person = ctx.who.require_speaker()
        state = ctx.dialogue.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        ctx.dialogue.leave()
        if pair is not None and pair.has(person):
            end_pair(ctx, pair, person)
        ctx.domain.buddies.set_paused(person, True)
        ctx.reply.say("buddy.name.declined")
        return Outcome.DONE

    def on_text(self, ctx: Context, text: str) -> Outcome:
        name = buddies.clean_first_name(text)
        if name is None:
            # More than a name, while the school's question waits: maybe the answer to it.
            if replies.ask_which(ctx, text, any_step=True):
                return Outcome.DONE
            ctx.reply.say("buddy.name.invalid")
            return Outcome.STAY
        person = ctx.who.require_speaker()
        ctx.domain.buddies.set_first_name(person, name)
        state = ctx.dialogue.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        ctx.dialogue.leave()
        ctx.reply.say("buddy.name.saved", name=name)
        waiting = pair is not None and pair.has(person)
        if pair is not None and waiting and pair.status is PairStatus.APPROVED:
            if ctx.domain.buddies.first_name(pair.other(person)) is None:
                ctx.reply.say("buddy.name.wait")
            _introduce_when_ready(ctx, pair)
        return Outcome.DONE
