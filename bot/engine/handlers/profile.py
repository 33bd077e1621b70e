"""A parent's own data: /profile to see and change the onboarding answers (/mydata, which shows
everything stored, is in `bot.engine.handlers.privacy`)."""

from __future__ import annotations

from typing import Any

from bot.engine.context import Choice, Context
from bot.engine.dialogue import (
    Outcome,
    Question,
    start_flow,
)
from bot.engine.handlers.onboarding import resume_onboarding
from community.i18n import language_name, native_name

EDITABLE = ("language", "postcode", "ages", "home_languages", "buddy")


def edit_done(ctx: Context) -> None:
    state = ctx.dialogue.state
    back = state.data.get("back") if state is not None else None
    ctx.dialogue.leave()
    ctx.reply.say("profile.saved")
    if isinstance(back, dict) and back.get("step") in ctx.handlers.questions:
        # /language half-way through onboarding: the same step again, in the new language.
        ctx.dialogue.enter("onboarding", back["step"], **back.get("data", {}))
        ctx.handlers.questions[back["step"]].prompt(ctx)
    elif ctx.who.speaker is None:
        ctx.reply.say("start.need_code")  # a stranger chose a language: now how to begin, in it
    else:
        resume_onboarding(ctx)


def _summary(ctx: Context, data: dict[str, Any]) -> list[str]:
    """The onboarding answers and the buddy's first name, as short lines in the person's
    language; `data` holds `Domain.privacy.my_data`'s "parent_profile" and "buddy_profile"
    (/mydata shows these lines too)."""
    no_answer = ctx.reply.t("profile.no_answer")
    lines = [ctx.reply.t("profile.line.language", value=native_name(ctx.who.locale))]
    parent = data["parent_profile"]
    if parent is not None:
        ages = [ctx.reply.t(f"age.{band.replace('-', '_')}") for band in parent["age_bands"]]
        home = [language_name(code, ctx.who.locale) for code in parent["home_languages"]]
        buddy = parent["buddy"]
        lines += [
            ctx.reply.t("profile.line.postcode", value=parent["postcode_area"] or no_answer),
            ctx.reply.t("profile.line.neighbourhood", value=parent["neighbourhood"] or no_answer),
            ctx.reply.t("profile.line.ages", value=", ".join(ages) or no_answer),
            ctx.reply.t("profile.line.home_languages", value=", ".join(home) or no_answer),
            ctx.reply.t(
                "profile.line.buddy",
                value=no_answer
                if buddy is None
                else ctx.reply.t("button.yes" if buddy else "button.no"),
            ),
        ]
    buddy_profile = data["buddy_profile"]
    if buddy_profile is not None and buddy_profile["first_name"]:
        lines.append(ctx.reply.t("profile.line.buddy_name", value=buddy_profile["first_name"]))
    return lines


class ProfileMenu(Question):
    name = "profile_menu"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (
            *(Choice(f"edit:{step}", ctx.reply.t(f"profile.edit.{step}")) for step in EDITABLE),
            Choice("close", ctx.reply.t("button.close")),
        )

    def enter(self, ctx: Context) -> None:
        data = ctx.domain.privacy.profile(ctx.who.require_speaker())
        ctx.reply.say_text("\n".join([ctx.reply.t("profile.intro"), *_summary(ctx, data)]))
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("profile.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "close":
            ctx.dialogue.leave()
            ctx.reply.say("profile.closed")
        else:
            step = key.split(":", 1)[1]
            start_flow(ctx, "edit", step)
        return Outcome.DONE


def profile(ctx: Context) -> None:
    start_flow(ctx, "profile")
