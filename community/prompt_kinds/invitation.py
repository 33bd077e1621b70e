"""An invitation to an event: parents answer yes / no / maybe with buttons (pressed maybe days
later), say how many children come, get a calendar file and a reminder the day before. Its
answers are counted in the digest and in the staff's route map; who did not answer is not
counted (not answering never means not interested)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.actions import Button
from community.buttons import action_data
from community.i18n import Translator
from community.models import Prompt, Rsvp
from community.prompt_kinds.kind import PromptKind, When
from community.views import PromptView

# The stateless button actions the RSVP buttons name (registered in bot/engine/handlers/prompts.py).
RSVP_ACTION = "rsvp"
RSVP_COUNT_ACTION = "rsvpn"
RSVP_ANSWERS = ("yes", "no", "maybe")
RSVP_LABELS = {"yes": "rsvp.yes", "no": "rsvp.no", "maybe": "rsvp.maybe"}
MAX_CHILDREN = 4  # buttons 1..4 ("4" means 4 or more)


def rsvp_buttons(prompt: Prompt, locale: str, translator: Translator) -> tuple[Button, ...]:
    return tuple(
        Button(
            translator.t(locale, RSVP_LABELS[answer]), action_data(RSVP_ACTION, prompt.id, answer)
        )
        for answer in RSVP_ANSWERS
    )


def count_buttons(
    prompt: Prompt | PromptView, locale: str, translator: Translator
) -> tuple[Button, ...]:
    return tuple(
        Button(
            f"{n}+" if n == MAX_CHILDREN else str(n), action_data(RSVP_COUNT_ACTION, prompt.id, n)
        )
        for n in range(1, MAX_CHILDREN + 1)
    )


def rsvp_counts(session: Session, prompt: Prompt) -> dict[str, int]:
    """Answers per kind and children coming ("children")."""
    counts = {answer: 0 for answer in RSVP_ANSWERS}
    rows = session.execute(
        select(Rsvp.answer, func.count(), func.coalesce(func.sum(Rsvp.children), 0))
        .where(Rsvp.prompt_id == prompt.id)
        .group_by(Rsvp.answer)
    ).all()
    children = 0
    for answer, count, kids in rows:
        counts[answer] = count
        children += int(kids or 0)
    counts["children"] = children
    return counts


class Invitation(PromptKind):
    name = "invitation"
    order = 30
    label = "new.kind.invitation"
    route_label = "routekaart.kind.invitation"
    event = True
    rsvp = True

    def buttons(self, prompt: Prompt, locale: str, translator: Translator) -> tuple[Button, ...]:
        return rsvp_buttons(prompt, locale, translator)

    def route_line(
        self, prompt: Prompt | PromptView, locale: str, translator: Translator, when: When
    ) -> str:
        if prompt.event_at is None:
            return super().route_line(prompt, locale, translator, when)
        moment = when(prompt.event_at, locale)
        return translator.t(locale, "routekaart.event", place=prompt.place or "", when=moment)

    def counts(self, session: Session, prompt: Prompt) -> dict[str, int] | None:
        return rsvp_counts(session, prompt)

    def digest_lines(
        self, counts: dict[str, int], locale: str, translator: Translator
    ) -> list[str]:
        return [translator.t(locale, "digest.rsvps", **counts)]


KIND = Invitation()
