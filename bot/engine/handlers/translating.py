"""Community translators at work: a new prompt reaches each translator of a language its
parents read, with two buttons (translate, skip); their text passes the same plain-language
check as the writer's and goes out in that language (community/services/prompt_translations.py
picks it at delivery). The writer hears which languages are done; /new offers a send time late
enough for translators; /community counts their work.

How someone becomes a translator (a code, or a parent's yes) is in translator_join.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.engine.buttons import action_button
from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, start_flow
from bot.engine.handlers.plain_problems import say_problems
from community.actions import SendMessage
from community.i18n import language_name
from community.models import Role
from community.services import plain
from community.services.machine_translation import MachineTranslator
from community.services.people import Speaker
from community.services.prompt_translations import source_locale
from community.services.prompts import when_text
from community.views import CommunityView, PromptView

TRANSLATE_ACTION = "translate"
SKIP_ACTION = "translate_skip"
# Who may hold a translator's buttons: a volunteer translator, and parents and staff who said yes.
TRANSLATING = frozenset({Role.TRANSLATOR, Role.PARENT, Role.PROFESSIONAL, Role.COORDINATOR})
TIME_TO_TRANSLATE = timedelta(hours=24)
MAX_TEXT = 600  # as a writer's text (bot/engine/handlers/new_prompt.py)
# The same words as the writer's check (the ids are listed in bot/engine/handlers/new_prompt.py).


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def languages(codes: list[str], locale: str) -> str:
    return ", ".join(language_name(code, locale) for code in codes)


# -- asking the translators ---------------------------------------------------------------------
def request_text(
    ctx: Context, prompt: PromptView, person: Speaker, locale: str, draft: str | None = None
) -> str:
    """What a translator gets: what to do and by when, the writer's text, and a draft of the
    translation where a translation server made one (`draft`)."""
    reads = person.locale or ctx.settings.default_locale
    when = when_text(prompt.due_at, reads, ctx.settings.prompts)
    lines = [
        ctx.translator.t(
            reads, "translate.asked", language=language_name(locale, reads), when=when
        ),
        str(prompt.texts[source_locale(prompt)]),
    ]
    if draft:
        lines.append(ctx.translator.t(reads, "translate.draft", draft=draft))
    return "\n\n".join(lines)


def ask_translators(ctx: Context, prompt: PromptView) -> list[str]:
    """Send a new prompt to its translators; returns the languages asked for. With
    `[translation] url` set, each request carries the server's draft to start from: one draft
    a language, however many translators it has, and a server that fails is not asked again
    in this event (it costs one timeout, not one a language)."""
    asked = ctx.domain.translations.ask(prompt)
    source = source_locale(prompt)
    drafts: dict[str, str | None] = {}
    with MachineTranslator(ctx.settings) as machine:
        for person, locale in asked:
            if locale not in drafts:
                drafts[locale] = machine.draft(prompt.texts[source], source, locale)
            reads = person.locale or ctx.settings.default_locale
            buttons = (
                action_button(
                    ctx.translator.t(reads, "translate.button"), TRANSLATE_ACTION, prompt.id
                ),
                action_button(
                    ctx.translator.t(reads, "translate.button_skip"), SKIP_ACTION, prompt.id
                ),
            )
            text = request_text(ctx, prompt, person, locale, drafts[locale])
            ctx.out.act_for(
                person, SendMessage(text, buttons), key=f"translate:{prompt.id}:{person.id}"
            )
    return sorted({locale for _, locale in asked})


# -- /new: time for translators -----------------------------------------------------------------
def needed_for(ctx: Context, data: dict[str, Any]) -> list[str]:
    """The languages translators could give the prompt being written (its audience so far)."""
    speaker = ctx.who.require_speaker()
    community = ctx.domain.communities.of(speaker)
    if community is None:
        return []
    return ctx.domain.translations.needed(
        community, ctx.who.locale, data.get("bands", []), data.get("hood"), speaker.id
    )


def send_choices(ctx: Context, data: dict[str, Any]) -> tuple[Choice, ...]:
    """The first choice of /new's send question when translators can help: in 24 hours."""
    if not needed_for(ctx, data):
        return ()
    later = ctx.clock.now() + TIME_TO_TRANSLATE
    when = when_text(later, ctx.who.locale, ctx.settings.prompts)
    return (Choice("translators", ctx.reply.t("new.send_translators", when=when)),)


def translators_line(ctx: Context, data: dict[str, Any]) -> None:
    needed = needed_for(ctx, data)
    if needed:
        ctx.reply.say("new.translators_time", languages=languages(needed, ctx.who.locale))


def after_create(ctx: Context, prompt: PromptView) -> None:
    """A prompt that waits: its translators are asked, and the writer hears for which languages."""
    if prompt.delivered_at is None:
        asked = ask_translators(ctx, prompt)
        if asked:
            ctx.reply.say("new.translators_asked", languages=languages(asked, ctx.who.locale))


