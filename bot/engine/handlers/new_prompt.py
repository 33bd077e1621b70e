"""/new: a professional writes a prompt (a tip, a question or an invitation) for the parents of
their community. The text is checked for plain language before it goes out; the writer may
change it or send it as it is. It goes now (or when the quiet hours end) or tomorrow morning."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, start_flow
from bot.engine.handlers import translating
from bot.engine.handlers.new_prompt_times import programme_slot, typed_moment, when
from bot.engine.handlers.plain_problems import say_problems
from community import prompt_kinds
from community.actions import Media
from community.models import Role
from community.prompt_kinds.question import MAX_OPTION, MAX_OPTIONS
from community.services import plain
from community.services.prompts import in_quiet_hours, quiet_hours_end, to_utc, when_text

WRITERS = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})
MAX_TEXT = 600
MAX_PLACE = 200
MORNING = time(10, 0)
# A place that is only a day and/or a time ("14-10", "10:00", "14-10 10:00") is no place.
LOOKS_LIKE_WHEN = re.compile(r"^[\d\s:./-]*\d[\d\s:./-]*(uur|h|u)?$", re.IGNORECASE)

AGE_IDS = {"0-2": "age.0_2", "2-4": "age.2_4", "4-6": "age.4_6", "6-12": "age.6_12"}


def _media(data: dict[str, Any]) -> Media | None:
    media = data.get("media")
    return Media.from_json(media) if isinstance(media, dict) else None


def _go(ctx: Context, step: str) -> Outcome:
    state = ctx.dialogue.state
    start_flow(ctx, "new", step, **(state.data if state is not None else {}))
    return Outcome.DONE


def _kind(ctx: Context) -> prompt_kinds.PromptKind:
    """The kind being written (a tip until one is chosen)."""
    state = ctx.dialogue.state
    return prompt_kinds.of(str(state.data.get("kind", "")) if state is not None else "")


def _after_text(ctx: Context) -> Outcome:
    return _go(ctx, "new_options" if _kind(ctx).options else "new_audience")


def _after_audience(ctx: Context) -> Outcome:
    return _go(ctx, "new_when" if _kind(ctx).event else "new_send")


def new(ctx: Context) -> None:
    if ctx.domain.communities.of(ctx.who.require_speaker()) is None:
        ctx.reply.say("code.no_community")
        return
    start_flow(ctx, "new")


class NewKind(Question):
    name = "new_kind"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        writable = prompt_kinds.kinds(lambda kind: kind.writable)
        return tuple(Choice(kind.name, ctx.reply.t(kind.label)) for kind in writable)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_kind", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(kind=key)
        return Outcome.NEXT


class NewText(Question):
    name = "new_text"

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_text")

    def on_media(self, ctx: Context, media: Media) -> None:
        """A photo, video or voice note goes with the text (showing an activity helps)."""
        ctx.dialogue.remember(media=media.to_json())
        ctx.reply.say("new.media_saved")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        text = text.strip()
        if ctx.incoming.media:  # a photo or video with the text as its caption
            ctx.dialogue.remember(media=ctx.incoming.media[0].to_json())
        if len(text) > MAX_TEXT:
            ctx.reply.say("new.text_too_long", limit=MAX_TEXT)
            return Outcome.STAY
        problems = plain.check(text, ctx.who.locale)
        ctx.dialogue.remember(text=text, problems=problems)
        if problems:
            return Outcome.NEXT  # to new_check
        return _after_text(ctx)


class NewCheck(Question):
    name = "new_check"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        # Writing again comes first: a double tap never sends a text that is hard to read.
        return (
            Choice("again", ctx.reply.t("new.write_again")),
            Choice("keep", ctx.reply.t("new.keep")),
        )

    def enter(self, ctx: Context) -> None:
        state = ctx.dialogue.state
        problems = state.data.get("problems", []) if state is not None else []
        say_problems(ctx, problems)
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.check_ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "again":
            return _go(ctx, "new_text")
        return _after_text(ctx)


class NewOptions(Question):
    """A question is answered freely, or with up to 4 buttons the writer types."""

    name = "new_options"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (Choice("free", ctx.reply.t("new.options.free")),)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_options", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(options=None)
        return _go(ctx, "new_audience")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        options = [" ".join(part.split()) for part in text.split("/")]
        if not 2 <= len(options) <= MAX_OPTIONS or not all(
            0 < len(option) <= MAX_OPTION and ":" not in option for option in options
        ):
            ctx.reply.say("new.bad_options", count=MAX_OPTIONS, length=MAX_OPTION)
            return Outcome.STAY
        ctx.dialogue.remember(options=options)
        return _go(ctx, "new_audience")


class NewAudience(Question):
    """Who gets it: every parent, the parents of children of one age band, or of one
    neighbourhood (typed next)."""

    name = "new_audience"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        bands = tuple(Choice(f"band:{band}", ctx.reply.t(msgid)) for band, msgid in AGE_IDS.items())
        return (
            Choice("all", ctx.reply.t("new.audience.all")),
            *bands,
            Choice("hood", ctx.reply.t("new.audience.hood")),
        )

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_audience", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "hood":
            return Outcome.NEXT  # to new_hood
        band = key.removeprefix("band:")
        ctx.dialogue.remember(bands=[band] if band in AGE_IDS else [], hood=None)
        return _after_audience(ctx)


def audience_text(ctx: Context, data: dict[str, Any]) -> str:
    """Who the prompt is for, in the writer's words: "Parents of children 2-4 years"."""
    hood = ctx.domain.communities.neighbourhood(int(data["hood"])) if data.get("hood") else None
    if hood is not None:
        return ctx.reply.t("new.for_hood", neighbourhood=hood.name)
    bands = [ctx.reply.t(AGE_IDS[band]) for band in data.get("bands", []) if band in AGE_IDS]
    if bands:
        return ctx.reply.t("new.for_band", ages=", ".join(bands))
    return ctx.reply.t("new.audience.all")


