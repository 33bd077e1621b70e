"""A parent's onboarding answers as plain values (what /profile and onboarding's questions
read), and where an unfinished onboarding picks up again. They are changed through
`domain.people.save_answers`, which loads the stored profile."""

from __future__ import annotations

from dataclasses import dataclass

from community.models import ParentProfile


@dataclass(frozen=True)
class Answers:
    consent: bool
    postcode_area: str | None
    age_bands: tuple[str, ...]
    home_languages: tuple[str, ...]
    buddy_opt_in: bool | None
    completed: bool

    @classmethod
    def of(cls, profile: ParentProfile) -> Answers:
        return cls(
            profile.consent_at is not None, profile.postcode_area, tuple(profile.age_bands),
            tuple(profile.home_languages), profile.buddy_opt_in, profile.completed_at is not None,
        )  # fmt: skip


# What `save_answers` may change (a neighbourhood comes with its postcode area).
FIELDS = frozenset(
    {"postcode_area", "neighbourhood_id", "age_bands", "home_languages", "buddy_opt_in"}
)


def first_unanswered(locale: str | None, answers: Answers | None) -> str | None:
    """Where an unfinished onboarding picks up again (after /cancel, /language, a new /start);
    `answers` None: not a parent."""
    if answers is None or answers.completed:
        return None
    if locale is None:
        return "language"
    if not answers.consent:
        return "consent"
    if not answers.age_bands:
        return "ages" if answers.postcode_area else "postcode"
    if not answers.home_languages:
        return "home_languages"
    return "buddy"
