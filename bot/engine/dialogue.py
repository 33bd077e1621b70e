"""The dialogue machinery: a flow is a list of questions; the person's place in it is stored in
the database (community.services.dialogue_state), so a restart resumes at the same step.

A question asks (with buttons where it can), and takes either a button or typed text. Typed text
that matches a button's number or label, or a plain yes / no word in any shipped language for a
yes-no question, counts as that button, so platforms without buttons (the console, Matrix) work
the same way. Each time a question is asked anew its buttons carry a new token, so a press on a
button of an earlier question is recognised as old (see `ctx.dialogue.enter`).
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.context import Choice, Context
from community.actions import Media

CHECK = "✓ "


class Outcome(enum.Enum):
    NEXT = "next"  # answered: go to the next question of the flow
    STAY = "stay"  # not answered yet: the question already said why
    DONE = "done"  # the question changed or ended the flow itself


class Question:
    name: str = ""
    # What is typed here goes to another person (a buddy): a message that might be an answer
    # to the school's open question is not guessed at (bot/engine/replies.py asks which).
    for_another: bool = False
    # The bot still needs this answer (a first name): after such a message went to the school,
    # the question is asked again instead of being dropped.
    asked_again: bool = False

    def enter(self, ctx: Context) -> None:
        """First time this question is reached: may say more than a re-ask does."""
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        raise NotImplementedError

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return ()

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        return Outcome.STAY

    def on_text(self, ctx: Context, text: str) -> Outcome:
        ctx.reply.say("input.use_buttons")
        self.prompt(ctx)
        return Outcome.STAY

    def on_media(self, ctx: Context, media: Media) -> None:
        """A photo or voice note where this question wants a button or a typed answer."""
        ctx.reply.say("input.media_not_needed")
        self.prompt(ctx)


@dataclass(frozen=True)
class Flow:
    name: str
    steps: tuple[str, ...]
    finish: Callable[[Context], None]
    single: bool = False  # one question out of `steps`, then finish (changing one answer)


def _leave(ctx: Context) -> None:
    ctx.dialogue.leave()


def menu_flow(name: str, steps: tuple[str, ...]) -> Flow:
    """A flow whose questions end it themselves (a menu, a choice that acts at once): if one
    still answers NEXT at the last step, the flow simply ends."""
    return Flow(name, steps, _leave)


def start_flow(ctx: Context, flow_name: str, step: str | None = None, **data: object) -> None:
    first = step or ctx.handlers.flows[flow_name].steps[0]
    ctx.dialogue.enter(flow_name, first, **data)
    ctx.handlers.questions[first].enter(ctx)


# Pictograms, keycaps and emoji variation marks are not part of a typed answer.
_DROPPED = frozenset({"So", "Sk", "Me"})
_PUNCTUATION = ".,!?;:،؟"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace(CHECK.strip(), "").replace("\ufe0f", "")
    text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED)
    return " ".join(text.split()).casefold()


WORD_IDS = {"yes": "words.yes", "no": "words.no", "maybe": "words.maybe"}
SHORT_ANSWER = 4  # words: "Ja, ik kom" answers yes; a longer message is not guessed at


def yes_no_words(ctx: Context, answer: str) -> set[str]:
    """Plain words for yes (or no, maybe) in every shipped language: "ja", "yes", "evet"..."""
    words: set[str] = set()
    for locale in ctx.translator.locales:
        words.update(_normalise(w) for w in ctx.translator.t(locale, WORD_IDS[answer]).split(","))
    return words - {""}


def _word_answer(ctx: Context, typed: str, meanings: set[str]) -> str | None:
    """Yes / no / maybe said in a word of any shipped language, alone or starting a short
    answer ("Ja, ik kom"), when the question has that choice."""
    whole = typed.strip(_PUNCTUATION + " ")
    words = whole.replace(",", " ").replace("،", " ").split()
    first = words[0].strip(_PUNCTUATION) if 0 < len(words) <= SHORT_ANSWER else None
    for answer in WORD_IDS:
        if answer not in meanings:
            continue
        known = yes_no_words(ctx, answer)
        if whole in known or first in known:
            return answer
    return None


def match_index(ctx: Context, text: str, labels: list[str], meanings: list[str]) -> int | None:
    """Which of a question's choices a typed reply picks: its number ("2", also "٢"), its
    label ("English", with or without a pictogram), or a plain yes / no / maybe word when a
    choice means that (`meanings`: "yes", "no", "maybe" or anything else)."""
    typed = _normalise(text)
    if typed.isdecimal() and len(typed) < 3 and 1 <= int(typed) <= len(labels):
        return int(typed) - 1
    for index, label in enumerate(labels):
        if _normalise(label) == typed:
            return index
    if not typed:
        return None
    answer = _word_answer(ctx, typed, set(meanings))
    return meanings.index(answer) if answer is not None else None


def match_choice(ctx: Context, text: str, choices: tuple[Choice, ...]) -> str | None:
    """A typed reply that picks a button of a dialogue question (see `match_index`)."""
    keys = [choice.key for choice in choices]
    index = match_index(ctx, text, [choice.label for choice in choices], keys)
    return keys[index] if index is not None else None


def continue_flow(ctx: Context, choice: str | None, text: str) -> None:
    """Hand the person's message to the question they are at, then move on if it was answered."""
    state = ctx.dialogue.state
    assert state is not None
    step, flow_name = state.step or "", state.flow or ""
    current = ctx.handlers.questions.get(step)
    active_flow = ctx.handlers.flows.get(flow_name)
    if current is None or active_flow is None:  # a flow from an older version: start clean
        ctx.dialogue.leave()
        ctx.reply.say("input.not_understood")
        return
    choices = current.choices(ctx)
    if choice is None and choices:
        choice = match_choice(ctx, text, choices)
    if choice is not None:
        if choice not in {c.key for c in choices}:
            ctx.reply.say("input.old_button")
            current.prompt(ctx)
            return
        outcome = current.on_choice(ctx, choice)
    else:
        outcome = current.on_text(ctx, text)
    if outcome is Outcome.NEXT:
        advance(ctx, active_flow, step)


