"""Voice notes: /voice on, /voice off (or /voice alone, which switches), and the "I prefer
listening" button of onboarding. With voice notes on, every message to the person comes as a
text and then as a voice note in their language (community/services/voice.py queues it,
bot/voice makes it).
"""

from __future__ import annotations

from bot.engine.context import Choice, Context
from community import buttons as codec
from community.actions import ClearButtons

CHOICE = "voice"
_ON = {"on", "1"}
_OFF = {"off", "0"}


def listen_choice(ctx: Context) -> Choice | None:
    """The "I prefer listening" button (shown with the speaker 🔊: community/pictograms.py),
    offered while onboarding to a parent who has not
    turned voice notes on; None when it would mean nothing."""
    speaker = ctx.who.speaker
    state = ctx.dialogue.state
    if speaker is None or speaker.voice_notes or state is None or state.flow != "onboarding":
        return None
    return Choice(CHOICE, ctx.reply.t("voice.prefer"))


def withdraw_offer(ctx: Context) -> None:
    """The parent typed their answer instead: take the "I prefer listening" button off the
    question it was on, so that no button is left to press on an answered question (typing
    its words still works while onboarding lasts, and /voice on always does)."""
    if ctx.who.speaker is None or not ctx.capabilities.edit:
        return
    incoming = ctx.incoming
    asked = ctx.domain.sent.asked_in_chat(incoming.platform, incoming.chat_id)
    if asked is None or asked.answered:
        return
    for button in asked.buttons:
        data = codec.decode(button.data)
        if isinstance(data, codec.QuestionData) and data.key == CHOICE:
            ctx.out.to_speaker.append(ClearButtons(asked.target))
            return


def prefer_listening(ctx: Context) -> None:
    """The onboarding button was pressed (or its words typed): voice notes on from now on."""
    ctx.domain.people.set_voice_notes(ctx.who.require_speaker(), True)
    ctx.reply.say("voice.on")


def _wanted(ctx: Context, word: str, on_now: bool) -> bool | None:
    """on / off from the word after /voice (in English or the person's language); none:
    switch. None when the word means neither."""
    word = word.strip().lower()
    if not word:
        return not on_now
    if word in _ON or word == ctx.reply.t("voice.word.on").lower():
        return True
    if word in _OFF or word == ctx.reply.t("voice.word.off").lower():
        return False
    return None


def voice(ctx: Context) -> None:
    speaker = ctx.who.require_speaker()
    wanted = _wanted(ctx, " ".join(ctx.incoming.args), speaker.voice_notes)
    if wanted is None:
        ctx.reply.say(
            "voice.usage",
            word_on=ctx.reply.t("voice.word.on"),
            word_off=ctx.reply.t("voice.word.off"),
        )
        return
    if not ctx.domain.people.set_voice_notes(speaker, wanted):
        ctx.reply.say("voice.already_on" if wanted else "voice.already_off")
        return
    ctx.reply.say("voice.on" if wanted else "voice.off")
