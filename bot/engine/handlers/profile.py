"""A parent's own data: /profile to change an answer, /mydata to see everything stored."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date

from bot.engine.commands import command
from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, flow, menu_flow, question, start_flow
from bot.engine.handlers import moderation
from bot.engine.handlers.onboarding import resume_onboarding
from community.i18n import language_name, native_name
from community.models import Role
from community.services import people

EDITABLE = ("language", "postcode", "ages", "home_languages", "buddy")


@flow("edit", EDITABLE, single=True)
def edit_done(ctx: Context) -> None:
    ctx.leave()
    ctx.say("profile.saved")
    resume_onboarding(ctx)


menu_flow("profile", ("profile_menu",))


def _summary(ctx: Context) -> list[str]:
    """The person's stored data as short lines in their language."""
    data = people.describe(ctx.require_person())
    no_answer = ctx.t("profile.no_answer")
    lines = [ctx.t("profile.line.language", value=native_name(ctx.locale))]
    if "age_bands" in data:
        ages = [ctx.t(f"age.{band.replace('-', '_')}") for band in data["age_bands"]]  # type: ignore[attr-defined]
        home = [language_name(code, ctx.locale) for code in data["home_languages"]]  # type: ignore[attr-defined]
        buddy = data["buddy_opt_in"]
        lines += [
            ctx.t("profile.line.postcode", value=data["postcode_area"] or no_answer),
            ctx.t("profile.line.neighbourhood", value=data["neighbourhood"] or no_answer),
            ctx.t("profile.line.ages", value=", ".join(ages) or no_answer),
            ctx.t("profile.line.home_languages", value=", ".join(home) or no_answer),
            ctx.t(
                "profile.line.buddy",
                value=no_answer if buddy is None else ctx.t("button.yes" if buddy else "button.no"),
            ),
        ]
    buddy_name = ctx.domain.buddies.first_name(ctx.require_person())
    if buddy_name:
        lines.append(ctx.t("profile.line.buddy_name", value=buddy_name))
    return lines


@question
class ProfileMenu(Question):
    name = "profile_menu"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (
            *(Choice(f"edit:{step}", ctx.t(f"profile.edit.{step}")) for step in EDITABLE),
            Choice("close", ctx.t("button.close")),
        )

    def enter(self, ctx: Context) -> None:
        ctx.say_text("\n".join([ctx.t("profile.intro"), *_summary(ctx)]))
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.say("profile.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "close":
            ctx.leave()
            ctx.say("profile.closed")
        else:
            step = key.split(":", 1)[1]
            start_flow(ctx, "edit", step)
        return Outcome.DONE


@command("profile", roles=frozenset({Role.PARENT}))
def profile(ctx: Context) -> None:
    start_flow(ctx, "profile")


@command("mydata", roles=None)
def mydata(ctx: Context) -> None:
    person = ctx.person
    if person is None:
        ctx.say("mydata.nothing")
        return
    data = people.describe(person)
    lines = [ctx.t("mydata.intro"), *_summary(ctx)]
    # Everything else that is stored, so that this list is all of it.
    lines.append(ctx.t("mydata.account", platform=person.platform, id=person.platform_user_id))
    lines.append(ctx.t("mydata.role", role=ctx.t(f"role.{person.role.value}")))
    if data["community"]:
        lines.append(ctx.t("mydata.community", community=data["community"]))
    if data.get("consent_at"):
        lines.append(ctx.t("mydata.consent", date=_date(ctx, data["consent_at"])))  # type: ignore[arg-type]
    lines.append(ctx.t("mydata.since", date=_date(ctx, person.created_at)))
    answers = ctx.domain.answer_count(person)
    if answers:
        lines.append(ctx.t("mydata.answers", count=answers))
    rsvps = ctx.domain.rsvp_count(person)
    if rsvps:
        lines.append(ctx.t("mydata.rsvps", count=rsvps))
    if person.profile is not None and person.profile.prompts_paused:
        lines.append(ctx.t("mydata.prompts_paused"))
    pairs = ctx.domain.buddies.pair_count(person)
    if pairs:
        lines.append(ctx.t("mydata.buddy_pairs", count=pairs))
    if ctx.domain.buddies.is_paused(person):
        lines.append(ctx.t("mydata.buddy_paused"))
    lines.extend(moderation.mydata_lines(ctx, person))
    ctx.say_text("\n".join(lines))
    ctx.say("mydata.erase_hint")


def _date(ctx: Context, moment: datetime) -> str:
    return format_date(moment.date(), format="long", locale=ctx.locale)