class NewWhen(Question):
    name = "new_when"

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_when")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        event_at = typed_moment(ctx, text)
        if event_at is None:
            return Outcome.STAY
        ctx.dialogue.remember(event_at=event_at.isoformat())
        return Outcome.NEXT


class NewPlace(Question):
    name = "new_place"

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_place")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        place = " ".join(text.split())
        if not place or len(place) > MAX_PLACE:
            ctx.reply.say("new.ask_place")
            return Outcome.STAY
        if LOOKS_LIKE_WHEN.match(place):  # a second date, typed one step too late
            ctx.reply.say("new.place_is_date")
            return Outcome.STAY
        ctx.dialogue.remember(place=place)
        return Outcome.NEXT


class NewSend(Question):
    name = "new_send"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        slot = programme_slot(ctx)
        state = ctx.dialogue.state
        return (
            *translating.send_choices(ctx, state.data if state is not None else {}),
            Choice("now", ctx.reply.t("new.send_now")),
            *(
                (Choice("slot", ctx.reply.t("new.send_slot", when=when(ctx, slot))),)
                if slot is not None
                else ()
            ),
            Choice("tomorrow", ctx.reply.t("new.send_tomorrow")),
            Choice("at", ctx.reply.t("new.send_at")),
            Choice("cancel", ctx.reply.t("new.cancel")),
        )

    def enter(self, ctx: Context) -> None:
        state = ctx.dialogue.state
        data = state.data if state is not None else {}
        ctx.reply.say("new.preview", audience=audience_text(ctx, data))
        text = _kind(ctx).lead(str(data.get("text", "")))
        if data.get("event_at") and data.get("place"):  # as the parents will see it
            moment = when(ctx, datetime.fromisoformat(str(data["event_at"])))
            text += "\n\n" + ctx.reply.t("prompt.when_where", when=moment, place=data["place"])
        if data.get("options"):
            text += "\n" + ctx.reply.t("new.options_line", options=" / ".join(data["options"]))
        ctx.reply.say_text(text, media=_media(data))
        translating.translators_line(ctx, data)
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_send", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        if key == "at":
            return _go(ctx, "new_send_at")
        config = ctx.settings.prompts
        now = ctx.clock.now()
        if key == "now":
            return _create(ctx, now, at_once=True)
        if key == "translators":
            return _create(ctx, now + translating.TIME_TO_TRANSLATE)
        if key == "slot":
            slot = programme_slot(ctx)
            return _create(ctx, slot or now, at_once=slot is None)
        if key == "tomorrow":
            tomorrow = now.astimezone(config.zone).date() + timedelta(days=1)
            return _create(ctx, to_utc(datetime.combine(tomorrow, MORNING), config))
        ctx.dialogue.leave()
        ctx.reply.say("new.cancelled")
        return Outcome.DONE


class NewSendAt(Question):
    """Another day and time to send it, typed like the event's ("14-10 10:00")."""

    name = "new_send_at"

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("new.ask_send_at")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        due_at = typed_moment(ctx, text)
        if due_at is None:
            return Outcome.STAY
        state = ctx.dialogue.state
        event = state.data.get("event_at") if state is not None else None
        if event and due_at >= datetime.fromisoformat(str(event)):
            ctx.reply.say("new.send_after_event")
            return Outcome.STAY
        return _create(ctx, due_at)


def _create(ctx: Context, due_at: datetime, at_once: bool = False) -> Outcome:
    state = ctx.dialogue.state
    speaker = ctx.who.require_speaker()
    community = ctx.domain.communities.of(speaker)
    if state is None or community is None:
        ctx.dialogue.leave()
        ctx.reply.say("new.cancelled")
        return Outcome.DONE
    data = dict(state.data)
    ctx.dialogue.leave()
    config = ctx.settings.prompts
    # "Now" in the quiet hours means when they end: the scheduler's job sends it then.
    quiet = at_once and in_quiet_hours(due_at, config)
    if quiet:
        due_at, at_once = quiet_hours_end(due_at, config), False
    event_at = datetime.fromisoformat(data["event_at"]) if data.get("event_at") else None
    prompt = ctx.domain.prompts.create(
        community, str(data["kind"]), {ctx.who.locale: str(data["text"])}, due_at, speaker,
        event_at, data.get("place"), _media(data), data.get("bands", []), data.get("hood"),
        data.get("options"),
    )  # fmt: skip
    if at_once:
        count = ctx.domain.prompts.deliver_now(
            prompt, ctx.translator, config, ctx.settings.translation
        )
        if count is not None:
            ctx.reply.say("new.sent", count=count)
            return Outcome.DONE
    if quiet:
        ctx.reply.say("new.after_quiet", time=config.quiet_end.strftime("%H:%M"))
        return Outcome.DONE
    ctx.reply.say("new.planned", when=when_text(prompt.due_at, ctx.who.locale, config))
    translating.after_create(ctx, prompt)
    return Outcome.DONE
