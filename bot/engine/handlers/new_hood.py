"""/new, for the parents of one neighbourhood: the writer types a name or a postcode. A part of
a name that fits several ("Presikhaaf") offers those as buttons; one that fits none says so and
what to type. Never a guess: only one neighbourhood that fits is taken without asking."""

from __future__ import annotations

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question
from bot.engine.handlers.new_prompt import _after_audience
from community.views import NeighbourhoodView

MAX_HOOD = 60  # characters of a typed name that are read
MAX_OFFERED = 6  # more buttons than this do not help: type more of the name


class NewHood(Question):
    name = "new_hood"

    def _offered(self, ctx: Context) -> list[NeighbourhoodView]:
        """The neighbourhoods the last typed name fitted, kept in the dialogue as their ids."""
        state = ctx.dialogue.state
        ids = state.data.get("hood_options", []) if state is not None else []
        found = [ctx.domain.communities.neighbourhood(int(hood_id)) for hood_id in ids]
        return [hood for hood in found if hood is not None]

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(f"hood:{hood.id}", hood.name) for hood in self._offered(ctx))

    def prompt(self, ctx: Context) -> None:
        if self._offered(ctx):
            ctx.reply.say("new.hood_which", choices=self.choices(ctx))
        else:
            ctx.reply.say("new.ask_hood")

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(bands=[], hood=int(key.removeprefix("hood:")), hood_options=[])
        return _after_audience(ctx)

    def on_text(self, ctx: Context, text: str) -> Outcome:
        community = ctx.domain.communities.of(ctx.who.require_speaker())
        found = (
            ctx.domain.communities.neighbourhoods_matching(community, text[:MAX_HOOD])
            if community is not None and text.strip()
            else []
        )
        if len(found) == 1:
            ctx.dialogue.remember(bands=[], hood=found[0].id, hood_options=[])
            return _after_audience(ctx)
        if not found or len(found) > MAX_OFFERED:
            ctx.dialogue.remember(hood_options=[])
            ctx.reply.say("new.hood_unknown" if not found else "new.hood_many")
            return Outcome.STAY
        ctx.dialogue.remember(hood_options=[hood.id for hood in found])
        ctx.reply.say("new.hood_which", choices=self.choices(ctx))
        return Outcome.STAY
