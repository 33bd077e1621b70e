"""The questions that make up a parent's profile. Each is used in onboarding and again, alone,
when the parent changes that answer with /profile."""

from __future__ import annotations

from bot.engine import first_words
from bot.engine.context import Choice, Context
from bot.engine.dialogue import MultiSelect, Outcome, Question, YesNoQuestion
from bot.engine.handlers import voice
from community.actions import Media
from community.i18n import language_name, native_name
from community.postcode import postcode_area
from community.services.parent_answers import Answers
from community.views import CommunityView
from config.locales import FALLBACK_LOCALE
from config.programme import AGE_BANDS

POSTCODE_TRIES = 3


def _joining(ctx: Context) -> CommunityView | None:
    """The community a parent is joining: in the dialogue state before they are stored."""
    speaker = ctx.who.speaker
    community = ctx.domain.communities.of(speaker) if speaker is not None else None
    if community is not None:
        return community
    state = ctx.dialogue.state
    community_id = state.data.get("community") if state is not None else None
    return ctx.domain.communities.by_id(int(community_id)) if community_id else None


def _answers(ctx: Context) -> Answers:
    answers = ctx.domain.people.answers(ctx.who.require_speaker())
    if answers is None:
        raise LookupError("parent profile missing")
    return answers


def _save(ctx: Context, **changes: object) -> None:
    ctx.domain.people.save_answers(ctx.who.require_speaker(), **changes)


class LanguageQuestion(Question):
    name = "language"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(f"lang:{loc}", native_name(loc)) for loc in ctx.translator.locales)

    def prompt(self, ctx: Context) -> None:
        # Before a language is chosen, nobody knows which one the reader reads: ask in all of them.
        lines = [ctx.translator.t(loc, "language.choose") for loc in ctx.translator.locales]
        ctx.reply.say_text("\n".join(dict.fromkeys(lines)), choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.who.set_locale(key.split(":", 1)[1])
        return Outcome.NEXT

    # A wrong answer here is said so in a language the reader reads (bot.engine.first_words).
    def on_text(self, ctx: Context, text: str) -> Outcome:
        first_words.say(ctx, "input.use_buttons")
        self.prompt(ctx)
        return Outcome.STAY

    def on_media(self, ctx: Context, media: Media) -> None:
        first_words.say(ctx, "input.media_not_needed")
        self.prompt(ctx)


class ConsentQuestion(YesNoQuestion):
    name = "consent"
    ask_id, yes_id, no_id = "consent.ask", "consent.yes", "consent.no"

    def enter(self, ctx: Context) -> None:
        community = _joining(ctx)
        ctx.reply.say("welcome.hello", community=community.name if community else "")
        ctx.reply.say("welcome.what")
        ctx.reply.say("welcome.privacy")
        self.prompt(ctx)

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        community = _joining(ctx)
        if key == "yes" and community is not None:
            # Only now is the parent stored: with the language they chose and their consent.
            ctx.domain.people.join_as_parent(ctx.who.ensure_speaker(), community)
            return Outcome.NEXT
        # Without consent nothing is kept but the language, for the goodbye and a next time.
        ctx.dialogue.leave()
        speaker = ctx.who.speaker
        if speaker is not None and not speaker.onboarded:
            ctx.who.erase_person()
        else:
            ctx.domain.privacy.forget_guest(ctx.incoming.platform, ctx.incoming.chat_id)
        ctx.reply.say("consent.declined")
        return Outcome.DONE


class PostcodeQuestion(Question):
    name = "postcode"

    def tries(self, ctx: Context) -> int:
        state = ctx.dialogue.state
        return int(state.data.get("postcode_tries", 0)) if state else 0

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        if self.tries(ctx) >= POSTCODE_TRIES:
            return (Choice("skip", ctx.reply.t("button.skip")),)
        # The first question after consent: where a parent who reads little can ask to listen.
        listen = voice.listen_choice(ctx)
        return (listen,) if listen is not None else ()

    def prompt(self, ctx: Context) -> None:
        if self.tries(ctx) >= POSTCODE_TRIES:
            ctx.reply.say("postcode.skip_offer", choices=self.choices(ctx))
        else:
            # the listening button on the first ask only: a typed answer takes it off again
            ctx.reply.say("postcode.ask", choices=self.choices(ctx) if not self.tries(ctx) else ())

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == voice.CHOICE:
            voice.prefer_listening(ctx)
            self.prompt(ctx)
            return Outcome.STAY
        ctx.reply.say("postcode.skipped")
        return Outcome.NEXT

    def on_text(self, ctx: Context, text: str) -> Outcome:
        community = ctx.domain.communities.of(ctx.who.require_speaker())
        if not self.tries(ctx) and voice.listen_choice(ctx) is not None:
            voice.withdraw_offer(ctx)
        area = postcode_area(text)
        hood = None
        if area is not None and community is not None:
            hood = ctx.domain.communities.neighbourhood_for(community, area)
        if area is not None and hood is not None:
            _save(ctx, postcode_area=area, neighbourhood_id=hood.id)
            ctx.dialogue.remember(postcode_tries=0)
            ctx.reply.say("postcode.saved", neighbourhood=hood.name)
            return Outcome.NEXT
        ctx.dialogue.remember(postcode_tries=self.tries(ctx) + 1)
        if area is None:
            ctx.reply.say("postcode.invalid")
        else:
            ctx.reply.say("postcode.elsewhere", city=community.city if community else "")
        self.prompt(ctx)
        return Outcome.STAY


class AgesQuestion(MultiSelect):
    name = "ages"
    state_key = "age"
    ask_id = "ages.ask"
    none_id = "ages.none"

    def options(self, ctx: Context) -> list[tuple[str, str]]:
        return [(band, ctx.reply.t(f"age.{band.replace('-', '_')}")) for band in AGE_BANDS]

    def saved(self, ctx: Context) -> list[str]:
        return list(_answers(ctx).age_bands)

    def save(self, ctx: Context, values: list[str]) -> None:
        _save(ctx, age_bands=values)


def home_language_label(ctx: Context, code: str) -> str:
    """A home language's name on its button, in the reader's language. CLDR lacks a few names
    in a few languages (`rif` in Arabic): then the English name, never the bare code (the
    community's config is checked to have one)."""
    name = language_name(code, ctx.who.locale)
    return name if name != code else language_name(code, FALLBACK_LOCALE)


class HomeLanguagesQuestion(MultiSelect):
    name = "home_languages"
    state_key = "hl"
    ask_id = "home_languages.ask"
    none_id = "home_languages.none"

    def options(self, ctx: Context) -> list[tuple[str, str]]:
        community = ctx.domain.communities.of(ctx.who.require_speaker())
        codes = community.home_languages if community else []
        return [(code, home_language_label(ctx, code)) for code in codes]

    def saved(self, ctx: Context) -> list[str]:
        return list(_answers(ctx).home_languages)

    def save(self, ctx: Context, values: list[str]) -> None:
        _save(ctx, home_languages=values)


class BuddyQuestion(YesNoQuestion):
    name = "buddy"
    ask_id, yes_id, no_id = "buddy.ask", "buddy.yes", "buddy.no"

    def enter(self, ctx: Context) -> None:
        ctx.reply.say("buddy.explain")
        self.prompt(ctx)

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        _save(ctx, buddy_opt_in=key == "yes")
        return Outcome.NEXT