def advance(ctx: Context, active_flow: Flow, step: str) -> None:
    index = active_flow.steps.index(step) if step in active_flow.steps else len(active_flow.steps)
    if not active_flow.single and index + 1 < len(active_flow.steps):
        following = active_flow.steps[index + 1]
        ctx.dialogue.enter(
            active_flow.name, following, **(ctx.dialogue.state.data if ctx.dialogue.state else {})
        )
        ctx.handlers.questions[following].enter(ctx)
    else:
        active_flow.finish(ctx)


def reprompt(ctx: Context) -> None:
    state = ctx.dialogue.state
    current = ctx.handlers.questions.get(state.step or "") if state is not None else None
    if current is not None:
        current.prompt(ctx)


class YesNoQuestion(Question):
    """Two buttons whose labels say the answer in words ("Yes, stop"), keyed "yes" and "no"."""

    ask_id = ""
    yes_id = "button.yes"
    no_id = "button.no"
    # For a "yes" that cannot be undone the safe answer comes first, so that a double tap or
    # a "1" typed twice never destroys anything.
    no_first = False

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        yes, no = Choice("yes", ctx.reply.t(self.yes_id)), Choice("no", ctx.reply.t(self.no_id))
        return (no, yes) if self.no_first else (yes, no)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say(self.ask_id, choices=self.choices(ctx))


class MultiSelect(Question):
    """Pick several buttons, then "Done". The picks so far live in the dialogue state."""

    state_key = ""
    ask_id = ""
    none_id = ""

    def options(self, ctx: Context) -> list[tuple[str, str]]:  # (value, label)
        raise NotImplementedError

    def saved(self, ctx: Context) -> list[str]:
        raise NotImplementedError

    def save(self, ctx: Context, values: list[str]) -> None:
        raise NotImplementedError

    def picked(self, ctx: Context) -> list[str]:
        state = ctx.dialogue.state
        if state is None or self.state_key not in state.data:
            return self.saved(ctx)
        return list(state.data[self.state_key])

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        picked = set(self.picked(ctx))
        buttons = [
            Choice(f"{self.state_key}:{value}", (CHECK if value in picked else "") + label)
            for value, label in self.options(ctx)
        ]
        return (*buttons, Choice("done", ctx.reply.t("button.done")))

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say(self.ask_id, choices=self.choices(ctx), multi=True)

    def enter(self, ctx: Context) -> None:
        ctx.dialogue.remember(**{self.state_key: self.saved(ctx)})
        self.prompt(ctx)

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        picked = self.picked(ctx)
        if key == "done":
            if not picked:
                ctx.reply.say(self.none_id)
                self.prompt(ctx)
                return Outcome.STAY
            order = [value for value, _ in self.options(ctx)]
            self.save(ctx, sorted(picked, key=order.index))
            return Outcome.NEXT
        value = key.split(":", 1)[1]
        picked = [v for v in picked if v != value] if value in picked else [*picked, value]
        ctx.dialogue.remember(**{self.state_key: picked})
        # Where the platform can edit, the question itself shows the ticks; elsewhere one short
        # line says what is chosen, instead of the whole list of buttons again.
        if not ctx.reply.update_pressed(
            ctx.reply.t(self.ask_id), choices=self.choices(ctx), multi=True
        ):
            if picked:
                labels = dict(self.options(ctx))
                ctx.reply.say(
                    "select.chosen", chosen=", ".join(labels[v] for v in labels if v in picked)
                )
            else:
                ctx.reply.say(self.none_id)
        return Outcome.STAY
