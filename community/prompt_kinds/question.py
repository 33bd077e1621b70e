"""A question: parents answer with a message, photo or voice note, or with one of up to
`MAX_OPTIONS` buttons the writer gave it (a later press changes the answer)."""

from __future__ import annotations

from community.actions import Button
from community.buttons import action_data
from community.i18n import Translator
from community.models import Prompt
from community.prompt_kinds.kind import PromptKind

OPTION_ACTION = "qa"  # a question's answer button, its arguments: the prompt, the option
MAX_OPTIONS = 4
MAX_OPTION = 30


def option_buttons(prompt: Prompt) -> tuple[Button, ...]:
    """The writer's own options for a question (in the language they wrote them)."""
    return tuple(
        Button(label, action_data(OPTION_ACTION, prompt.id, index))
        for index, label in enumerate(prompt.options or ())
    )


class Question(PromptKind):
    name = "question"
    order = 20
    label = "new.kind.question"
    route_label = "routekaart.kind.question"
    typed_answers = True
    options = True

    def buttons(self, prompt: Prompt, locale: str, translator: Translator) -> tuple[Button, ...]:
        return option_buttons(prompt)

    def hints(self, locale: str, translator: Translator) -> list[str]:
        return [translator.t(locale, "prompt.answer_hint")]


KIND = Question()
