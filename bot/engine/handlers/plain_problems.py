"""The plain-language check's findings as the writer reads them: one place for `/new` and for
a translator's text (community/services/plain.py finds them)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.engine.context import Context

# Each problem the check can find (plain.PROBLEMS), by the catalog message that explains it
# (written out, so that the catalog test finds each id in the code).
PROBLEM_IDS = {
    "long_sentence": "plain.long_sentence",
    "number_words": "plain.number_words",
    "indirect": "plain.indirect",
    "abbreviation": "plain.abbreviation",
    "long_word": "plain.long_word",
    "too_long": "plain.too_long",
}


def say_problems(ctx: Context, problems: Iterable[str]) -> None:
    """ "Your text may be hard to read:" and a line for each problem found."""
    lines = [ctx.reply.t("new.check_intro")]
    lines += [f"- {ctx.reply.t(PROBLEM_IDS[p])}" for p in problems if p in PROBLEM_IDS]
    ctx.reply.say_text("\n".join(lines))
