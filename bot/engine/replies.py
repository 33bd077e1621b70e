"""What a typed reply answers: the one rule of the bot (README, "Typed answers").

A private chat has at most one open question: the latest message with choices, or the latest
question waiting for typed words, sent to it.

- While a dialogue asks (a menu, a first name, contact details), its question is the open one:
  a newer question sent to the person ends the dialogue (the outbox does it for messages to
  others, `settle` for the speaker's own replies), and a dialogue step waits
  `[buddies] answer_hours` at most (`expire`).
- Otherwise the open question is the chat's latest message that asks, as the outbox remembers
  it (community/services/open_questions.py): an invitation's RSVP, "May I share your answer?",
  a contact swap, a coordinator's approval, a question prompt.

A number, a label or a yes / no / maybe word in any shipped language answers the open question
and is pressed through the same path as its button, so the signature and role checks apply and
the stored answer is the choice, never the digit. A press on an earlier question's button gets
"That question is closed." and the open question again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

from bot.engine.context import Choice, Context
from bot.engine.dialogue import (
    WORD_IDS,
    Outcome,
    Question,
    continue_flow,
    match_index,
    reprompt,
    start_flow,
)
from bot.engine.handlers import prompts
from community import buttons as codec
from community.actions import Media
from community.models import Role
from community.services.open_questions import Asked, asks

Press = Callable[[Context, str], None]


def expire(ctx: Context) -> None:
    """A dialogue step left longer than `answer_hours` is over: nothing waits forever."""
    state = ctx.dialogue.state
    if state is None:
        return
    if ctx.clock.now() - state.updated_at > timedelta(hours=ctx.settings.answer_hours):
        ctx.dialogue.leave()


def settle(ctx: Context, token_before: str | None) -> None:
    """The speaker's own replies ask something new (an RSVP's "How many children?") while a
    dialogue that did not ask anew in this event is open: the new question is the open one."""
    state = ctx.dialogue.state
    if state is None or state.token != token_before or ctx.who.role is not Role.PARENT:
        return
    if any(asks(action) for action in ctx.out.to_speaker):
        ctx.dialogue.leave()


def open_asked(ctx: Context) -> Asked | None:
    """The chat's latest message that asks, when no dialogue asks; None when it was answered,
    or belongs to a dialogue that ended."""
    incoming = ctx.incoming
    asked = ctx.domain.sent.asked_in_chat(incoming.platform, incoming.chat_id)
    if asked is None or asked.answered:
        return None
    state = ctx.dialogue.state
    for button in asked.buttons:
        decoded = codec.decode(button.data)
        if isinstance(decoded, codec.QuestionData) and (
            state is None or decoded.token != state.token
        ):
            return None
    return asked


def _meaning(data: str) -> str:
    decoded = codec.decode(data)
    if isinstance(decoded, codec.ActionData) and decoded.args:
        return decoded.args[-1] if decoded.args[-1] in WORD_IDS else ""
    return ""


def _takes_text(ctx: Context, asked: Asked) -> bool:
    if not asked.buttons:
        return True  # a question prompt answered in words
    for button in asked.buttons:
        decoded = codec.decode(button.data)
        action = (
            ctx.handlers.buttons.get(decoded.name)
            if isinstance(decoded, codec.ActionData)
            else None
        )
        if action is not None and action.takes_text:
            return True
    return False


def answer(ctx: Context, text: str, media: Media | None, press: Press) -> bool:
    """A typed message (or photo) outside a dialogue, for the chat's open question. False when
    nothing is open that it could answer."""
    asked = open_asked(ctx)
    if asked is not None and asked.buttons and text:
        labels = [button.label for button in asked.buttons]
        index = match_index(ctx, text, labels, [_meaning(b.data) for b in asked.buttons])
        if index is not None:
            # As if its button was pressed on that very message.
            ctx.incoming = dataclasses.replace(ctx.incoming, ref=asked.target)
            ctx.reply.pressed = asked.target
            press(ctx, asked.buttons[index].data)
            return True
    # A number that is no choice's is not taken as words: a digit is never stored as an answer.
    if asked is not None and (not _takes_text(ctx, asked) or (asked.buttons and _is_number(text))):
        ctx.reply.say("input.use_buttons")
        show(ctx, asked)
        return True
    return prompts.take_answer(ctx, text, media)


def _is_number(text: str) -> bool:
    typed = "".join(text.split())
    return typed.isdecimal()


def show(ctx: Context, asked: Asked | None) -> None:
    """The open question again: the dialogue's, or the chat's latest message that asks."""
    if ctx.dialogue.state is not None:
        reprompt(ctx)
    elif asked is not None and not asked.answered:
        ctx.reply.say_text(asked.text, buttons=asked.buttons)


def closed(ctx: Context) -> None:
    """A press (or a keycap) for a question that is closed: say so, and ask the open one."""
    ctx.reply.say("input.closed")
    ctx.reply.clear_pressed()
    show(ctx, open_asked(ctx) if ctx.dialogue.state is None else None)


def is_closed(ctx: Context, data: codec.ActionData) -> bool:
    """Whether the message whose action button was pressed asks what is no longer open: a
    newer question was sent to the chat since (the same topic excepted: an RSVP stays open
    while "How many children?" follows it). Parents' questions only: see below."""
    action = ctx.handlers.buttons[data.name]
    if action.roles is not None and Role.PARENT not in action.roles:
        # Staff work through a queue (held links, buddy proposals): each item stays open
        # until it is decided, and its handler says when it was decided already.
        return False
    incoming = ctx.incoming
    latest = ctx.domain.sent.asked_in_chat(incoming.platform, incoming.chat_id)
    pressed = (
        ctx.domain.sent.row_id(incoming.platform, incoming.chat_id, incoming.ref)
        if incoming.ref is not None
        else None
    )
    if latest is None or pressed is None or pressed >= latest.outbox_id:
        return False
    topic = action.topic_of(data.args)
    topics = ctx.handlers.topics()
    return not any(topic == codec.topic(button.data, topics) for button in latest.buttons)


