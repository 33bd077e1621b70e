"""What a prompt kind is: the one object the services, the route map, the digest and the
handlers ask about a kind, instead of comparing its name.

A kind's module (one per kind in this package) defines `KIND`, an instance of a subclass of
`PromptKind` that says its menu labels, pictogram, buttons, how parents answer it, how those
answers are counted and what the digest and the route map say about it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy.orm import Session

from community import pictograms
from community.actions import Button

if TYPE_CHECKING:
    from community.i18n import Translator
    from community.models import Prompt
    from community.views import PromptView

# How a moment is worded for a reader (the services' `when_text`, bound to the settings).
When = Callable[[datetime, str], str]


class PromptKind:
    """A kind of prompt; the defaults are a tip's (text only, nothing to answer)."""

    name: ClassVar[str]  # stored in `prompt.kind`
    order: ClassVar[int] = 100  # place in menus and lists
    label: ClassVar[str]  # msgid naming it in /new and /programme
    route_label: ClassVar[str]  # msgid naming it in the route map
    concept: ClassVar[str | None] = None  # its pictogram's concept (community/pictograms.py)
    writable: ClassVar[bool] = True  # a professional writes one with /new or a prompt file
    event: ClassVar[bool] = False  # it has an event: a day, a time and a place
    rsvp: ClassVar[bool] = False  # parents answer yes / no / maybe (with a reminder, a .ics)
    typed_answers: ClassVar[bool] = False  # parents answer with a message, photo or voice note
    options: ClassVar[bool] = False  # the writer may give it answer buttons

    def lead(self, text: str) -> str:
        """The text as parents see it, led by the kind's pictogram."""
        return pictograms.with_kind(self.concept or self.name, text)

    def buttons(self, prompt: Prompt, locale: str, translator: Translator) -> tuple[Button, ...]:
        """The buttons under the prompt for one reader (none by default)."""
        return ()

    def hints(self, locale: str, translator: Translator) -> list[str]:
        """Lines under the prompt's text telling how to answer it."""
        return []

    def route_line(
        self, prompt: Prompt | PromptView, locale: str, translator: Translator, when: When
    ) -> str:
        """What the route map says is coming; `when(moment, locale)` words a moment."""
        return translator.t(locale, self.route_label)

    def counts(self, session: Session, prompt: Prompt) -> dict[str, int] | None:
        """Its answers counted for the digest (None: nothing to count)."""
        return None

    def digest_lines(
        self, counts: dict[str, int], locale: str, translator: Translator
    ) -> list[str]:
        """The digest's lines about a prompt's answers (`counts` said what they are)."""
        return []
