"""Becoming a translator: with a translator code from a coordinator (a volunteer who is not a
parent here becomes one by it; a parent or staff member of the community keeps their role and
translates too), or by saying yes once, at the end of onboarding, as a parent who speaks Dutch
and another language of the bot. Either way they choose the one language they translate into.
"""

from __future__ import annotations

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, YesNoQuestion, start_flow
from community.i18n import language_name, native_name
from community.models import Role
from community.services.people import Speaker
from community.services.prompt_translations import SOURCE_LOCALE
from community.views import RoleCodeView

# Who keeps their role and translates too, with a code of their own community.
KEEP_ROLE = frozenset({Role.PARENT, Role.PROFESSIONAL, Role.COORDINATOR})


def take_translator_code(ctx: Context, record: RoleCodeView) -> None:
    """/start with a translator code (bot/engine/handlers/onboarding.py sends it here)."""
    speaker = ctx.who.speaker
    if speaker is not None and speaker.role in KEEP_ROLE:
        if speaker.community_id != record.community_id:
            ctx.reply.say("start.other_community")
            return
        ctx.domain.translations.spend_code(record, speaker)
        start_flow(ctx, "translator_join", "translator_locale")
        return
    if ctx.who.role is not Role.GUEST:  # an admin, or a translator already
        ctx.reply.say("start.code_not_higher", role=ctx.reply.t(f"role.{ctx.who.role.value}"))
        return
    translator = ctx.who.ensure_speaker()
    ctx.dialogue.leave()
    ctx.domain.staff.use_code(record, translator)
    start_flow(ctx, "translator_join")


def translator_joined(ctx: Context) -> None:
    ctx.dialogue.leave()
    speaker = ctx.who.require_speaker()
    found = ctx.domain.translations.of(speaker)
    community = ctx.domain.communities.of(speaker)
    if found is None or community is None:
        return
    language = language_name(found.locale, ctx.who.locale)
    ctx.reply.say("translate.joined", community=community.name, language=language)
    if speaker.role is Role.TRANSLATOR:
        ctx.reply.say("done.help")


class TranslatorLocale(Question):
    """The language someone translates the school's messages into: one of the bot's."""

    name = "translator_locale"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(
            Choice(f"lang:{loc}", native_name(loc))
            for loc in ctx.translator.locales
            if loc != SOURCE_LOCALE
        )

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("translate.ask_locale", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        speaker = ctx.who.require_speaker()
        locale = key.split(":", 1)[1]
        community = ctx.domain.communities.of(speaker)
        if community is None:
            ctx.dialogue.leave()
            ctx.reply.say("code.no_community")
            return Outcome.DONE
        ctx.domain.translations.become(speaker, community, locale)
        return Outcome.NEXT


# -- a parent who speaks Dutch and another language ---------------------------------------------
def offer_to(ctx: Context, speaker: Speaker) -> None:
    """At the end of onboarding, once: a parent with Dutch and one of the bot's other languages
    at home is asked whether they want to help translate into it."""
    answers = ctx.domain.people.answers(speaker)
    if answers is None or SOURCE_LOCALE not in answers.home_languages:
        return
    others = [code for code in answers.home_languages if code in ctx.translator.locales]
    others = [code for code in others if code != SOURCE_LOCALE]
    if others and ctx.domain.translations.of(speaker) is None:
        start_flow(ctx, "translator_offer", locale=others[0])


class TranslatorOffer(YesNoQuestion):
    name = "translator_offer"
    ask_id, yes_id, no_id = "translate.offer", "translate.offer.yes", "translate.offer.no"

    def _locale(self, ctx: Context) -> str:
        state = ctx.dialogue.state
        return str(state.data.get("locale", "")) if state is not None else ""

    def prompt(self, ctx: Context) -> None:
        language = language_name(self._locale(ctx), ctx.who.locale)
        ctx.reply.say(self.ask_id, language=language, choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        speaker = ctx.who.require_speaker()
        community = ctx.domain.communities.of(speaker)
        locale = self._locale(ctx)
        if key == "no" or community is None or locale not in ctx.translator.locales:
            ctx.reply.say("translate.offer_declined")
            return Outcome.NEXT
        ctx.domain.translations.become(speaker, community, locale)
        language = language_name(locale, ctx.who.locale)
        ctx.reply.say("translate.joined", community=community.name, language=language)
        return Outcome.NEXT