# -- the translator's buttons -------------------------------------------------------------------
def _request(ctx: Context, args: tuple[str, ...]) -> tuple[Any, PromptView] | None:
    """The open request of the presser named by the button, or None (said why)."""
    speaker = ctx.who.require_speaker()
    prompt_id = _number(args[0]) if len(args) == 1 else None
    request = ctx.domain.translations.request(prompt_id, speaker) if prompt_id else None
    if request is None:
        ctx.reply.say("input.old_button")  # not sent to them: forged, or from an erased prompt
        ctx.reply.clear_pressed()
        return None
    prompt = ctx.domain.translations.is_open(request)
    if prompt is None:
        ctx.reply.say("translate.closed")
        ctx.reply.clear_pressed()
        return None
    return request, prompt


def translate(ctx: Context, args: tuple[str, ...]) -> None:
    found = _request(ctx, args)
    if found is not None:
        request, prompt = found
        start_flow(ctx, "translate", prompt=prompt.id, locale=request.locale)


def skip(ctx: Context, args: tuple[str, ...]) -> None:
    found = _request(ctx, args)
    if found is None:
        return
    request, prompt = found
    # A skip takes the buttons off; a Translate press leaves them, for a translator who put
    # the message aside (/cancel) and comes back to it.
    ctx.reply.clear_pressed()
    if request.answer is not None:
        ctx.reply.say("translate.skipped")
        return
    ctx.domain.translations.skip(request)
    ctx.reply.say("translate.skipped")
    progress = ctx.domain.translations.progress(prompt)
    if request.locale in progress.skipped:
        _tell_writer(ctx, prompt, "translate.writer_nobody", [request.locale])


def _tell_writer(ctx: Context, prompt: PromptView, msgid: str, codes: list[str]) -> None:
    """Where the prompt's translations stand, to its writer, in their language."""
    writer = ctx.domain.staff.member(prompt.author_id) if prompt.author_id else None
    if writer is None:
        return
    reads = writer.locale or ctx.settings.default_locale
    progress = ctx.domain.translations.progress(prompt)
    excerpt = " ".join(str(prompt.texts[source_locale(prompt)]).split()[:6])
    lines = [
        ctx.translator.t(reads, msgid, languages=languages(codes, reads), message=excerpt),
        ctx.translator.t(reads, "translate.writer_done", languages=languages(progress.done, reads))
        if progress.done
        else "",
        ctx.translator.t(
            reads, "translate.writer_waiting", languages=languages(progress.waiting, reads)
        )
        if progress.waiting
        else "",
    ]
    ctx.out.act_for(writer, SendMessage("\n".join(line for line in lines if line)))


# -- the translation itself ---------------------------------------------------------------------


def _data(ctx: Context) -> dict[str, Any]:
    state = ctx.dialogue.state
    return dict(state.data) if state is not None else {}


class TranslateText(Question):
    name = "translate_text"

    def prompt(self, ctx: Context) -> None:
        locale = str(_data(ctx).get("locale", ""))
        ctx.reply.say("translate.ask_text", language=language_name(locale, ctx.who.locale))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        text = text.strip()
        if len(text) > MAX_TEXT:
            ctx.reply.say("new.text_too_long", limit=MAX_TEXT)
            return Outcome.STAY
        problems = plain.check(text, str(_data(ctx).get("locale", "")))
        ctx.dialogue.remember(text=text, problems=problems)
        if problems:
            return Outcome.NEXT  # to translate_check
        return _save(ctx)


class TranslateCheck(Question):
    name = "translate_check"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (
            Choice("again", ctx.reply.t("new.write_again")),
            Choice("keep", ctx.reply.t("translate.keep")),
        )

    def enter(self, ctx: Context) -> None:
        problems = _data(ctx).get("problems", [])
        say_problems(ctx, problems)
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.check_ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "again":
            start_flow(ctx, "translate", **_data(ctx))
            return Outcome.DONE
        return _save(ctx)


def _save(ctx: Context) -> Outcome:
    data = _data(ctx)
    ctx.dialogue.leave()
    speaker = ctx.who.require_speaker()
    translations = ctx.domain.translations
    request = translations.request(int(data.get("prompt", 0)), speaker)
    prompt = translations.prompt(request.prompt_id) if request is not None else None
    if request is None or prompt is None or not translations.record(request, speaker, data["text"]):
        ctx.reply.say("translate.closed")
        return Outcome.DONE
    count = translations.done_by(speaker)
    ctx.reply.say("translate.thanks", language=language_name(request.locale, ctx.who.locale))
    ctx.reply.say("translate.count", count=count)
    _tell_writer(ctx, prompt, "translate.writer_new", [request.locale])
    return Outcome.DONE


# -- /community ---------------------------------------------------------------------------------
def community_lines(ctx: Context, community: CommunityView) -> list[str]:
    """The translators' work, for the coordinator's overview (thanks matter)."""
    translators, done = ctx.domain.translations.counts(community)
    if not translators and not done:
        return []
    return [ctx.reply.t("community.translators", translators=translators, done=done)]
