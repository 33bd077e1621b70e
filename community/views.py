"""Plain, frozen copies of stored rows: what the domain hands to handlers (`Domain.rooms.find`
gives a `RoomView`, never a `Room`). A view holds a row's columns as they were read, and
the ids of what it points to instead of the related rows, so reading it never queries and a
handler can be tested against a fake domain that makes views by hand. To change what is
stored, a handler passes the view back to the domain, which loads the row by its id.

A person is `community.services.people.Speaker`; a buddy pair `...buddies.pairs.Pair`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any, Self, cast

from community.models import Role
from community.models.base import Base


@dataclass(frozen=True, slots=True)
class View:
    """A row's columns by the same names. Lists and dicts are copied: changing a view never
    changes the row."""

    @classmethod
    def of(cls, row: Base) -> Self:
        return cls(**{name: _copied(getattr(row, name)) for name in _names(cast(type, cls))})


@cache
def _names(cls: type[View]) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls))


def _copied(value: Any) -> Any:
    return value.copy() if isinstance(value, list | dict) else value


@dataclass(frozen=True, slots=True)
class CommunityView(View):
    id: int
    slug: str
    name: str
    city: str
    invite_code: str
    default_locale: str
    home_languages: list[str]
    programme_times: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class NeighbourhoodView(View):
    id: int
    community_id: int
    name: str
    postcode_areas: list[str]


@dataclass(frozen=True, slots=True)
class RoomView(View):
    id: int
    community_id: int
    platform: str
    chat_id: str
    purpose: str | None
    relay: bool


@dataclass(frozen=True, slots=True)
class DialogueView(View):
    """Where someone is in a dialogue: `flow` and `step` None when no question is open."""

    platform: str
    user_id: str
    chat_id: str | None
    person_id: int | None
    locale: str | None
    flow: str | None
    step: str | None
    token: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PromptView(View):
    id: int
    community_id: int
    key: str | None
    kind: str
    texts: dict[str, Any]
    age_bands: list[str]
    options: list[str] | None
    neighbourhood_id: int | None
    due_at: datetime
    event_at: datetime | None
    place: str | None
    media: dict[str, Any] | None
    author_id: int | None
    created_at: datetime
    delivered_at: datetime | None
    recipients: int
    skipped: bool


@dataclass(frozen=True, slots=True)
class AnswerView(View):
    """A parent's answer to a prompt."""

    id: int
    prompt_id: int
    person_id: int
    text: str | None
    media: dict[str, Any] | None
    created_at: datetime
    shared_at: datetime | None


@dataclass(frozen=True, slots=True)
class RsvpView(View):
    prompt_id: int
    person_id: int
    answer: str
    children: int | None


@dataclass(frozen=True, slots=True)
class ReportView(View):
    """A moderation report, or a message held for a look."""

    id: int
    community_id: int
    room_id: int
    message_id: str
    kind: str
    member_id: int | None
    member_platform: str | None
    member_user_id: str | None
    reporter_id: int | None
    done: list[str]
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RoleCodeView(View):
    """A one-time code's record (never the code: only its hash is stored, and not shown)."""

    id: int
    role: Role
    community_id: int
    created_by_id: int | None
    expires_at: datetime
    used_by_id: int | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class TranslatorView(View):
    """Someone who translates prompts into a language for a community."""

    person_id: int
    community_id: int
    locale: str


@dataclass(frozen=True, slots=True)
class TranslationRequestView(View):
    prompt_id: int
    person_id: int
    locale: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class MatchRoundView(View):
    id: int
    community_id: int
    started_at: datetime
    started_by_id: int | None


@dataclass(frozen=True, slots=True)
class BuddyProfileView(View):
    person_id: int
    first_name: str | None
    paused: bool


__all__ = [
    "AnswerView",
    "BuddyProfileView",
    "CommunityView",
    "DialogueView",
    "MatchRoundView",
    "NeighbourhoodView",
    "PromptView",
    "ReportView",
    "RoleCodeView",
    "RoomView",
    "RsvpView",
    "TranslationRequestView",
    "TranslatorView",
    "View",
]
