"""Words for someone who has not chosen a language yet (the first question of onboarding).

Until a language is chosen nobody knows which one the reader reads: a message is said in the
language the platform hints at (a Telegram client set to Arabic), else in every shipped
language, like the language question itself. Once chosen, only that language.
"""

from __future__ import annotations

from typing import Any

from bot.engine.context import Context


def chosen(ctx: Context) -> bool:
    """Whether the person chose a language: stored with them, or in their dialogue state."""
    speaker = ctx.who.speaker
    if speaker is not None:
        return speaker.locale is not None
    state = ctx.dialogue.state
    return state is not None and state.locale is not None


def hinted(ctx: Context) -> str | None:
    hint = (ctx.incoming.language_hint or "").split("-")[0].lower()
    return hint if hint in ctx.translator.locales else None


def text(ctx: Context, msgid: str, **values: Any) -> str:
    """`msgid` in the chosen language, or in every language the reader might read."""
    if chosen(ctx):
        return ctx.reply.t(msgid, **values)
    hint = hinted(ctx)
    if hint is not None:
        return ctx.translator.t(hint, msgid, **values)
    lines = [ctx.translator.t(locale, msgid, **values) for locale in ctx.translator.locales]
    return "\n".join(dict.fromkeys(lines))


def say(ctx: Context, msgid: str, **values: Any) -> None:
    ctx.reply.say_text(text(ctx, msgid, **values))
