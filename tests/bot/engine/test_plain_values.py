"""A handler run against an in-memory fake of the domain: no database, no session.

The shape of a handler's unit test (as cosmicpython tests handlers against a fake unit of
work): the context gets plain values (the speaker, the dialogue state) and a fake domain that
records what the handler asked of it; the test reads the replies and the fake's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from bot.engine.context import Context, new_context
from bot.engine.handler_table import HANDLERS
from bot.engine.handlers.commands import cancel
from bot.engine.types import Incoming
from community.actions import SendMessage
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES, Translator
from community.models import Role
from community.services.domain import Domain
from community.services.people import Speaker
from config import load_settings


@dataclass
class DialogueState:
    """The dialogue state as a plain value (what `ctx.dialogue.state` reads)."""

    flow: str | None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    token: str = "t0"


@dataclass(frozen=True)
class FakeCommunity:
    id: int
    invite_code: str


class _Loud:
    """Fails loudly on anything the handler was not expected to ask."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the handler asked the domain for {name!r}")


class FakeCommunities(_Loud):
    def __init__(self, communities: dict[int, FakeCommunity]) -> None:
        self.known = communities

    def by_id(self, community_id: int) -> FakeCommunity | None:
        return self.known.get(community_id)


class FakeDialogues(_Loud):
    def __init__(self) -> None:
        self.left: list[DialogueState] = []

    def leave(self, state: DialogueState) -> None:
        self.left.append(state)
        state.flow = state.step = None


class FakeDomain(_Loud):
    """Only the areas /cancel may reach, kept in memory (`domain.communities`,
    `domain.dialogues`); anything else fails loudly."""

    def __init__(self, *communities: FakeCommunity) -> None:
        self.communities = FakeCommunities({c.id: c for c in communities})
        self.dialogues = FakeDialogues()
        self.quoted: set[int] = set()

    @property
    def left(self) -> list[DialogueState]:
        return self.dialogues.left


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(SHIPPED_LOCALES, default_locale="en")


def context(
    domain: FakeDomain,
    translator: Translator,
    state: DialogueState | None = None,
    person: Any = None,
) -> Context:
    incoming = Incoming.from_text("console", "anna", "anna", True, "/cancel")
    return new_context(
        incoming, cast(Domain, domain), load_settings(environ={}), translator, FakeClock(),
        person, "en", HANDLERS, row=cast(Any, state),
    )  # fmt: skip


def texts(ctx: Context) -> list[str]:
    return [reply.text for reply in ctx.out.to_speaker if isinstance(reply, SendMessage)]


def test_cancel_with_nothing_open_touches_nothing(translator: Translator) -> None:
    domain = FakeDomain()
    ctx = context(domain, translator)
    cancel(ctx)
    assert texts(ctx) == [translator.t("en", "cancel.nothing")]
    assert domain.left == []


def test_cancel_half_joined_says_how_to_begin_again(translator: Translator) -> None:
    domain = FakeDomain(FakeCommunity(7, "ARNHEM"))
    state = DialogueState("onboarding", "language", {"community": 7})
    ctx = context(domain, translator, state)
    cancel(ctx)
    assert domain.left == [state]  # the dialogue ended, in the domain
    assert ctx.dialogue.state is None
    assert texts(ctx) == [translator.t("en", "cancel.join_later", code="ARNHEM")]


def test_speaker_is_a_plain_snapshot() -> None:
    speaker = Speaker(1, "console", "anna", None, Role.PARENT, 7, "nl", onboarded=True)
    assert speaker.chat_id == "anna"
    with pytest.raises(AttributeError):
        speaker.role = Role.ADMIN  # type: ignore[misc]
