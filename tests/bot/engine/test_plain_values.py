"""Handlers run against an in-memory fake of the domain: no database, no session.

The shape of a handler's unit test (as cosmicpython tests handlers against a fake unit of
work): the context gets plain values (the speaker, the dialogue state) and a fake domain that
keeps them in memory, hands out the same views the real one does (community/views.py) and
records what the handler asked of it; the test reads the replies and the fake's record. The
fake fails loudly on anything else a handler asks.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from bot.engine.context import Context, new_context
from bot.engine.dialogue import continue_flow
from bot.engine.handler_table import HANDLERS
from bot.engine.handlers.commands import cancel
from bot.engine.port import Capabilities
from bot.engine.types import Incoming
from community.actions import ClearButtons, EditMessage, SendMessage, Target
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES, Translator
from community.models import PairStatus, Role
from community.prompt_kinds.invitation import RSVP_ACTION
from community.services import buddies
from community.services.domain import Domain
from community.services.parent_answers import Answers
from community.services.people import Speaker
from community.views import CommunityView, DialogueView, PromptView
from config import load_settings

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def dialogue(flow: str, step: str, data: dict[str, Any], token: str = "t0") -> DialogueView:
    """Anna's dialogue state, as the engine hands it over."""
    return DialogueView("console", "anna", "anna", 1, "en", flow, step, token, data, NOW)


def community(community_id: int, invite_code: str) -> CommunityView:
    return CommunityView(community_id, "arnhem", "Arnhem", "Arnhem", invite_code, "nl", [], None)


def invitation(prompt_id: int, place: str) -> PromptView:
    return PromptView(
        prompt_id, 7, None, "invitation", {"nl": "Koffie"}, [], None, None, NOW, NOW, place,
        None, None, NOW, None, 0, False,
    )  # fmt: skip


