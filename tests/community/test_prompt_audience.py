"""Who gets a prompt is one rule (community/services/prompts/audience.py): what a parent's
route map promises is what delivery sends them, for a parent who paused prompts and for one
outside a prompt's age bands."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, time

from bot.app import App
from community.actions import SendMessage
from community.clock import FakeClock
from community.models import ParentProfile, Person, Prompt, Role
from community.services import people, prompts
from community.services.prompts import audience
from config import Settings
from config.programme import Programme, ProgrammeItem
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

START = date(2026, 8, 31)  # a Monday; the FakeClock starts on Tuesday 1 September
EVERYONE = ProgrammeItem(
    "all", "tip", (1,), "wed", time(10, 0), {"nl": "Voor iedereen.", "en": "For everyone."}
)
OLDER = ProgrammeItem(
    "older", "tip", (1,), "thu", time(10, 0), {"nl": "Voor 6-12.", "en": "For 6-12."}, ("6-12",)
)


def _settings(app: App) -> Settings:
    programme = Programme(START, (EVERYONE, OLDER))
    return dataclasses.replace(
        app.settings, prompts=dataclasses.replace(app.settings.prompts, programme=programme)
    )


def _promised(chat: Chat, user: str) -> list[str]:
    said = chat.say(f"{user}: /routekaart")[0]
    return [line for line in said.splitlines() if line.startswith("- ")]


def _delivered(app: App, clock: FakeClock, transport: RecordingTransport, user: str) -> list[str]:
    settings = _settings(app)
    for day in (2, 3):  # Wednesday and Thursday, 10:05 in Amsterdam
        clock.current = datetime(2026, 9, day, 8, 5, tzinfo=UTC)
        prompts.send_due_prompts(app.session_factory, app.translator, clock, settings)
    asyncio.run(app.dispatcher.dispatch_due())
    return [
        d.action.text
        for d in transport.done
        if isinstance(d.action, SendMessage)
        and d.chat_id == user
        and d.action.text.startswith("💡 ")
    ]


def test_a_paused_parent_is_promised_nothing_and_gets_nothing(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    app.engine.settings = _settings(app)
    assert len(_promised(chat, "anna")) == 1  # the tip for everyone; she has a child of 0-2
    chat.say("anna: /pause")
    assert _promised(chat, "anna") == []
    assert "No messages are planned for the next 2 weeks." in chat.say("anna: /routekaart")[0]
    assert _delivered(app, clock, transport, "anna") == []


def test_a_parent_without_age_bands_is_promised_only_what_is_for_every_parent(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None and anna.profile is not None
        anna.profile.age_bands = []  # she did not say (or her child grew out of the bands)
    app.engine.settings = _settings(app)
    promised = _promised(chat, "anna")
    delivered = _delivered(app, clock, transport, "anna")
    assert len(promised) == len(delivered) == 1
    assert delivered == ["💡 For everyone."]


def test_the_rule_names_why_a_parent_does_not_get_a_prompt() -> None:
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

    def why(prompt: dict[str, object], **changes: object) -> str | None:
        person = Person(role=Role.PARENT, active=True, community_id=1, unreachable_at=None)
        profile = ParentProfile(
            completed_at=now, prompts_paused=False, age_bands=["0-2"], neighbourhood_id=3
        )
        for name, value in changes.items():
            setattr(person if hasattr(Person, name) else profile, name, value)
        shown = Prompt(**{"community_id": 1, "age_bands": [], "neighbourhood_id": None, **prompt})
        return audience.why_not(person, profile, shown)

    assert why({}) is None
    assert why({"age_bands": ["0-2", "2-4"], "neighbourhood_id": 3}) is None
    assert why({}, prompts_paused=True) == audience.PAUSED
    assert why({}, unreachable_at=now) == audience.UNREACHABLE
    assert why({}, completed_at=None) == audience.NOT_JOINED
    assert why({}, role=Role.PROFESSIONAL) == audience.NOT_A_PARENT
    assert why({}, community_id=2) == audience.NOT_A_PARENT
    assert why({"age_bands": ["6-12"]}) == audience.OTHER_AGES
    assert why({"age_bands": ["6-12"]}, age_bands=[]) == audience.OTHER_AGES
    assert why({"neighbourhood_id": 4}) == audience.OTHER_NEIGHBOURHOOD
    assert why({"neighbourhood_id": 4}, neighbourhood_id=None) == audience.OTHER_NEIGHBOURHOOD