# -- a message that could be for two: asked, never guessed ----------------------------------------
def ask_which(ctx: Context, text: str, any_step: bool = False) -> bool:
    """Typed words while a step passes them to a buddy, and the school's question prompt is
    still waiting for this parent's answer: "Is this for your buddy or for the school?".
    `any_step`: the step itself found the words are not what it asks (not a first name)."""
    state, speaker = ctx.dialogue.state, ctx.who.speaker
    current = ctx.handlers.questions.get(state.step or "") if state is not None else None
    if state is None or current is None or speaker is None:
        return False
    if not (current.for_another or any_step) or state.data.get("which_asked"):
        return False
    if ctx.who.role is not Role.PARENT or not text:
        return False
    prompt = ctx.domain.prompts.open_question(speaker, ctx.settings.prompts.answer_days)
    if prompt is None or ctx.domain.prompts.has_answered(prompt, speaker):
        return False
    back = {"flow": state.flow, "step": state.step, "data": dict(state.data)}
    start_flow(ctx, "which", back=back, text=text)
    return True


class Which(Question):
    """The two things a message could be for; the words wait in the dialogue state meanwhile
    (erased with the person, gone once answered or after `answer_hours`)."""

    name = "which"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (
            Choice("buddy", ctx.reply.t("which.buddy")),
            Choice("school", ctx.reply.t("which.school")),
        )

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("which.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        state = ctx.dialogue.state
        assert state is not None
        back, text = state.data.get("back", {}), str(state.data.get("text", ""))
        ctx.reply.clear_pressed()
        questions = ctx.handlers.questions
        if key == "buddy" and back.get("flow") and back.get("step") in questions:
            ctx.dialogue.enter(back["flow"], back["step"], **back.get("data", {}), which_asked=True)
            continue_flow(ctx, None, text)
            return Outcome.DONE
        ctx.dialogue.leave()
        if not prompts.take_answer(ctx, text, None):
            ctx.reply.say("input.not_understood")
        step = back.get("step")
        if back.get("flow") and step in questions and questions[step].asked_again:
            ctx.dialogue.enter(back["flow"], step, **back.get("data", {}))
            questions[step].prompt(ctx)
        return Outcome.DONE