class _Loud:
    """Fails loudly on anything the handler was not expected to ask."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the handler asked the domain for {name!r}")


class FakeCommunities(_Loud):
    def __init__(self, communities: dict[int, CommunityView]) -> None:
        self.known = communities

    def by_id(self, community_id: int) -> CommunityView | None:
        return self.known.get(community_id)


class FakePeople(_Loud):
    """The stored people as plain values: who they are and their onboarding answers."""

    def __init__(self) -> None:
        self.speakers: dict[int, Speaker] = {}
        self.answers_of: dict[int, Answers] = {}
        self.saved: list[dict[str, Any]] = []

    def speaker(self, person_id: int) -> Speaker | None:
        return self.speakers.get(person_id)

    def create(
        self, platform: str, user_id: str, chat_id: str, role: Role, locale: str | None = None
    ) -> Speaker:
        created = Speaker(len(self.speakers) + 1, platform, user_id, chat_id, role, None, locale)
        self.speakers[created.id] = created
        return created

    def role(self, person_id: int) -> Role | None:
        speaker = self.speakers.get(person_id)
        return speaker.role if speaker is not None else None

    def answers(self, speaker: Speaker) -> Answers | None:
        return self.answers_of.get(speaker.id)

    def save_answers(self, speaker: Speaker, **changes: Any) -> None:
        self.saved.append(changes)
        answers = self.answers_of[speaker.id]
        tupled: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()
        }
        self.answers_of[speaker.id] = dataclasses.replace(answers, **tupled)


class FakeDialogues(_Loud):
    """Dialogue states change only here: the handler gets the new view back."""

    def __init__(self) -> None:
        self.left: list[DialogueView] = []
        self.remembered: list[dict[str, Any]] = []
        self.locales: list[str] = []

    def enter(
        self,
        platform: str,
        user_id: str,
        person_id: int | None,
        flow: str,
        step: str,
        data: dict[str, Any],
        token: str,
        chat_id: str | None = None,
    ) -> DialogueView:
        return DialogueView(
            platform, user_id, chat_id, person_id, None, flow, step, token, data, NOW
        )

    def remember(self, state: DialogueView, **changes: Any) -> DialogueView:
        self.remembered.append(changes)
        return dataclasses.replace(state, data={**state.data, **changes})

    def leave(self, state: DialogueView) -> DialogueView:
        self.left.append(state)
        return dataclasses.replace(state, flow=None, step=None, data={}, token="")

    def remember_locale(self, platform: str, user_id: str, locale: str) -> DialogueView:
        self.locales.append(locale)
        return DialogueView(platform, user_id, None, None, locale, None, None, "", {}, NOW)

    def link_person(self, state: DialogueView, person_id: int) -> DialogueView:
        return dataclasses.replace(state, person_id=person_id)


class FakePrompts(_Loud):
    def __init__(self, *invitations: PromptView) -> None:
        self.invitations = {prompt.id: prompt for prompt in invitations}
        self.rsvps: list[tuple[int, int, str]] = []

    def open_invitation(self, prompt_id: int, speaker: Speaker) -> PromptView | None:
        return self.invitations.get(prompt_id)

    def record_rsvp(self, prompt: PromptView, speaker: Speaker, answer: str) -> None:
        self.rsvps.append((prompt.id, speaker.id, answer))


class FakeBuddies(_Loud):
    """Buddy pairs as plain values, the first names each shares, and what was asked of them."""

    def __init__(self, *pairs: buddies.Pair) -> None:
        self.pairs = {pair.id: pair for pair in pairs}
        self.first_names: dict[int, str] = {}
        self.answers: list[tuple[int, int, str]] = []

    def pair(self, pair_id: int | str) -> buddies.Pair | None:
        return self.pairs.get(int(pair_id)) if str(pair_id).isdigit() else None

    def first_name(self, person: buddies.Parent) -> str | None:
        return self.first_names.get(person.id)

    def record_answer(self, pair: buddies.Pair, person: buddies.Parent, answer: str) -> None:
        self.answers.append((pair.id, person.id, answer))

    def end(self, pair: buddies.Pair) -> bool:
        if pair.status is not PairStatus.APPROVED:
            return False
        self.pairs[pair.id] = dataclasses.replace(pair, status=PairStatus.ENDED)
        return True


class FakeDomain(_Loud):
    """The areas these handlers reach, kept in memory (`domain.communities`, `.people`,
    `.dialogues`, `.prompts`); anything else fails loudly."""

    def __init__(self, *communities: CommunityView) -> None:
        self.communities = FakeCommunities({c.id: c for c in communities})
        self.people = FakePeople()
        self.dialogues = FakeDialogues()
        self.prompts = FakePrompts()
        self.buddies = FakeBuddies()
        self.quoted: set[int] = set()

    @property
    def left(self) -> list[DialogueView]:
        return self.dialogues.left

    def store(self, speaker: Speaker, answers: Answers | None = None) -> Speaker:
        self.people.speakers[speaker.id] = speaker
        if answers is not None:
            self.people.answers_of[speaker.id] = answers
        return speaker


ANNA = Speaker(1, "console", "anna", None, Role.PARENT, 7, "en", onboarded=True)
ANSWERS = Answers(True, "6821", ("0-2",), ("nl",), True, completed=True)


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(SHIPPED_LOCALES, default_locale="en")


def context(
    domain: FakeDomain,
    translator: Translator,
    state: DialogueView | None = None,
    person: Speaker | None = None,
    incoming: Incoming | None = None,
    capabilities: Capabilities | None = None,
) -> Context:
    incoming = incoming or Incoming.from_text("console", "anna", "anna", True, "/cancel")
    return new_context(
        incoming, cast(Domain, domain), load_settings(environ={}), translator, FakeClock(),
        person, "en", HANDLERS, capabilities, row=state,
    )  # fmt: skip


def texts(ctx: Context) -> list[str]:
    return [reply.text for reply in ctx.out.to_speaker if isinstance(reply, SendMessage)]


# -- /cancel -------------------------------------------------------------------------------------
def test_cancel_with_nothing_open_touches_nothing(translator: Translator) -> None:
    domain = FakeDomain()
    ctx = context(domain, translator)
    cancel(ctx)
    assert texts(ctx) == [translator.t("en", "cancel.nothing")]
    assert domain.left == []


def test_cancel_half_joined_says_how_to_begin_again(translator: Translator) -> None:
    domain = FakeDomain(community(7, "ARNHEM"))
    state = dialogue("onboarding", "language", {"community": 7})
    ctx = context(domain, translator, state)
    cancel(ctx)
    assert domain.left == [state]  # the dialogue ended, in the domain
    assert ctx.dialogue.state is None
    assert texts(ctx) == [translator.t("en", "cancel.join_later", code="ARNHEM")]


def test_a_language_chosen_in_this_event_is_the_one_a_new_person_is_stored_with(
    translator: Translator,
) -> None:
    """The context keeps the dialogue state the domain handed back after each change: a
    stranger who picks Turkish and is stored in the same event is stored in Turkish."""
    domain = FakeDomain()
    ctx = context(domain, translator)
    ctx.who.set_locale("tr")
    assert domain.dialogues.locales == ["tr"]
    speaker = ctx.who.ensure_speaker()
    assert speaker.locale == "tr"
    assert ctx.dialogue.row is not None
    assert (ctx.dialogue.row.locale, ctx.dialogue.row.person_id) == ("tr", speaker.id)


def test_speaker_is_a_plain_snapshot() -> None:
    speaker = Speaker(1, "console", "anna", None, Role.PARENT, 7, "nl", onboarded=True)
    assert speaker.chat_id == "anna"
    assert speaker.settled
    with pytest.raises(AttributeError):
        speaker.role = Role.ADMIN  # type: ignore[misc]


# -- /help: a command that only reads who is talking ---------------------------------------------
def _help(ctx: Context) -> None:
    HANDLERS.commands["help"].handler(ctx)


def test_help_lists_a_parents_commands_in_the_table_order(translator: Translator) -> None:
    domain = FakeDomain()
    ctx = context(domain, translator, person=domain.store(ANNA))
    _help(ctx)
    [text] = texts(ctx)
    lines = text.split("\n")
    assert lines[0] == translator.t("en", "help.intro")
    expected = [cmd.name for cmd in HANDLERS.visible_to(Role.PARENT)]
    assert [line.split(" ", 1)[0] for line in lines[1:]] == [f"/{name}" for name in expected]


def test_help_after_stop_says_what_still_works(translator: Translator) -> None:
    domain = FakeDomain()
    stopped = domain.store(dataclasses.replace(ANNA, active=False))
    ctx = context(domain, translator, person=stopped)
    _help(ctx)
    [text] = texts(ctx)
    assert text.startswith(translator.t("en", "contact.stopped"))
    assert "/stop" in text and "/profile" not in text


def test_help_for_a_stranger_says_how_to_begin(translator: Translator) -> None:
    ctx = context(FakeDomain(), translator)
    _help(ctx)
    assert texts(ctx) == [translator.t("en", "help.guest")]


# -- a profile question: ticks live in the dialogue, "Done" saves through the domain ------------
def test_ticking_an_age_band_and_done_saves_the_answer(translator: Translator) -> None:
    domain = FakeDomain()
    anna = domain.store(ANNA, ANSWERS)
    state = dialogue("edit", "ages", {"age": ["0-2"]})
    ctx = context(domain, translator, state, anna)
    continue_flow(ctx, "age:4-6", "")  # a press on the "4-6" button
    assert domain.dialogues.remembered == [{"age": ["0-2", "4-6"]}]
    ticked = ctx.dialogue.state
    assert ticked is not None and ticked.data["age"] == ["0-2", "4-6"]
    assert domain.people.saved == []  # nothing stored while ticking
    continue_flow(ctx, "done", "")
    assert domain.people.saved == [{"age_bands": ["0-2", "4-6"]}]
    assert domain.people.answers_of[anna.id].age_bands == ("0-2", "4-6")
    assert domain.left == [ticked]  # changing one answer ends the dialogue
    assert texts(ctx)[-1] == translator.t("en", "profile.saved")


def test_a_tick_edits_the_question_where_the_platform_can(translator: Translator) -> None:
    domain = FakeDomain()
    anna = domain.store(ANNA, ANSWERS)
    state = dialogue("edit", "ages", {"age": []})
    pressed = Target(remote_id="m1")
    incoming = Incoming.button("console", "anna", "anna", "q:t0:age:0-2", ref=pressed)
    ctx = context(domain, translator, state, anna, incoming, Capabilities(edit=True))
    continue_flow(ctx, "age:0-2", "")
    [edit] = ctx.out.to_speaker
    assert isinstance(edit, EditMessage) and edit.target == pressed
    assert edit.buttons[0].label.startswith("✓")  # the band is ticked on the question itself


# -- a button action pressed days later: an RSVP -------------------------------------------------
def _rsvp(ctx: Context, *args: str) -> None:
    HANDLERS.buttons[RSVP_ACTION].handler(ctx, args)


def test_an_rsvp_no_is_recorded_for_the_speaker(translator: Translator) -> None:
    domain = FakeDomain()
    domain.prompts = FakePrompts(invitation(5, "De Klimboom"))
    anna = domain.store(ANNA)
    incoming = Incoming.button("console", "anna", "anna", "a:rsvp:5:no")
    ctx = context(domain, translator, person=anna, incoming=incoming)
    _rsvp(ctx, "5", "no")
    assert domain.prompts.rsvps == [(5, anna.id, "no")]
    assert texts(ctx) == [translator.t("en", "rsvp.thanks_no")]


def test_an_rsvp_for_a_closed_invitation_takes_the_buttons_off(translator: Translator) -> None:
    domain = FakeDomain()
    anna = domain.store(ANNA)
    pressed = Target(remote_id="m9")
    incoming = Incoming.button("console", "anna", "anna", "a:rsvp:6:yes", ref=pressed)
    ctx = context(domain, translator, None, anna, incoming, Capabilities(edit=True))
    _rsvp(ctx, "6", "yes")
    assert domain.prompts.rsvps == []
    assert texts(ctx) == [translator.t("en", "rsvp.closed")]
    assert ClearButtons(pressed) in ctx.out.to_speaker


# -- a buddy pair as plain values: the answer to "did you meet?" ---------------------------------
BEN = Speaker(2, "matrix", "@ben:example.org", "!ben", Role.PARENT, 7, "nl", onboarded=True)


def _pair(status: PairStatus = PairStatus.APPROVED) -> buddies.Pair:
    return buddies.Pair(3, status, ANNA, BEN, 7, None, None, None, False, ())


def _follow_up(domain: FakeDomain, translator: Translator, answer: str) -> Context:
    incoming = Incoming.button("console", "anna", "anna", buddies.follow_up_data(3, answer))
    ctx = context(domain, translator, person=domain.store(ANNA), incoming=incoming)
    HANDLERS.buttons[buddies.FOLLOW_UP_ACTION].handler(ctx, ("3", answer))
    return ctx


def test_we_met_is_recorded_and_thanked_with_the_buddys_name(translator: Translator) -> None:
    domain = FakeDomain()
    domain.buddies = FakeBuddies(_pair())
    domain.buddies.first_names[BEN.id] = "Ben"
    ctx = _follow_up(domain, translator, "met")
    assert domain.buddies.answers == [(3, ANNA.id, "met")]
    assert texts(ctx) == [translator.t("en", "buddy.follow_up.thanks_met", name="Ben")]
    assert ctx.out.others == []  # the buddy is not told
    assert domain.buddies.pairs[3].status is PairStatus.APPROVED


def test_another_buddy_ends_the_pair_and_tells_the_buddy_in_their_language(
    translator: Translator,
) -> None:
    domain = FakeDomain()
    domain.buddies = FakeBuddies(_pair())
    ctx = _follow_up(domain, translator, "another")
    assert domain.buddies.pairs[3].status is PairStatus.ENDED
    [told] = ctx.out.others
    assert (told.platform, told.chat_id, told.person_id) == ("matrix", "!ben", BEN.id)
    assert isinstance(told.action, SendMessage)
    assert told.action.text == translator.t("nl", "buddy.ended.other")
    assert texts(ctx) == [translator.t("en", "buddy.ended.done", name="?")]


def test_a_follow_up_on_an_ended_pair_changes_nothing(translator: Translator) -> None:
    domain = FakeDomain()
    domain.buddies = FakeBuddies(_pair(PairStatus.ENDED))
    ctx = _follow_up(domain, translator, "met")
    assert domain.buddies.answers == []
    assert texts(ctx) == [translator.t("en", "buddy.ended.already")]
